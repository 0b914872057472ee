package dev.tether.bench.placement;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import net.spy.memcached.MemcachedNode;

/**
 * Stand-ins for spymemcached's large {@link MemcachedNode} interface: a {@link Proxy} whose only
 * behaviour is an address, which is all {@code KetamaNodeLocator} reads. Nothing ever connects to
 * these addresses.
 */
public final class MemcachedStubs {
  static {
    // spymemcached 2.12.3 asserts that its continuum holds exactly 160 x N points, which is false
    // for weighted ketama and whenever two points collide in 32 bits; under -ea (as in surefire)
    // the locator's constructor then throws. Run the peer as its users do: assertions off. This
    // must happen before KetamaNodeLocator is initialised, and every locator here is built from
    // these stubs, so this class is always loaded first.
    ClassLoader loader = MemcachedNode.class.getClassLoader();
    if (loader != null) {
      loader.setPackageAssertionStatus("net.spy.memcached", false);
    }
  }

  private MemcachedStubs() {}

  /** The address of node {@code i}: {@code 10.0.(i / 256).(i % 256):11211}, never looked up. */
  public static InetSocketAddress address(int i) {
    try {
      byte[] ip = {10, 0, (byte) (i >>> 8), (byte) i};
      // getByAddress builds the address from the bytes without any name lookup.
      return new InetSocketAddress(InetAddress.getByAddress(ip), 11211);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A node stub for node index {@code index}. */
  public static MemcachedNode stub(int index) {
    return (MemcachedNode)
        Proxy.newProxyInstance(
            MemcachedNode.class.getClassLoader(),
            new Class<?>[] {MemcachedNode.class},
            new StubHandler(index, address(index)));
  }

  /** The node index of a stub made by {@link #stub}. */
  public static int indexOf(MemcachedNode node) {
    return ((StubHandler) Proxy.getInvocationHandler(node)).index;
  }

  private static final class StubHandler implements InvocationHandler {
    private final int index;
    private final InetSocketAddress address;

    StubHandler(int index, InetSocketAddress address) {
      this.index = index;
      this.address = address;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
      return switch (method.getName()) {
        case "getSocketAddress" -> address;
        case "toString" -> "stub-" + address;
        case "hashCode" -> index;
        case "equals" -> proxy == args[0];
        default -> defaultValue(method.getReturnType());
      };
    }

    private static Object defaultValue(Class<?> type) {
      if (type == boolean.class) {
        return false;
      } else if (type == int.class) {
        return 0;
      } else if (type == long.class) {
        return 0L;
      } else if (type.isPrimitive() && type != void.class) {
        throw new UnsupportedOperationException("stub node has no " + type + " value");
      }
      return null;
    }
  }
}
