package dev.tether.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Session hashing is XXH3-64 of the UTF-8 bytes, on both the ASCII and the general path. */
class SessionHashTest {
  @Test
  void matchesTheXxh3ReferenceValueOfTheEmptyInput() {
    // XXH3_64bits("", 0) from the xxHash reference implementation.
    assertThat(SessionHash.ofBytes(new byte[0])).isEqualTo(0x2D06800538D394C2L);
    assertThat(SessionHash.of("")).isEqualTo(0x2D06800538D394C2L);
  }

  @Test
  void asciiAndGeneralPathsHashTheUtf8Bytes() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int k = 0; k < 2000; k++) {
      StringBuilder id = new StringBuilder();
      int length = rnd.nextInt(300);
      boolean unicode = rnd.nextBoolean();
      for (int i = 0; i < length; i++) {
        id.append(
            unicode && rnd.nextInt(8) == 0
                ? (char) (0x100 + rnd.nextInt(0xD000))
                : (char) (32 + rnd.nextInt(95)));
      }
      String s = id.toString();
      assertThat(SessionHash.of(s))
          .as("id %s", s)
          .isEqualTo(SessionHash.ofBytes(s.getBytes(StandardCharsets.UTF_8)));
      assertThat(SessionHash.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
      assertThat(SessionHash.of(s, new byte[64]))
          .as("scratch path, id %s", s)
          .isEqualTo(SessionHash.of(s));
    }
    String withEmoji = "s-\uD83D\uDE00-x";
    assertThat(SessionHash.of(withEmoji))
        .isEqualTo(SessionHash.ofBytes(withEmoji.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void checksSessionIdLimits() {
    SessionHash.checkSessionId("session_id", "a".repeat(256));
    assertThatThrownBy(() -> SessionHash.checkSessionId("session_id", "a".repeat(257)))
        .hasMessage("session_id is 257 bytes, limit SESSION_ID_BYTES_MAX is 256");
    assertThatThrownBy(() -> SessionHash.checkSessionId("session_id", "\u00e9".repeat(129)))
        .hasMessageContaining("is 258 bytes");
    assertThatThrownBy(() -> SessionHash.checkSessionId("session_id", ""))
        .hasMessage("session_id must not be empty");
    assertThatThrownBy(() -> SessionHash.checkSessionId("session_id", null))
        .hasMessage("session_id must not be empty");
    assertThatThrownBy(() -> SessionHash.checkSessionId("session_id", "a\uD800b"))
        .hasMessageContaining("unpaired surrogate");
  }
}
