package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseTest {
  private static final long MS = 1_000_000;

  @Test
  void defaultMarginIsAFifthOfTheTtlButAtLeast200Ms() {
    // Proves the default safety margin max(TTL/5, 200 ms) across the TTL range.
    Lease lease = new Lease(null);
    assertThat(lease.marginNanos()).isEqualTo(1000 * MS);
    lease.ttl(500 * MS);
    assertThat(lease.marginNanos()).isEqualTo(200 * MS);
    lease.ttl(60_000 * MS);
    assertThat(lease.marginNanos()).isEqualTo(12_000 * MS);
  }

  @Test
  void configuredMarginIsUsedOnlyWhileBelowTheTtl() {
    // Proves that a configured margin applies while it is below the TTL, and that a TTL at or
    // under it falls back to the default rule and says so.
    Lease lease = new Lease(Duration.ofMillis(700));
    lease.ttl(3000 * MS);
    assertThat(lease.marginNanos()).isEqualTo(700 * MS);
    assertThat(lease.marginIgnored()).isFalse();
    lease.ttl(700 * MS);
    assertThat(lease.marginIgnored()).isTrue();
    assertThat(lease.marginNanos()).isEqualTo(200 * MS);
  }

  @Test
  void fenceTimeFollowsTheLatestConfirmedSendNeverAnOlderOne() {
    // Proves that the fence time is latest confirmed send + TTL - margin, and that a late answer
    // to an older request cannot move it back.
    Lease lease = new Lease(null);
    lease.ttl(3000 * MS);
    assertThat(lease.covers(0)).isFalse();
    lease.confirmed(10_000 * MS);
    lease.confirmed(9_000 * MS);
    assertThat(lease.fenceAt()).isEqualTo(12_400 * MS);
    assertThat(lease.covers(12_399 * MS)).isTrue();
    assertThat(lease.covers(12_400 * MS)).isFalse();
    assertThat(lease.sendIntervalNanos()).isEqualTo(1000 * MS);
  }
}
