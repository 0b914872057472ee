package dev.tether.cli;

import dev.tether.api.v1.GetStateResponse;
import dev.tether.client.TetherClient;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tether session get ID --ring R}: the session, its owner and its state blob. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a session: owner, fencing token, state version, and the state itself: as text when"
          + " it is printable UTF-8, else base64.",
      "JSON output has the state base64-encoded in `data`."
    })
final class SessionGetCommand extends RegionCommand {
  /** Longest state shown in the table output; longer states show their size and a prefix. */
  static final int SHOWN_BYTES_MAX = 4096;

  @Parameters(index = "0", paramLabel = "ID", description = "The session.")
  String id;

  @Mixin RingOption ring;

  @Mixin ConsistencyOption consistency;

  @Override
  void validate(Usage usage) {
    usage.sessionId("ID", id);
    ring.check(usage);
  }

  @Override
  int run(TetherClient client) {
    GetStateResponse r = client.getState(ring.ring(), id, consistency.get());
    if (json()) {
      printJson(r);
      return ExitCodes.OK;
    }
    print(
        Show.sessionFields(r.getSession())
            .add("applied index", Long.toString(r.getAppliedIndex()))
            .add("authoritative", Boolean.toString(r.getAuthoritative()))
            .add("state", state(r.getData().toByteArray()))
            .render());
    return ExitCodes.OK;
  }

  /** The blob as text if it is printable UTF-8, else as base64; empty shows as {@code (none)}. */
  static String state(byte[] data) {
    if (data.length == 0) {
      return "(none)";
    }
    boolean cut = data.length > SHOWN_BYTES_MAX;
    byte[] shown = cut ? Arrays.copyOf(data, SHOWN_BYTES_MAX) : data;
    String text = printable(shown);
    String body = text != null ? text : "base64:" + Base64.getEncoder().encodeToString(shown);
    return cut ? body + " ... (" + data.length + " bytes)" : body;
  }

  /** The text, or null when the bytes are not UTF-8 or hold control characters but tab/newline. */
  private static String printable(byte[] bytes) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      // A blob cut at SHOWN_BYTES_MAX may end inside a character; base64 shows it as it is.
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\t') {
        return null;
      }
    }
    return text;
  }
}
