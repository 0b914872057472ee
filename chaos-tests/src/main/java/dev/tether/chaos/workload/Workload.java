package dev.tether.chaos.workload;

import dev.tether.chaos.history.History;
import dev.tether.chaos.history.Op;
import dev.tether.chaos.history.Outcome;
import dev.tether.chaos.net.Network;
import dev.tether.client.TetherClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client load of a run: on every daemon, writer processes running compare-and-set chains on the
 * workload sessions (with stale-token probes, opens and new sessions) and reader processes running
 * LINEARIZABLE and STALE lookups and state reads. Each daemon has its own client, bound to it
 * alone, so a daemon in a minority is exercised too. Every process draws its choices from its own
 * seeded random stream; a process whose write ends unknown is retired and replaced under a new id.
 */
public final class Workload implements AutoCloseable {
  private final WorkloadSpec spec;
  private final History history;
  private final Calls calls;
  private final List<TetherClient> clients = new ArrayList<>();
  private final List<String> daemons = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger processIds = new AtomicInteger(100);
  private final AtomicInteger newSessions = new AtomicInteger();
  private final long seed;
  private volatile boolean running;

  public Workload(WorkloadSpec spec, Network network, String ring, History history, long seed) {
    this.spec = spec;
    this.history = history;
    this.calls = new Calls(history, ring);
    this.seed = seed;
    for (int i = 1; i <= network.daemons(); i++) {
      daemons.add("d" + i);
      clients.add(
          TetherClient.builder()
              .endpoints(List.of(network.address(i).clientApi()))
              .deadline(spec.deadline())
              .retryBudget(1)
              .randomSeed(seed + i)
              .build());
    }
  }

  public Calls calls() {
    return calls;
  }

  /** The client bound to daemon {@code i} (1-based). */
  public TetherClient client(int i) {
    return clients.get(i - 1);
  }

  /** A fresh process id (never reused). */
  public int newProcess() {
    return processIds.getAndIncrement();
  }

  public void start() {
    running = true;
    int processes = daemons.size() * (spec.writersPerDaemon() + spec.readersPerDaemon());
    double meanGapMs = processes * 1000.0 / spec.opsPerSecond();
    int stream = 0;
    for (int d = 0; d < daemons.size(); d++) {
      for (int w = 0; w < spec.writersPerDaemon(); w++) {
        SplittableRandom r = new SplittableRandom(seed * 1_000 + stream++);
        start(new Writer(d, r, meanGapMs), "writer-" + daemons.get(d) + "-" + w);
      }
      for (int k = 0; k < spec.readersPerDaemon(); k++) {
        SplittableRandom r = new SplittableRandom(seed * 1_000 + stream++);
        start(new Reader(d, r, meanGapMs), "reader-" + daemons.get(d) + "-" + k);
      }
    }
  }

  private void start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** Stops every process and waits for its current call (bounded by its deadline). */
  public void stop() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(spec.deadline().toMillis() * 3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    threads.clear();
  }

  private abstract class Process implements Runnable {
    final int daemon;
    final SplittableRandom random;
    final double meanGapMs;
    int id = newProcess();

    Process(int daemon, SplittableRandom random, double meanGapMs) {
      this.daemon = daemon;
      this.random = random;
      this.meanGapMs = meanGapMs;
    }

    @Override
    public void run() {
      while (running) {
        // Exponential gaps: a Poisson arrival of operations at the process's share of the rate.
        long gap = (long) (-Math.log(1 - random.nextDouble()) * meanGapMs);
        try {
          TimeUnit.MILLISECONDS.sleep(Math.min(gap, (long) (meanGapMs * 5)));
        } catch (InterruptedException e) {
          return;
        }
        if (!running) {
          return;
        }
        step();
      }
    }

    abstract void step();

    TetherClient client() {
      return clients.get(daemon);
    }

    String daemonId() {
      return daemons.get(daemon);
    }

    String randomKey() {
      return WorkloadSpec.key(random.nextInt(spec.keys()));
    }

    /** Jepsen's rule: after an unknown outcome, this process is gone; a new one takes over. */
    void retireIfUnknown(Op op) {
      if (op.outcome() == Outcome.INFO) {
        id = newProcess();
      }
    }
  }

  /** LINEARIZABLE and STALE lookups and state reads. */
  private final class Reader extends Process {
    Reader(int daemon, SplittableRandom random, double meanGapMs) {
      super(daemon, random, meanGapMs);
    }

    @Override
    void step() {
      String key = randomKey();
      int p = random.nextInt(100);
      if (p < 35) {
        calls.lookup(client(), id, daemonId(), key, false);
      } else if (p < 60) {
        calls.lookup(client(), id, daemonId(), key, true);
      } else if (p < 85) {
        calls.get(client(), id, daemonId(), key, false);
      } else {
        calls.get(client(), id, daemonId(), key, true);
      }
    }
  }

  /**
   * Compare-and-set chains: read a session's token and version, then write a unique value with
   * them; sometimes with an older token it has seen (a stale-token probe that must be refused),
   * sometimes an open of the session (which moves it if its owner is gone) or of a new session.
   */
  private final class Writer extends Process {
    private final Map<String, long[]> known = new HashMap<>();
    private final Map<String, Long> oldTokens = new HashMap<>();
    private final Map<String, Long> lastTokens = new HashMap<>();
    private int seq;

    Writer(int daemon, SplittableRandom random, double meanGapMs) {
      super(daemon, random, meanGapMs);
    }

    @Override
    void step() {
      String key = randomKey();
      int p = random.nextInt(100);
      if (p < 8) {
        Op op = calls.open(client(), id, daemonId(), key, false);
        if (op.outcome() == Outcome.OK) {
          learn(key, op.result().token(), op.result().version());
        }
        retireIfUnknown(op);
        return;
      }
      if (p < 16) {
        String id2 = "chaos-new-" + seed + "-" + newSessions.getAndIncrement();
        retireIfUnknown(calls.open(client(), id, daemonId(), id2, true));
        return;
      }
      long[] tv = known.get(key);
      if (tv == null) {
        Op read = calls.get(client(), id, daemonId(), key, false);
        if (read.outcome() != Outcome.OK) {
          return;
        }
        learn(key, read.result().token(), read.result().version());
        tv = known.get(key);
      }
      long token = tv[0];
      Long old = oldTokens.get(key);
      if (old != null && random.nextDouble() < spec.staleTokenProbeShare()) {
        token = old;
      }
      String data = "p" + id + "-" + seq++;
      Op put = calls.put(client(), id, daemonId(), key, token, tv[1], data);
      if (put.outcome() == Outcome.OK) {
        tv[1] = put.result().version();
      } else {
        known.remove(key);
      }
      retireIfUnknown(put);
      if (put.outcome() == Outcome.INFO) {
        known.clear();
      }
    }

    private void learn(String key, long token, long version) {
      Long last = lastTokens.get(key);
      if (last != null && token > last) {
        oldTokens.put(key, last);
      }
      lastTokens.put(key, token);
      known.put(key, new long[] {token, version});
    }
  }

  @Override
  public void close() {
    stop();
    for (TetherClient c : clients) {
      c.close();
    }
  }
}
