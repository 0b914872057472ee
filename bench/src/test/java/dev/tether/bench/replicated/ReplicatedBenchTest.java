package dev.tether.bench.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.statemachine.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicated harness works end to end on a tiny run: three servers, a ring group set up with
 * InitRing and Joins, a few hundred opens with and without group commit, every one a new session,
 * and the group removed afterwards. No timing is asserted.
 */
class ReplicatedBenchTest {
  @TempDir Path dir;

  @Test
  void opensSessionsWithAndWithoutGroupCommit() throws IOException, InterruptedException {
    try (LocalCluster cluster = LocalCluster.start(dir, 3)) {
      ReplicatedBench bench = new ReplicatedBench(cluster, 4);
      for (ReplicatedBench.Config c :
          new ReplicatedBench.Config[] {
            new ReplicatedBench.Config("gc", 512, 8, 16),
            new ReplicatedBench.Config("nogc", 1, 16, 16)
          }) {
        ReplicatedBench.Trial t = bench.trial(c, 1, 0, 15, 200);

        assertThat(t.outcome().failures()).as(c.label()).isZero();
        assertThat(t.outcome().ops()).as(c.label()).isGreaterThanOrEqualTo(200);
        assertThat(t.outcome().drained()).as(c.label()).isTrue();
        assertThat(t.commandsPerEntry()).as(c.label()).isGreaterThanOrEqualTo(1.0);
        if (c.maxCommands() == 1) {
          assertThat(t.commandsPerEntry()).as(c.label()).isEqualTo(1.0);
        }
      }
      assertThat(cluster.server(0).getGroupIds()).as("trial groups are removed").isEmpty();
    }
  }
}
