package dev.tether.bench.placement;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The placement-quality figures of one algorithm. Ratios are {@code >= 1} with 1 ideal; moved and
 * heir figures are fractions of the session ids, each with the ideal value beside it. {@code NaN}
 * means "not applicable" and is reported as {@code null}.
 *
 * @param algorithm the algorithm's label
 * @param nodes number of nodes before any change
 * @param sessions number of session ids
 * @param vnodes points per unit of weight, or -1 when the algorithm has none
 * @param shareMethod how {@code peakToMeanShare} and {@code weightErrorMax} were obtained
 * @param peakToMeanShare max over nodes of (key-space share / weight share)
 * @param peakToMeanSampled max over nodes of (ids owned / ids expected)
 * @param noiseFloor expected sampled peak-to-mean of a perfect random hash (Monte-Carlo)
 * @param movedOnJoin fraction of ids changing owner when a node of mean weight joins
 * @param movedOnJoinIdeal {@code w_new / (W + w_new)}
 * @param movedOnLeave fraction of ids changing owner when a random non-last node leaves
 * @param movedOnLeaveIdeal {@code w_leaver / W}
 * @param maxHeirShare largest fraction of the leaver's pinned ids that one survivor receives
 * @param maxHeirShareUnpinned the same with plain owner lookups before and after
 * @param maxHeirShareIdeal {@code max_i w_i / (W - w_leaver)} over survivors
 * @param weightErrorMax max over nodes of |share - weight share| / weight share
 */
public record PlacementReport(
    String algorithm,
    int nodes,
    int sessions,
    int vnodes,
    String shareMethod,
    double peakToMeanShare,
    double peakToMeanSampled,
    double noiseFloor,
    double movedOnJoin,
    double movedOnJoinIdeal,
    double movedOnLeave,
    double movedOnLeaveIdeal,
    double maxHeirShare,
    double maxHeirShareUnpinned,
    double maxHeirShareIdeal,
    double weightErrorMax) {

  /**
   * The figures under their snake_case report names, in report order; {@code vnodes} only where the
   * algorithm has points, and {@code null} for not-applicable values.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("algorithm", algorithm);
    map.put("nodes", nodes);
    map.put("sessions", sessions);
    if (vnodes > 0) {
      map.put("vnodes", vnodes);
    }
    map.put("share_method", shareMethod);
    map.put("peak_to_mean_share", orNull(peakToMeanShare));
    map.put("peak_to_mean_sampled", orNull(peakToMeanSampled));
    map.put("noise_floor", orNull(noiseFloor));
    map.put("moved_on_join", orNull(movedOnJoin));
    map.put("moved_on_join_ideal", orNull(movedOnJoinIdeal));
    map.put("moved_on_leave", orNull(movedOnLeave));
    map.put("moved_on_leave_ideal", orNull(movedOnLeaveIdeal));
    map.put("max_heir_share", orNull(maxHeirShare));
    map.put("max_heir_share_unpinned", orNull(maxHeirShareUnpinned));
    map.put("max_heir_share_ideal", orNull(maxHeirShareIdeal));
    map.put("weight_error_max", orNull(weightErrorMax));
    return map;
  }

  private static Double orNull(double value) {
    return Double.isNaN(value) ? null : value;
  }
}
