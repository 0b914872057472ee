package dev.tether.ring;

/**
 * One node as the placement sees it: its id and its ring weight, in thousandths of a capacity unit
 * (see {@link WarmUp} for the weight of a node that is still warming up).
 *
 * @param id the node id: 1 to {@link RingLimits#NODE_ID_BYTES_MAX} characters of {@code
 *     [A-Za-z0-9._:-]}
 * @param weightMilli the ring weight, 1 to {@link RingLimits#WEIGHT_MILLI_MAX}
 */
public record Member(String id, long weightMilli) {
  /** Checks the id and the weight. */
  public Member {
    checkNodeId("member.id", id);
    if (weightMilli < 1 || weightMilli > RingLimits.WEIGHT_MILLI_MAX) {
      throw new IllegalArgumentException(
          "member.weight_milli of "
              + id
              + " is "
              + weightMilli
              + ", must be in [1, WEIGHT_MILLI_MAX="
              + RingLimits.WEIGHT_MILLI_MAX
              + "]");
    }
  }

  /** A member of {@code units} whole capacity units. */
  public static Member ofUnits(String id, int units) {
    if (units < 1 || units > RingLimits.CAPACITY_UNITS_MAX) {
      throw new IllegalArgumentException(
          "member.weight of "
              + id
              + " is "
              + units
              + ", must be in [1, CAPACITY_UNITS_MAX="
              + RingLimits.CAPACITY_UNITS_MAX
              + "]");
    }
    return new Member(id, units * RingLimits.WEIGHT_SCALE);
  }

  /**
   * Checks that {@code id} is a valid node id.
   *
   * @throws IllegalArgumentException naming {@code field} and the violated rule
   */
  public static void checkNodeId(String field, String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    if (id.length() > RingLimits.NODE_ID_BYTES_MAX) {
      throw new IllegalArgumentException(
          field
              + " is "
              + id.length()
              + " bytes, limit NODE_ID_BYTES_MAX is "
              + RingLimits.NODE_ID_BYTES_MAX);
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        throw new IllegalArgumentException(
            field + " '" + id + "' has a character outside [A-Za-z0-9._:-] at index " + i);
      }
    }
  }
}
