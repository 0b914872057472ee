package dev.tether.statemachine.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class AppliedIndexWaitersTest {
  @Test
  void aWaiterCompletesOnceItsIndexIsAppliedAndNotBefore() {
    AppliedIndexWaiters waiters = new AppliedIndexWaiters();
    waiters.advanced(5);
    assertThat(waiters.await(5)).isCompleted();

    CompletableFuture<Void> at7 = waiters.await(7);
    CompletableFuture<Void> at9 = waiters.await(9);
    assertThat(waiters.anyWaiting()).isTrue();
    waiters.advanced(6);
    assertThat(at7).isNotDone();
    waiters.advanced(8); // a snapshot install may skip indexes
    assertThat(at7).isCompleted();
    assertThat(at9).isNotDone();
    waiters.advanced(3); // never goes back
    assertThat(waiters.await(8)).isCompleted();
    waiters.advanced(9);
    assertThat(at9).isCompleted();
    assertThat(waiters.anyWaiting()).isFalse();
  }

  @Test
  void aTimedOutWaiterNoLongerCountsAsWaiting() throws Exception {
    AppliedIndexWaiters waiters = new AppliedIndexWaiters();
    CompletableFuture<Void> f = waiters.await(10).orTimeout(1, TimeUnit.MILLISECONDS);
    try {
      f.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e).hasCauseInstanceOf(TimeoutException.class);
    }
    assertThat(waiters.anyWaiting()).isFalse();
  }

  @Test
  void closingFailsEveryWaiterNowAndLater() {
    AppliedIndexWaiters waiters = new AppliedIndexWaiters();
    CompletableFuture<Void> f = waiters.await(2);
    IllegalStateException why = new IllegalStateException("closed");
    waiters.close(why);
    assertThat(f).isCompletedExceptionally();
    assertThat(waiters.await(1)).isCompletedExceptionally();
  }
}
