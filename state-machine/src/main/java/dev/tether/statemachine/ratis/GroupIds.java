package dev.tether.statemachine.ratis;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * Raft group ids: the region group's is derived from the region name; a ring group's from the
 * region, the ring's name and the log index at which the catalog created it, so that a ring deleted
 * and created again never reuses an old group's directories.
 */
public final class GroupIds {
  private GroupIds() {}

  /** The region group of {@code region}. */
  public static RaftGroupId region(String region) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(("tether-region:" + region).getBytes(StandardCharsets.UTF_8)));
  }

  /** The group of ring {@code ring} created at catalog index {@code createdIndex}. */
  public static RaftGroupId ring(String region, String ring, long createdIndex) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(
            ("tether-ring:" + region + ":" + ring + ":" + createdIndex)
                .getBytes(StandardCharsets.UTF_8)));
  }
}
