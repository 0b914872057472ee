package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Members and memberships validate every field and keep members sorted by id. */
class MembershipTest {
  @Test
  void sortsByIdAndFindsMembers() {
    Membership m =
        Membership.of(Member.ofUnits("c", 1), Member.ofUnits("a", 2), Member.ofUnits("b", 3));
    assertThat(m.id(0)).isEqualTo("a");
    assertThat(m.indexOf("b")).isEqualTo(1);
    assertThat(m.indexOf("zz")).isEqualTo(-1);
    assertThat(m.totalWeightMilli()).isEqualTo(6000);
    assertThat(m.with(Member.ofUnits("a", 5)).weightMilli(0)).isEqualTo(5000);
    assertThat(m.without("a").size()).isEqualTo(2);
    assertThat(m.without("missing")).isEqualTo(m);
  }

  @Test
  void rejectsBadMembers() {
    assertThatThrownBy(() -> Member.ofUnits("", 1)).hasMessage("member.id must not be empty");
    assertThatThrownBy(() -> Member.ofUnits("x".repeat(129), 1))
        .hasMessageContaining("limit NODE_ID_BYTES_MAX is 128");
    assertThatThrownBy(() -> Member.ofUnits("bad id", 1))
        .hasMessageContaining("outside [A-Za-z0-9._:-] at index 3");
    assertThatThrownBy(() -> Member.ofUnits("n", 0)).hasMessageContaining("CAPACITY_UNITS_MAX");
    assertThatThrownBy(() -> Member.ofUnits("n", 1001)).hasMessageContaining("is 1001");
    assertThatThrownBy(() -> new Member("n", 0)).hasMessageContaining("WEIGHT_MILLI_MAX");
    assertThatThrownBy(() -> new Member("n", RingLimits.WEIGHT_MILLI_MAX + 1))
        .hasMessageContaining("weight_milli");
  }

  @Test
  void rejectsBadMemberships() {
    assertThatThrownBy(() -> Membership.of(Member.ofUnits("a", 1), Member.ofUnits("a", 2)))
        .hasMessage("member.id a appears twice");
    List<Member> tooMany = new ArrayList<>();
    for (int i = 0; i <= RingLimits.NODES_PER_RING_MAX; i++) {
      tooMany.add(Member.ofUnits("n" + i, 1));
    }
    assertThatThrownBy(() -> Membership.of(tooMany))
        .hasMessage("membership has 4097 nodes, limit NODES_PER_RING_MAX is 4096");
    List<Member> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> Membership.of(withNull)).hasMessageContaining("null");
  }

  @Test
  void parsesPolicies() {
    assertThat(PolicyKind.parse("slot-table")).isEqualTo(PolicyKind.SLOT_TABLE);
    assertThat(PolicyKind.parse("VNODE_RING")).isEqualTo(PolicyKind.VNODE_RING);
    assertThatThrownBy(() -> PolicyKind.parse("maglev"))
        .hasMessage("policy 'maglev' is unknown, expected slot-table or vnode-ring");
    assertThatThrownBy(() -> new PolicyConfig(null, 1)).hasMessage("policy.kind must be set");
  }

  @Test
  void changesRejectUnknownOrDuplicateNodes() {
    Membership m = Fixtures.equal(2);
    assertThatThrownBy(() -> new MembershipChange.Join("n0", 1000).apply(m))
        .hasMessage("join: node n0 is already a member");
    assertThatThrownBy(() -> new MembershipChange.Leave("x").apply(m))
        .hasMessage("leave: node x is not a member");
    assertThatThrownBy(() -> new MembershipChange.Drain("x").apply(m))
        .hasMessage("drain: node x is not a member");
    assertThatThrownBy(() -> new MembershipChange.Weight("x", 1000).apply(m))
        .hasMessage("weight: node x is not a member");
  }
}
