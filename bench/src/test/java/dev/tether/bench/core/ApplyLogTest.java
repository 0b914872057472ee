package dev.tether.bench.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.proto.internal.Command;
import dev.tether.proto.internal.CommandBatch;
import dev.tether.proto.internal.ErrorCode;
import dev.tether.proto.internal.Result;
import dev.tether.statemachine.core.RingCore;
import dev.tether.statemachine.store.MemoryStore;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The apply benchmark's log is what it claims: only opens of new 36-character ids and touches of
 * sessions opened in earlier entries, every entry exactly its size with no session named twice,
 * every command succeeding, and a seed naming one log.
 */
class ApplyLogTest {
  private static final long SEED = 7;

  @ParameterizedTest
  @ValueSource(ints = {1, 16, 256})
  void everyCommandOfTheLogSucceeds(int perEntry) {
    ApplyLog log = ApplyLog.generate(SEED, 16, perEntry, 6_000, ApplyLog.OPEN_PERMILLE_DEFAULT);
    try (MemoryStore store = new MemoryStore()) {
      RingCore core = new RingCore(store);
      long index = 1;
      ApplyBench.apply(core, store, log.setup(), index++);
      long opens = 0;
      long touches = 0;
      for (CommandBatch entry : log.entries()) {
        assertThat(entry.getCommandsCount()).isEqualTo(perEntry);
        RingCore.Applied applied = core.apply(entry, index, 1);
        store.commit(index++, 1);
        for (int i = 0; i < entry.getCommandsCount(); i++) {
          Result r = applied.results().getResults(i);
          assertThat(r.getCode())
              .as("seed %d, entry %d", SEED, index - 1)
              .isEqualTo(ErrorCode.ERROR_CODE_OK);
          Command c = entry.getCommands(i);
          if (c.hasOpenSession()) {
            assertThat(c.getOpenSession().getSessionId()).hasSize(36);
            assertThat(r.getSession().getCreated()).isTrue();
            opens++;
          } else {
            assertThat(c.getTouchSessions().getSessionIdsList()).hasSize(1);
            assertThat(r.getTouch().getTouched()).isEqualTo(1);
            assertThat(r.getTouch().getNotFoundList()).isEmpty();
            touches++;
          }
        }
      }
      assertThat(opens + touches).isEqualTo(log.commands());
      assertThat(touches).as("a mix, not only opens").isGreaterThan(log.commands() / 4);
      assertThat(core.meta().getSessionCount()).isEqualTo(opens);
    }
  }

  @Test
  void noEntryNamesASessionTwice() {
    ApplyLog log = ApplyLog.generate(SEED, 4, 256, 20_000, 900);
    for (CommandBatch entry : log.entries()) {
      Set<String> ids = new HashSet<>();
      for (Command c : entry.getCommandsList()) {
        String id =
            c.hasOpenSession()
                ? c.getOpenSession().getSessionId()
                : c.getTouchSessions().getSessionIds(0);
        assertThat(ids.add(id)).as("seed %d: %s twice in an entry", SEED, id).isTrue();
      }
    }
  }

  @Test
  void aSeedNamesOneLog() {
    assertThat(ApplyLog.generate(SEED, 3, 16, 1_000, 500))
        .isEqualTo(ApplyLog.generate(SEED, 3, 16, 1_000, 500))
        .isNotEqualTo(ApplyLog.generate(SEED + 1, 3, 16, 1_000, 500));
  }
}
