package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vnode ring agrees with a TreeMap model, its shares add up, and a leave moves only arcs. */
class VnodeRingTest {
  @Test
  void agreesWithTreeMapModelOnSeededInputs() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Membership m = Fixtures.random(rnd, 10);
      int vnodes = 1 + rnd.nextInt(50);
      VnodeRing ring = VnodeRing.build(m, vnodes);
      var model = ReferenceModel.ring(m.members(), vnodes);
      for (int k = 0; k < 500; k++) {
        long hash = rnd.nextLong();
        int owner = ring.ownerIndex(hash);
        assertThat(m.id(owner))
            .as("seed %d hash %x", seed, hash)
            .isEqualTo(ReferenceModel.ringOwner(model, hash));
      }
    }
  }

  @Test
  void sharesSumToOne() {
    VnodeRing ring = VnodeRing.build(Fixtures.weighted(1, 2, 3, 4), 100);
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      sum += ring.share(i);
    }
    assertThat(sum).isCloseTo(1.0, within(1e-9));
    assertThat(ring.pointCount()).isEqualTo(1000);
  }

  @Test
  void aLeaveMovesExactlyTheLeaversShare() {
    VnodeRing ring = VnodeRing.build(Fixtures.equal(20), 160);
    PlacementDiff diff = PlacementDiff.whatIf(ring, new MembershipChange.Leave("n7"));
    assertThat(diff.movedShare())
        .isCloseTo(ring.share(ring.membership().indexOf("n7")), within(1e-12));
    assertThat(diff.flows()).allMatch(flow -> flow.from().equals("n7"));
    assertThat(diff.slotMoves()).isEmpty();
  }

  @Test
  void aSingleMemberOwnsEverything() {
    VnodeRing ring = VnodeRing.build(Fixtures.equal(1), 1);
    assertThat(ring.share(0)).isEqualTo(1.0);
    assertThat(ring.ownerOf("anything")).isEqualTo("n0");
    assertThat(VnodeRing.build(Membership.empty(), 10).ownerIndex(5)).isEqualTo(-1);
  }

  @Test
  void refusesRingsBeyondThePointLimit() {
    assertThatThrownBy(() -> VnodeRing.build(Fixtures.equal(2000), 4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RING_POINTS_MAX");
    assertThatThrownBy(() -> VnodeRing.build(Fixtures.equal(2), 0))
        .hasMessageContaining("policy.vnodes_per_unit is 0");
  }
}
