package dev.tether.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The peers bench's flags: later flags override the quick grid; bad values name flag and bound. */
class OptionsTest {
  @Test
  void nodeFailureSizesAndTrialsOverrideTheQuickGrid() {
    Options quick = Options.parse(new String[] {"--quick"});
    assertThat(quick.nodeFailSessions).containsExactly(1_000, 10_000);
    assertThat(quick.nodeFailTrials).isEqualTo(1);

    Options o =
        Options.parse(
            new String[] {
              "--quick", "--nodefail-sessions", "1000,100000", "--nodefail-trials", "2"
            });
    assertThat(o.nodeFailSessions).isEqualTo(List.of(1_000, 100_000));
    assertThat(o.nodeFailTrials).isEqualTo(2);
  }

  @Test
  void theFirstTrialOfACellWarmsUpLongerAndTheFlagOverridesIt() {
    Options full = Options.parse(new String[0]);
    assertThat(full.firstWarmupMs).isEqualTo(15_000).isGreaterThan(full.warmupMs);
    Options quick = Options.parse(new String[] {"--quick"});
    assertThat(quick.firstWarmupMs).isEqualTo(3_000).isGreaterThan(quick.warmupMs);
    assertThat(Options.parse(new String[] {"--quick", "--first-warmup-ms", "0"}).firstWarmupMs)
        .isZero();
    assertThatThrownBy(() -> Options.parse(new String[] {"--first-warmup-ms", "120001"}))
        .hasMessage("--first-warmup-ms is 120001, must be in [0, 120000]");
  }

  @Test
  void outOfRangeValuesAreRefusedWithTheirBounds() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--nodefail-sessions", "0"}))
        .hasMessage("--nodefail-sessions is 0, must be in [1, 10000000]");
    assertThatThrownBy(() -> Options.parse(new String[] {"--nodefail-trials", "51"}))
        .hasMessage("--nodefail-trials is 51, must be in [1, 50]");
  }
}
