package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The published test vectors (docs/ring-spec-vectors.json) still hold: every case's inputs,
 * recomputed here, give exactly the outputs in the file. A proxy in another language checks itself
 * against the same file. Run with {@code -Dvectors.rewrite=true} to regenerate it after an intended
 * change to the spec (and review the diff).
 */
class GoldenVectorsTest {
  private static final Path FILE = Path.of("..", "docs", "ring-spec-vectors.json");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Test
  void vectorsInTheSpecStillHold() throws IOException {
    if (Boolean.getBoolean("vectors.rewrite")) {
      Files.writeString(FILE, JSON.writeValueAsString(generate()) + "\n", StandardCharsets.UTF_8);
    }
    JsonNode file = JSON.readTree(FILE.toFile());
    int checked = 0;
    for (JsonNode c : file.get("xxh3_64")) {
      assertThat(hex(SessionHash.of(c.get("input").asText())))
          .as("xxh3 %s", c)
          .isEqualTo(c.get("hash").asText());
      checked++;
    }
    for (JsonNode c : file.get("mix64")) {
      assertThat(hex(Mix.mix64(parseHex(c.get("input").asText()))))
          .isEqualTo(c.get("output").asText());
      checked++;
    }
    for (JsonNode c : file.get("apportionment")) {
      JsonNode counts =
          JSON.valueToTree(
              Apportionment.webster(members(c.get("members")), c.get("seats").asInt()));
      assertThat(normalized(counts))
          .as("apportionment %s", c.get("members"))
          .isEqualTo(c.get("counts"));
      checked++;
    }
    for (JsonNode c : file.get("slot_table")) {
      SlotTable table = SlotTable.build(Membership.empty());
      for (JsonNode step : c.get("steps")) {
        table = table.next(members(step.get("members")));
        assertThat(normalized(slotTableStep(table, sessionIds(step.get("owners")))))
            .as("slot_table %s", c.get("name"))
            .isEqualTo(step);
        checked++;
      }
    }
    for (JsonNode c : file.get("vnode_ring")) {
      VnodeRing ring = VnodeRing.build(members(c.get("members")), c.get("vnodes_per_unit").asInt());
      assertThat(normalized(owners(ring, sessionIds(c.get("owners"))))).isEqualTo(c.get("owners"));
      checked++;
    }
    for (JsonNode c : file.get("bounded_load")) {
      assertThat(normalized(boundedLoad(c))).as("bounded_load %s", c.get("name")).isEqualTo(c);
      checked++;
    }
    for (JsonNode c : file.get("warmup")) {
      long w =
          WarmUp.effectiveWeightMilli(
              c.get("units").asInt(),
              c.get("elapsed_ms").asLong(),
              c.get("warmup_ms").asLong(),
              c.get("steps").asInt());
      assertThat(w).as("warmup %s", c).isEqualTo(c.get("weight_milli").asLong());
      checked++;
    }
    assertThat(checked).as("cases checked").isGreaterThanOrEqualTo(30);
  }

