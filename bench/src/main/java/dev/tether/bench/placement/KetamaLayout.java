package dev.tether.bench.placement;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.KetamaNodeKeyFormatter;
import net.spy.memcached.KetamaNodeLocator;
import net.spy.memcached.MemcachedNode;

/**
 * spymemcached's {@link KetamaNodeLocator} with {@code KETAMA_HASH} (MD5, 160 points per server),
 * weighted through its weights-map constructor when weights are given. Nodes are {@link
 * MemcachedStubs}: they only have an address, and no connection is ever made.
 *
 * <p>Owners come from the locator's own {@code getNodeForKey(long)} applied to the precomputed
 * {@code KETAMA_HASH} of each id, which is exactly what {@code getPrimary(String)} does (checked by
 * a test), so ten million ids need not be kept as strings. Shares are the exact arcs of the
 * locator's own continuum, read through its {@code getKetamaNodes()}.
 */
final class KetamaLayout extends Layout {
  private static final MethodHandle NODE_FOR_KEY;
  private static final MethodHandle CONTINUUM;

  static {
    try {
      MethodHandles.Lookup lookup =
          MethodHandles.privateLookupIn(KetamaNodeLocator.class, MethodHandles.lookup());
      NODE_FOR_KEY =
          lookup.findVirtual(
              KetamaNodeLocator.class,
              "getNodeForKey",
              MethodType.methodType(MemcachedNode.class, long.class));
      CONTINUUM =
          lookup.findVirtual(
              KetamaNodeLocator.class, "getKetamaNodes", MethodType.methodType(TreeMap.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Node index → node stub, in index order; the locator sees them in this order. */
  private final Map<Integer, MemcachedNode> nodes;

  /** Capacity units by node index, or {@code null} for the unweighted locator. */
  private final Map<Integer, Integer> weights;

  private final KetamaNodeLocator locator;

  private KetamaLayout(Map<Integer, MemcachedNode> nodes, Map<Integer, Integer> weights) {
    this.nodes = nodes;
    this.weights = weights;
    List<MemcachedNode> list = new ArrayList<>(nodes.values());
    if (weights == null) {
      this.locator = new KetamaNodeLocator(list, DefaultHashAlgorithm.KETAMA_HASH);
    } else {
      Map<InetSocketAddress, Integer> byAddress = new LinkedHashMap<>();
      for (Map.Entry<Integer, Integer> e : weights.entrySet()) {
        byAddress.put(MemcachedStubs.address(e.getKey()), e.getValue());
      }
      this.locator =
          new KetamaNodeLocator(
              list,
              DefaultHashAlgorithm.KETAMA_HASH,
              KetamaNodeKeyFormatter.Format.SPYMEMCACHED,
              byAddress);
    }
  }

  /** Nodes {@code 0..n-1}; {@code weights} may be {@code null} for the unweighted locator. */
  static KetamaLayout build(int n, int[] weights) {
    Map<Integer, MemcachedNode> nodes = new LinkedHashMap<>();
    Map<Integer, Integer> w = weights == null ? null : new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      nodes.put(i, MemcachedStubs.stub(i));
      if (w != null) {
        w.put(i, weights[i]);
      }
    }
    return new KetamaLayout(nodes, w);
  }

  /** The locator itself, for benchmarks. */
  KetamaNodeLocator locator() {
    return locator;
  }

  @Override
  int owner(SessionIds ids, int k) {
    return MemcachedStubs.indexOf(nodeForKey(locator, ids.ketama(k)));
  }

  /** The locator's {@code getNodeForKey(hash)}: the step of {@code getPrimary} after hashing. */
  static MemcachedNode nodeForKey(KetamaNodeLocator locator, long hash) {
    try {
      return (MemcachedNode) NODE_FOR_KEY.invokeExact(locator, hash);
    } catch (Throwable t) {
      throw new IllegalStateException("KetamaNodeLocator.getNodeForKey failed", t);
    }
  }

  @Override
  Shares shares(int universe) {
    TreeMap<?, ?> continuum;
    try {
      continuum = (TreeMap<?, ?>) CONTINUUM.invokeExact(locator);
    } catch (Throwable t) {
      throw new IllegalStateException("KetamaNodeLocator.getKetamaNodes failed", t);
    }
    double[] share = new double[universe];
    long previous = -1;
    for (Map.Entry<?, ?> e : continuum.entrySet()) {
      long point = (Long) e.getKey();
      int node = MemcachedStubs.indexOf((MemcachedNode) e.getValue());
      if (previous < 0) {
        // The first point also owns the wrap-around arc after the last point.
        long last = (Long) continuum.lastKey();
        share[node] += ((1L << 32) - last + point) / 0x1p32;
      } else {
        share[node] += (point - previous) / 0x1p32;
      }
      previous = point;
    }
    return new Shares(share, "exact: arc lengths of the 32-bit ketama continuum");
  }

  @Override
  KetamaLayout join(int node, int weight) {
    Map<Integer, MemcachedNode> next = new LinkedHashMap<>(nodes);
    next.put(node, MemcachedStubs.stub(node));
    Map<Integer, Integer> w = null;
    if (weights != null) {
      w = new LinkedHashMap<>(weights);
      w.put(node, weight);
    }
    return new KetamaLayout(next, w);
  }

  @Override
  KetamaLayout leave(int node) {
    Map<Integer, MemcachedNode> next = new LinkedHashMap<>(nodes);
    next.remove(node);
    Map<Integer, Integer> w = null;
    if (weights != null) {
      w = new LinkedHashMap<>(weights);
      w.remove(node);
    }
    return new KetamaLayout(next, w);
  }
}
