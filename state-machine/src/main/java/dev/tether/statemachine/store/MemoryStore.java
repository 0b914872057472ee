package dev.tether.statemachine.store;

import dev.tether.statemachine.core.Table;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link Store} in memory: sorted maps per table plus a pending overlay. For tests and for
 * checking that the core behaves the same on every store; checkpoints are a single file.
 */
public final class MemoryStore implements Store {
  private static final byte[] DELETED = new byte[0];
  private static final String CHECKPOINT_FILE = "memory-store.bin";

  private final Map<Table, ConcurrentSkipListMap<byte[], byte[]>> committed =
      new EnumMap<>(Table.class);
  private final Map<Table, TreeMap<byte[], byte[]>> pending = new EnumMap<>(Table.class);
  private volatile long appliedIndex;
  private volatile long appliedTerm;

  /** An empty store. */
  public MemoryStore() {
    for (Table t : Table.values()) {
      committed.put(t, new ConcurrentSkipListMap<>(Bytes.ORDER));
      pending.put(t, new TreeMap<>(Bytes.ORDER));
    }
  }

  /** A store holding the state of a {@link #checkpoint} directory. */
  public static MemoryStore restore(Path dir) throws IOException {
    MemoryStore store = new MemoryStore();
    try (InputStream raw = Files.newInputStream(dir.resolve(CHECKPOINT_FILE));
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
      store.appliedIndex = in.readLong();
      store.appliedTerm = in.readLong();
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        Table t = Table.values()[in.readUnsignedByte()];
        byte[] key = new byte[in.readInt()];
        in.readFully(key);
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        store.committed.get(t).put(key, value);
      }
    }
    return store;
  }

  @Override
  public byte[] get(Table table, byte[] key) {
    byte[] p = pending.get(table).get(key);
    if (p != null) {
      return p == DELETED ? null : p;
    }
    return committed.get(table).get(key);
  }

  @Override
  public void put(Table table, byte[] key, byte[] value) {
    pending.get(table).put(key.clone(), value.clone());
  }

  @Override
  public void delete(Table table, byte[] key) {
    pending.get(table).put(key.clone(), DELETED);
  }

  @Override
  public List<Entry> scan(Table table, byte[] prefix, byte[] from, int limit) {
    byte[] start = Bytes.max(prefix, from);
    Iterator<Map.Entry<byte[], byte[]>> base =
        committed.get(table).tailMap(start, true).entrySet().iterator();
    Iterator<Map.Entry<byte[], byte[]>> over =
        pending.get(table).tailMap(start, true).entrySet().iterator();
    List<Entry> out = new ArrayList<>();
    Map.Entry<byte[], byte[]> b = next(base);
    Map.Entry<byte[], byte[]> o = next(over);
    while (out.size() < limit && (b != null || o != null)) {
      Map.Entry<byte[], byte[]> take;
      if (o == null || (b != null && Bytes.ORDER.compare(b.getKey(), o.getKey()) < 0)) {
        take = b;
        b = next(base);
      } else {
        if (b != null && Bytes.ORDER.compare(b.getKey(), o.getKey()) == 0) {
          b = next(base); // the pending write shadows the committed value
        }
        take = o;
        o = next(over);
      }
      if (!Bytes.startsWith(take.getKey(), prefix)) {
        break;
      }
      if (take.getValue() != DELETED) {
        out.add(new Entry(take.getKey(), take.getValue()));
      }
    }
    return out;
  }

  private static Map.Entry<byte[], byte[]> next(Iterator<Map.Entry<byte[], byte[]>> it) {
    return it.hasNext() ? it.next() : null;
  }

  @Override
  public void commit(long index, long term) {
    for (Table t : Table.values()) {
      NavigableMap<byte[], byte[]> target = committed.get(t);
      for (Map.Entry<byte[], byte[]> e : pending.get(t).entrySet()) {
        if (e.getValue() == DELETED) {
          target.remove(e.getKey());
        } else {
          target.put(e.getKey(), e.getValue());
        }
      }
      pending.get(t).clear();
    }
    appliedIndex = index;
    appliedTerm = term;
  }

  @Override
  public void discard() {
    pending.values().forEach(TreeMap::clear);
  }

  @Override
  public long appliedIndex() {
    return appliedIndex;
  }

  @Override
  public long appliedTerm() {
    return appliedTerm;
  }

  @Override
  public long digest() {
    Digests d = new Digests();
    for (Table t : Table.values()) {
      for (Map.Entry<byte[], byte[]> e : committed.get(t).entrySet()) {
        d.add(t, e.getKey(), e.getValue());
      }
    }
    return d.value();
  }

  @Override
  public void checkpoint(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (OutputStream raw = Files.newOutputStream(dir.resolve(CHECKPOINT_FILE));
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw))) {
      out.writeLong(appliedIndex);
      out.writeLong(appliedTerm);
      int count = 0;
      for (Table t : Table.values()) {
        count += committed.get(t).size();
      }
      out.writeInt(count);
      for (Table t : Table.values()) {
        for (Map.Entry<byte[], byte[]> e : committed.get(t).entrySet()) {
          out.writeByte(t.ordinal());
          out.writeInt(e.getKey().length);
          out.write(e.getKey());
          out.writeInt(e.getValue().length);
          out.write(e.getValue());
        }
      }
    }
  }

  @Override
  public void close() {}
}
