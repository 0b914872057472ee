package dev.tether.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A daemon answers a tenth of the deadline early, so that its answer beats the deadline. */
class ApiSupportBudgetTest {
  @Test
  void theBudgetLeavesATenthOfTheDeadlineAndAtLeastTheMargin() {
    assertThat(ApiSupport.budgetMs(2_000)).isEqualTo(1_800);
    assertThat(ApiSupport.budgetMs(30_000)).isEqualTo(27_000);
    assertThat(ApiSupport.budgetMs(100)).isEqualTo(100 - ApiSupport.DEADLINE_MARGIN_MS);
    assertThat(ApiSupport.budgetMs(5)).isEqualTo(1);
    assertThat(ApiSupport.budgetMs(-3)).isEqualTo(1);
  }
}
