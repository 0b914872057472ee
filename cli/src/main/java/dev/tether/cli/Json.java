package dev.tether.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * {@code --output json}: API messages in the canonical proto3 JSON mapping (with the .proto field
 * names, and fields at their default value included so scripts always find them; 64-bit integers
 * are strings, bytes base64), and composite outputs as small Jackson objects that embed them.
 */
final class Json {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** {@code message} as an indented JSON document. */
  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new CliException(ExitCodes.ERROR, "cannot print JSON: " + e.getMessage(), e);
    }
  }

  /** {@code message} as a Jackson tree, to embed in a composite output. */
  static JsonNode tree(MessageOrBuilder message) {
    try {
      return MAPPER.readTree(print(message));
    } catch (JsonProcessingException e) {
      throw new CliException(ExitCodes.ERROR, "cannot print JSON: " + e.getMessage(), e);
    }
  }

  /** A new empty object. */
  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** {@code node} as an indented JSON document. */
  static String print(JsonNode node) {
    return node.toPrettyString();
  }

  /** {@code node} on one line, for streams of one object per line. */
  static String line(JsonNode node) {
    return node.toString();
  }

  /** {@code message} on one line. */
  static String line(MessageOrBuilder message) {
    return line(tree(message));
  }
}
