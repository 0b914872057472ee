package dev.tether.ring;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately simple, slow model of the ring spec: apportionment by sorting every seat entry,
 * tables filled with plain loops, a TreeMap ring with BigInteger positions. The fast code must
 * agree with it on every seeded input (the style of etcd-raft's quick_test).
 */
final class ReferenceModel {
  private ReferenceModel() {}

  /** Webster by brute force: sort all entries (member, k) by w/(2k+1) exactly, take the first. */
  static int[] webster(List<Member> sortedMembers, int seats) {
    record Entry(int member, int k, long weight) {}
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < sortedMembers.size(); i++) {
      for (int k = 0; k < seats; k++) {
        entries.add(new Entry(i, k, sortedMembers.get(i).weightMilli()));
      }
    }
    entries.sort(
        (a, b) -> {
          // Higher w/(2k+1) first: compare a.w*(2b.k+1) with b.w*(2a.k+1); ties by member index.
          BigInteger left =
              BigInteger.valueOf(a.weight()).multiply(BigInteger.valueOf(2L * b.k() + 1));
          BigInteger right =
              BigInteger.valueOf(b.weight()).multiply(BigInteger.valueOf(2L * a.k() + 1));
          int c = right.compareTo(left);
          return c != 0 ? c : Integer.compare(a.member(), b.member());
        });
    int[] counts = new int[sortedMembers.size()];
    for (int e = 0; e < seats && e < entries.size(); e++) {
      counts[entries.get(e).member()]++;
    }
    return counts;
  }

  /** One step of the slot-table spec written as plainly as possible; owners are member ids. */
  static String[] nextTable(String[] previousOwners, List<Member> sortedMembers, int[] caps) {
    int slots = previousOwners.length;
    String[] owners = new String[slots];
    Map<String, Integer> index = new TreeMap<>();
    long[] hashes = new long[sortedMembers.size()];
    for (int i = 0; i < sortedMembers.size(); i++) {
      index.put(sortedMembers.get(i).id(), i);
      hashes[i] = SessionHash.of(sortedMembers.get(i).id());
    }
    int[] count = new int[sortedMembers.size()];
    for (int s = 0; s < slots; s++) {
      String prev = previousOwners[s];
      if (prev != null && index.containsKey(prev)) {
        owners[s] = prev;
        count[index.get(prev)]++;
      }
    }
    for (int i = 0; i < sortedMembers.size(); i++) {
      String id = sortedMembers.get(i).id();
      long nodeHash = hashes[i];
      List<Integer> held = new ArrayList<>();
      for (int s = 0; s < slots; s++) {
        if (id.equals(owners[s])) {
          held.add(s);
        }
      }
      // Free the held slots with the lowest unsigned score first; on a tie the higher slot.
      held.sort(
          (a, b) -> {
            int c = Long.compareUnsigned(Mix.slotScore(nodeHash, a), Mix.slotScore(nodeHash, b));
            return c != 0 ? c : Integer.compare(b, a);
          });
      for (int r = 0; count[i] > caps[i]; r++) {
        owners[held.get(r)] = null;
        count[i]--;
      }
    }
    for (int s = 0; s < slots; s++) {
      if (owners[s] != null) {
        continue;
      }
      int best = -1;
      for (int i = 0; i < sortedMembers.size(); i++) {
        if (count[i] < caps[i]
            && (best < 0
                || Long.compareUnsigned(Mix.slotScore(hashes[i], s), Mix.slotScore(hashes[best], s))
                    > 0)) {
          best = i;
        }
      }
      owners[s] = sortedMembers.get(best).id();
      count[best]++;
    }
    return owners;
  }

  /** The vnode-ring spec as a TreeMap keyed by unsigned positions. */
  static TreeMap<BigInteger, String> ring(List<Member> sortedMembers, int vnodesPerUnit) {
    TreeMap<BigInteger, String> ring = new TreeMap<>();
    for (Member m : sortedMembers) {
      long points = Math.max(1, vnodesPerUnit * m.weightMilli() / 1000);
      for (int j = 0; j < points; j++) {
        long h = SessionHash.ofBytes((m.id() + "#" + j).getBytes(StandardCharsets.UTF_8));
        // Members are visited in id order, so putIfAbsent keeps the lower index on a collision.
        ring.putIfAbsent(unsigned(h), m.id());
      }
    }
    return ring;
  }

  /** The owner of a hash on a {@link #ring}: the first point at or after it, wrapping. */
  static String ringOwner(TreeMap<BigInteger, String> ring, long keyHash) {
    if (ring.isEmpty()) {
      return null;
    }
    Map.Entry<BigInteger, String> e = ring.ceilingEntry(unsigned(keyHash));
    return (e != null ? e : ring.firstEntry()).getValue();
  }

  static BigInteger unsigned(long v) {
    return new BigInteger(Long.toUnsignedString(v));
  }
}
