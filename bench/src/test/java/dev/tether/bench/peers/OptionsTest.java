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
  void outOfRangeValuesAreRefusedWithTheirBounds() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--nodefail-sessions", "0"}))
        .hasMessage("--nodefail-sessions is 0, must be in [1, 10000000]");
    assertThatThrownBy(() -> Options.parse(new String[] {"--nodefail-trials", "51"}))
        .hasMessage("--nodefail-trials is 51, must be in [1, 50]");
  }
}
