package dev.tether.statemachine.store;

import dev.tether.statemachine.core.Table;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB {@link Store}: one column family per {@link Table} plus {@code raft} for the applied
 * index. Pending writes live in a {@link WriteBatchWithIndex}, so reads see them, and {@link
 * #commit} writes them and the applied index in one atomic batch. The WAL is on but not synced per
 * write: the Raft log is the durable source, replayed from the applied index.
 */
public final class RocksDbStore implements Store {
  static {
    RocksDB.loadLibrary();
  }

  private static final byte[] APPLIED = "applied".getBytes(StandardCharsets.UTF_8);

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final RocksDB db;
  private final Map<Table, ColumnFamilyHandle> handles = new EnumMap<>(Table.class);
  private final ColumnFamilyHandle raft;
  private final List<ColumnFamilyHandle> allHandles;
  private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
  private final WriteOptions writeOptions;
  private final ReadOptions readOptions = new ReadOptions();
  private volatile long appliedIndex;
  private volatile long appliedTerm;

  private RocksDbStore(Path dir, boolean disableWal) throws RocksDBException {
    this.dir = dir;
    this.writeOptions = new WriteOptions().setSync(false).setDisableWAL(disableWal);
    this.dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setMaxBackgroundJobs(2)
            .setKeepLogFileNum(4);
    this.cfOptions =
        new ColumnFamilyOptions()
            .setCompressionType(CompressionType.LZ4_COMPRESSION)
            .optimizeForPointLookup(64);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (Table t : Table.values()) {
      descriptors.add(
          new ColumnFamilyDescriptor(t.columnFamily().getBytes(StandardCharsets.UTF_8), cfOptions));
    }
    descriptors.add(new ColumnFamilyDescriptor("raft".getBytes(StandardCharsets.UTF_8), cfOptions));
    List<ColumnFamilyHandle> opened = new ArrayList<>();
    this.db = RocksDB.open(dbOptions, dir.toString(), descriptors, opened);
    this.allHandles = opened;
    for (Table t : Table.values()) {
      handles.put(t, opened.get(1 + t.ordinal()));
    }
    this.raft = opened.get(opened.size() - 1);
    byte[] applied = db.get(raft, APPLIED);
    if (applied != null) {
      ByteBuffer b = ByteBuffer.wrap(applied);
      appliedIndex = b.getLong();
      appliedTerm = b.getLong();
    }
  }

  /** Opens (or creates) the store in {@code dir}. */
  public static RocksDbStore open(Path dir) throws IOException {
    return open(dir, false);
  }

  /**
   * Opens (or creates) the store in {@code dir}; with {@code disableWal} writes skip the WAL and
   * are lost on a crash (the chaos suite's planted "no fsync" bug, never for production).
   */
  public static RocksDbStore open(Path dir, boolean disableWal) throws IOException {
    Files.createDirectories(dir);
    try {
      return new RocksDbStore(dir, disableWal);

    } catch (RocksDBException e) {
      throw new IOException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The directory of this store. */
  public Path dir() {
    return dir;
  }

  @Override
  public byte[] get(Table table, byte[] key) {
    try {
      return batch.getFromBatchAndDB(db, handles.get(table), readOptions, key);
    } catch (RocksDBException e) {
      throw new StoreException("get from " + table, e);
    }
  }

  @Override
  public void put(Table table, byte[] key, byte[] value) {
    try {
      batch.put(handles.get(table), key, value);
    } catch (RocksDBException e) {
      throw new StoreException("put into " + table, e);
    }
  }

  @Override
  public void delete(Table table, byte[] key) {
    try {
      batch.delete(handles.get(table), key);
    } catch (RocksDBException e) {
      throw new StoreException("delete from " + table, e);
    }
  }

  @Override
  public List<Entry> scan(Table table, byte[] prefix, byte[] from, int limit) {
    List<Entry> out = new ArrayList<>();
    ColumnFamilyHandle cf = handles.get(table);
    try (RocksIterator base = db.newIterator(cf, readOptions);
        RocksIterator it = batch.newIteratorWithBase(cf, base)) {
      for (it.seek(Bytes.max(prefix, from)); it.isValid() && out.size() < limit; it.next()) {
        byte[] key = it.key();
        if (!Bytes.startsWith(key, prefix)) {
          break;
        }
        out.add(new Entry(key, it.value()));
      }
    }
    return out;
  }

  @Override
  public void commit(long index, long term) {
    try {
      batch.put(raft, APPLIED, ByteBuffer.allocate(16).putLong(index).putLong(term).array());
      db.write(writeOptions, batch);
      batch.clear();
      appliedIndex = index;
      appliedTerm = term;
    } catch (RocksDBException e) {
      throw new StoreException("commit at index " + index, e);
    }
  }

  @Override
  public void discard() {
    batch.clear();
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
      try (RocksIterator it = db.newIterator(handles.get(t), readOptions)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          d.add(t, it.key(), it.value());
        }
      }
    }
    return d.value();
  }

  @Override
  public void checkpoint(Path target) throws IOException {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
        Checkpoint checkpoint = Checkpoint.create(db)) {
      db.flushWal(true);
      db.flush(flush, allHandles);
      checkpoint.createCheckpoint(target.toString());
    } catch (RocksDBException e) {
      throw new IOException("cannot checkpoint RocksDB into " + target + ": " + e.getMessage(), e);
    }
  }

  /** Approximate bytes on disk (SST files), for metrics and reports. */
  public long diskBytes() {
    long total = 0;
    try {
      for (Table t : Table.values()) {
        total += db.getLongProperty(handles.get(t), "rocksdb.total-sst-files-size");
      }
    } catch (RocksDBException e) {
      throw new StoreException("read disk size", e);
    }
    return total;
  }

  @Override
  public void close() {
    batch.close();
    writeOptions.close();
    readOptions.close();
    for (ColumnFamilyHandle h : allHandles) {
      h.close();
    }
    db.close();
    dbOptions.close();
    cfOptions.close();
  }

  /** A RocksDB failure: the replica cannot continue safely. */
  public static final class StoreException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    StoreException(String what, RocksDBException cause) {
      super("RocksDB failed to " + what + ": " + cause.getMessage(), cause);
    }
  }
}
