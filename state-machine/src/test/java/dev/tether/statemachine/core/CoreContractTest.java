package dev.tether.statemachine.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.ResultBatch;
import dev.tether.statemachine.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's contract, run against every {@link Store} implementation (one subclass each): the
 * scenario scripts, determinism of a long seeded log, and snapshot-restore-continue.
 */
abstract class CoreContractTest {
  @TempDir Path tmp;
  private int stores;

  /** A new empty store. */
  abstract Store newStore(Path dir) throws IOException;

  /** A store holding a checkpoint made by {@link Store#checkpoint}. */
  abstract Store restore(Path checkpoint) throws IOException;

  Store fresh() throws IOException {
    return newStore(tmp.resolve("store-" + stores++));
  }

  @TestFactory
  Stream<DynamicTest> scenarios() throws IOException {
    return ScenarioFiles.all().stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      List<ScenarioFiles.Step> steps = ScenarioFiles.parse(file);
                      List<String> actual = new ArrayList<>();
                      try (Store store = fresh()) {
                        ScenarioRunner runner = new ScenarioRunner(store);
                        for (ScenarioFiles.Step step : steps) {
                          actual.add(runner.run(step.command()));
                        }
                      }
                      if (Boolean.getBoolean("scenarios.rewrite")) {
                        ScenarioFiles.rewrite(file, actual);
                        return;
                      }
                      for (int i = 0; i < steps.size(); i++) {
                        assertThat(actual.get(i))
                            .as(
                                "%s line %d: > %s",
                                file.getFileName(), steps.get(i).line(), steps.get(i).command())
                            .isEqualTo(steps.get(i).expected());
                      }
                    }));
  }

  /** Two fresh stores applying the same seeded log of 100k+ commands end byte-identical. */
  @Test
  void aSeededLogGivesTheSameDigestOnTwoStores() throws IOException {
    try (Store a = fresh();
        Store b = fresh()) {
      List<CommandBatch> log = generate(a, 42, 120_000);
      replay(b, log, 0, log.size());
      assertThat(b.digest()).as("digest after %d entries", log.size()).isEqualTo(a.digest());
      assertThat(new RingCore(b).meta()).isEqualTo(new RingCore(a).meta());
    }
  }

  /**
   * An entry with no commands (the daemon's commit-propagation entry) applies as nothing: no
   * results, the same nodes, ring meta (but its clock) and epoch, and the invariants still hold.
   */
  @Test
  void anEmptyEntryAppliesAsNothing() throws IOException {
    try (Store store = fresh()) {
      List<CommandBatch> log = generate(store, 3, 5_000);
      RingCore core = new RingCore(store);
      var nodes = core.inspector().nodes();
      var epoch = core.meta().getEpoch();
      var meta = core.meta();
      long index = log.size() + 1;
      CommandBatch empty =
          CommandBatch.newBuilder().setTimeMs(log.get(log.size() - 1).getTimeMs() + 1).build();
      ResultBatch results = core.apply(empty, index, 1).results();
      store.commit(index, 1);
      assertThat(results.getResultsCount()).isZero();
      RingCore after = new RingCore(store);
      assertThat(after.inspector().nodes()).isEqualTo(nodes);
      assertThat(after.meta().getEpoch()).isEqualTo(epoch);
      assertThat(after.meta().toBuilder().clearLastTimeMs().build())
          .isEqualTo(meta.toBuilder().clearLastTimeMs().build());
      after.inspector().checkInvariants(index);
    }
  }

  /** A snapshot taken mid-log, restored and continued, ends where an uninterrupted replay ends. */
  @Test
  void snapshotRestoreContinueMatchesUninterruptedReplay() throws IOException {
    try (Store a = fresh()) {
      List<CommandBatch> log = generate(a, 7, 30_000);
      int half = log.size() / 2;
      Path checkpoint = tmp.resolve("checkpoint");
      try (Store b = fresh()) {
        replay(b, log, 0, half);
        new RingCore(b).inspector().checkInvariants(half);
        b.checkpoint(checkpoint);
      }
      try (Store c = restore(checkpoint)) {
        assertThat(c.appliedIndex()).isEqualTo(half);
        RingCore core = new RingCore(c);
        core.inspector().checkInvariants(half);
        replay(c, log, half, log.size());
        assertThat(c.digest()).isEqualTo(a.digest());
      }
    }
  }

  /** Applies a generated log to {@code store}, checking invariants as it goes; returns the log. */
  static List<CommandBatch> generate(Store store, long seed, int minCommands) {
    RingCore core = new RingCore(store);
    Workload workload = new Workload(seed, 40, 5_000);
    List<CommandBatch> log = new ArrayList<>();
    int commands = 0;
    while (commands < minCommands) {
      long index = log.size() + 1;
      CommandBatch batch = workload.next(core, index);
      ResultBatch results = core.apply(batch, index, 1).results();
      assertThat(results.getResultsCount()).isEqualTo(batch.getCommandsCount());
      store.commit(index, 1);
      log.add(batch);
      commands += batch.getCommandsCount();
      if (index % 5_000 == 0) {
        core.inspector().checkInvariants(index);
      }
    }
    core.inspector().checkInvariants(log.size());
    return log;
  }

  static void replay(Store store, List<CommandBatch> log, int from, int to) {
    RingCore core = new RingCore(store);
    for (int i = from; i < to; i++) {
      core.apply(log.get(i), i + 1, 1);
      store.commit(i + 1, 1);
    }
  }
}
