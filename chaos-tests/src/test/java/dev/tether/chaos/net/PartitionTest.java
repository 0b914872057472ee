package dev.tether.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The partition shapes cut exactly the links their names promise, and say who is cut off. */
class PartitionTest {
  @Test
  void isolatingOneDaemonLeavesItAloneInTheMinority() {
    Partition p = Partition.sides(3, Set.of(2));
    assertThat(p.reach(2)).containsExactly(2);
    assertThat(p.reach(1)).containsExactly(1, 3);
    assertThat(p.minority()).containsExactly(2);
    assertThat(p.blockedFrom(1)).containsExactly(2);
    assertThat(p.describe()).isEqualTo("d1:[1, 3] d2:[2] d3:[1, 3]");
  }

  @Test
  void twoOfFiveAreTheMinority() {
    Partition p = Partition.sides(5, Set.of(1, 4));
    assertThat(p.minority()).containsExactly(1, 4);
    assertThat(p.isCut(1, 4)).isFalse();
    assertThat(p.isCut(4, 5)).isTrue();
  }

  @Test
  void inTheMajoritiesRingEveryoneSeesAMajorityButNoTwoTheSame() {
    Partition p = Partition.majoritiesRing(List.of(3, 1, 5, 2, 4));
    Set<List<Integer>> views = new HashSet<>();
    for (int d = 1; d <= 5; d++) {
      assertThat(p.reach(d)).hasSize(3);
      views.add(p.reach(d));
    }
    assertThat(views).hasSize(5);
    assertThat(p.minority()).isEmpty();
    // Ring neighbours talk; others do not.
    assertThat(p.isCut(3, 1)).isFalse();
    assertThat(p.isCut(3, 4)).isFalse();
    assertThat(p.isCut(3, 5)).isTrue();
  }

  @Test
  void theBridgeTalksToBothHalvesWhichDoNotTalkToEachOther() {
    Partition p = Partition.bridge(List.of(2, 5, 1, 3, 4));
    assertThat(p.reach(1)).containsExactly(1, 2, 3, 4, 5);
    assertThat(p.isCut(2, 3)).isTrue();
    assertThat(p.isCut(5, 4)).isTrue();
    assertThat(p.isCut(2, 5)).isFalse();
    assertThat(p.minority()).isEmpty();
  }

  @Test
  void noneCutsNothing() {
    Partition p = Partition.none(3);
    assertThat(p.cut()).isEmpty();
    assertThat(p.minority()).isEmpty();
  }
}
