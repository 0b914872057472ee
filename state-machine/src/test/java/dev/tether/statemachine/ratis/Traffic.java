package dev.tether.statemachine.ratis;

import com.google.protobuf.ByteString;
import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.PutState;
import dev.tether.proto.internal.Result;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Seeded client traffic through a {@link GroupCommitter}: opens, touches and closes over a space of
 * session ids, and state writes chained on opens with the token they returned. Every command is
 * submitted at once, so group commit has plenty to coalesce.
 */
final class Traffic {
  private Traffic() {}

  /** What the traffic's commands returned, by code; {@code total} counts them all. */
  record Outcome(Map<ErrorCode, Integer> codes, int total) {
    int ok() {
      return codes.getOrDefault(ErrorCode.ERROR_CODE_OK, 0);
    }
  }

  /** Sends {@code commands} commands (plus the chained state writes) and waits for all. */
  static Outcome run(GroupCommitter committer, long seed, int commands, int sessions) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<CompletableFuture<Result>> all = new ArrayList<>();
    for (int i = 0; i < commands; i++) {
      String s = "s-" + rnd.nextInt(sessions);
      int roll = rnd.nextInt(100);
      if (roll < 55) {
        CompletableFuture<Result> open = committer.submit(Commands.open(s));
        all.add(open);
        if (roll < 10) {
          byte[] data = new byte[rnd.nextInt(200)];
          rnd.nextBytes(data);
          all.add(open.thenCompose(r -> committer.submit(put(s, r, data))));
        }
      } else if (roll < 85) {
        String other = "s-" + rnd.nextInt(sessions);
        Command touch = other.equals(s) ? Commands.touch(s) : Commands.touch(s, other);
        all.add(committer.submit(touch));
      } else {
        all.add(committer.submit(Commands.close(s)));
      }
    }
    Map<ErrorCode, Integer> codes = new EnumMap<>(ErrorCode.class);
    for (CompletableFuture<Result> f : all) {
      codes.merge(Commands.get(f).getCode(), 1, Integer::sum);
    }
    return new Outcome(codes, all.size());
  }

  private static Command put(String session, Result opened, byte[] data) {
    return Command.newBuilder()
        .setPutState(
            PutState.newBuilder()
                .setSessionId(session)
                .setFencingToken(opened.getSession().getSession().getFencingToken())
                .setExpectedVersion(opened.getSession().getSession().getStateVersion())
                .setData(ByteString.copyFrom(data)))
        .build();
  }
}
