package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A probe order starts at the owner, visits every member exactly once and is deterministic. */
class ProbesTest {
  @Test
  void visitsEveryMemberOnceStartingAtTheOwner() {
    for (long seed = 1; seed <= 100; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Membership m = Fixtures.random(rnd, 80);
      Placement p = Placement.build(PolicyConfig.DEFAULT, m);
      long key = rnd.nextLong();
      Probes probes = new Probes(p, key);
      Set<Integer> seen = new HashSet<>();
      int first = probes.next();
      seen.add(first);
      assertThat(first).as("seed %d", seed).isEqualTo(p.ownerIndex(key));
      while (probes.hasNext()) {
        assertThat(seen.add(probes.next())).as("seed %d: no repeats", seed).isTrue();
      }
      assertThat(seen).hasSize(m.size());
      assertThatThrownBy(probes::next).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void isTheSameForTheSameKey() {
    Placement p = SlotTable.build(Fixtures.equal(50));
    Probes a = new Probes(p, 99);
    Probes b = new Probes(p, 99);
    while (a.hasNext()) {
      assertThat(a.next()).isEqualTo(b.next());
    }
  }
}