  private static ObjectNode generate() {
    ObjectNode root = JSON.createObjectNode();
    root.put("spec", "docs/ring-spec.md");
    root.put("note", "hashes are unsigned 64-bit values in lower-case hex, 16 digits");
    ArrayNode hashes = root.putArray("xxh3_64");
    for (String s :
        List.of(
            "",
            "a",
            "session-1",
            "0b5c8f3e-7f4f-4a5e-9a51-1c2d3e4f5a6b",
            "caf\u00e9-\u2713",
            "x".repeat(256))) {
      hashes.addObject().put("input", s).put("hash", hex(SessionHash.of(s)));
    }
    ArrayNode mixes = root.putArray("mix64");
    for (long v : new long[] {0, 1, -1, Mix.GOLDEN, 0x0123456789ABCDEFL}) {
      mixes.addObject().put("input", hex(v)).put("output", hex(Mix.mix64(v)));
    }
    ArrayNode apportion = root.putArray("apportionment");
    for (Membership m :
        List.of(Fixtures.equal(3), Fixtures.weighted(1, 2, 4, 8, 16), Fixtures.weighted(5, 5, 3))) {
      apportion
          .addObject()
          .<ObjectNode>set("members", membersJson(m))
          .put("seats", RingLimits.SLOTS)
          .set("counts", JSON.valueToTree(Apportionment.webster(m, RingLimits.SLOTS)));
    }
    ArrayNode tables = root.putArray("slot_table");
    tables.add(
        slotTableHistory(
            "equal-joins-and-leaves",
            List.of(
                Fixtures.equal(3),
                Fixtures.equal(4),
                Fixtures.equal(4).without("n1"),
                Fixtures.equal(4).without("n1").with(Member.ofUnits("n0", 3)))));
    tables.add(
        slotTableHistory(
            "weighted",
            List.of(
                Fixtures.weighted(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                Fixtures.weighted(1, 2, 3, 4, 5, 6, 7, 8, 9, 10).with(new Member("warm", 250)),
                Fixtures.weighted(1, 2, 3, 4, 5, 6, 7, 8, 9, 10).with(new Member("warm", 1000)))));
    ArrayNode rings = root.putArray("vnode_ring");
    for (int vnodes : new int[] {1, 160}) {
      VnodeRing ring = VnodeRing.build(Fixtures.weighted(1, 1, 2), vnodes);
      rings
          .addObject()
          .put("vnodes_per_unit", vnodes)
          .<ObjectNode>set("members", membersJson(ring.membership()))
          .set("owners", owners(ring, sampleIds(20)));
    }
    ArrayNode bounded = root.putArray("bounded_load");
    bounded.add(
        boundedLoadCase("slot-table", Fixtures.equal(5), new long[] {10, 0, 10, 9, 10}, 1000));
    bounded.add(
        boundedLoadCase("vnode-ring", Fixtures.weighted(1, 2, 1), new long[] {5, 3, 0}, 1250));
    ArrayNode ramps = root.putArray("warmup");
    for (long elapsed : new long[] {0, 2999, 3000, 17_000, 29_999, 30_000}) {
      ramps
          .addObject()
          .put("units", 4)
          .put("elapsed_ms", elapsed)
          .put("warmup_ms", 30_000)
          .put("steps", 10)
          .put("weight_milli", WarmUp.effectiveWeightMilli(4, elapsed, 30_000, 10));
    }
    return root;
  }

  private static ObjectNode slotTableHistory(String name, List<Membership> steps) {
    ObjectNode c = JSON.createObjectNode().put("name", name);
    ArrayNode out = c.putArray("steps");
    SlotTable table = SlotTable.build(Membership.empty());
    for (Membership m : steps) {
      table = table.next(m);
      out.add(slotTableStep(table, sampleIds(20)));
    }
    return c;
  }

  private static ObjectNode slotTableStep(SlotTable table, List<String> ids) {
    ObjectNode step = JSON.createObjectNode();
    step.set("members", membersJson(table.membership()));
    step.put("table_xxh3_64", hex(SessionHash.ofBytes(table.encode())));
    ObjectNode counts = step.putObject("slot_counts");
    for (int i = 0; i < table.membership().size(); i++) {
      counts.put(table.membership().id(i), table.slotCount(i));
    }
    step.set("owners", owners(table, ids));
    return step;
  }

  private static ObjectNode boundedLoadCase(
      String policy, Membership m, long[] counts, int permille) {
    ObjectNode c = JSON.createObjectNode().put("name", policy + "-" + m.size());
    c.put("policy", policy).put("vnodes_per_unit", 64).put("balance_permille", permille);
    c.set("members", membersJson(m));
    c.set("counts", JSON.valueToTree(counts));
    ArrayNode cases = c.putArray("choices");
    for (String id : sampleIds(10)) {
      cases.addObject().put("session_id", id);
    }
    return boundedLoad(c);
  }

  /** Recomputes a bounded-load case's outputs from its inputs. */
  private static ObjectNode boundedLoad(JsonNode input) {
    ObjectNode c = input.deepCopy();
    Membership m = members(c.get("members"));
    PolicyConfig policy =
        new PolicyConfig(
            PolicyKind.parse(c.get("policy").asText()), c.get("vnodes_per_unit").asInt());
    Placement p = Placement.build(policy, m);
    long[] counts = new long[m.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = c.get("counts").get(i).asLong();
    }
    for (JsonNode choice : c.get("choices")) {
      String id = choice.get("session_id").asText();
      long hash = SessionHash.of(id);
      BoundedLoad.Choice result =
          BoundedLoad.choose(p, hash, counts, c.get("balance_permille").asInt());
      ObjectNode out = (ObjectNode) choice;
      out.put("owner", m.id(result.memberIndex())).put("position_in_probe_order", result.probes());
      BoundedLoad.Choice rehome =
          BoundedLoad.chooseRehome(p, hash, counts, c.get("balance_permille").asInt());
      out.put("rehome_key", hex(BoundedLoad.rehomeKey(hash)))
          .put("rehome_owner", m.id(rehome.memberIndex()));

      ArrayNode order = out.putArray("probe_order");
      Probes probes = new Probes(p, hash);
      while (probes.hasNext()) {
        order.add(m.id(probes.next()));
      }
    }
    return c;
  }

  private static ArrayNode owners(Placement p, List<String> ids) {
    ArrayNode out = JSON.createArrayNode();
    for (String id : ids) {
      out.addObject().put("session_id", id).put("owner", p.ownerOf(id));
    }
    return out;
  }

  private static List<String> sessionIds(JsonNode owners) {
    List<String> ids = new ArrayList<>();
    owners.forEach(o -> ids.add(o.get("session_id").asText()));
    return ids;
  }

  private static List<String> sampleIds(int count) {
    List<String> ids = Fixtures.uuids(new SplittableRandom(42), count - 2);
    ids.add("user-17/room-3");
    ids.add("s\u00e9ance-\u00fc");
    return ids;
  }

  private static ArrayNode membersJson(Membership m) {
    ArrayNode out = JSON.createArrayNode();
    for (Member member : m.members()) {
      out.addObject().put("id", member.id()).put("weight_milli", member.weightMilli());
    }
    return out;
  }

  private static Membership members(JsonNode json) {
    List<Member> members = new ArrayList<>();
    json.forEach(
        j -> members.add(new Member(j.get("id").asText(), j.get("weight_milli").asLong())));
    return Membership.of(members);
  }

  /** Re-reads a computed tree so that numbers compare by value, as they were read from the file. */
  private static JsonNode normalized(JsonNode computed) {
    try {
      return JSON.readTree(JSON.writeValueAsString(computed));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String hex(long v) {
    return String.format("%016x", v);
  }

  private static long parseHex(String s) {
    return Long.parseUnsignedLong(s, 16);
  }
}
