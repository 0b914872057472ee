package dev.tether.statemachine.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Carries our (unshaded) protobuf messages through Ratis, whose API uses its shaded protobuf: the
 * bytes are wrapped, never re-encoded.
 */
public final class Codec {
  private Codec() {}

  /** A Ratis message holding {@code m}'s bytes. */
  public static Message message(MessageLite m) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(m.toByteArray()));
  }

  /** The shaded ByteString of {@code m}. */
  static ByteString bytes(MessageLite m) {
    return UnsafeByteOperations.unsafeWrap(m.toByteArray());
  }

  /** Parses a message carried in Ratis bytes. */
  public static <T extends MessageLite> T parse(ByteString bytes, Parser<T> parser)
      throws InvalidProtocolBufferException {
    return parser.parseFrom(bytes.asReadOnlyByteBuffer());
  }

  /** Parses a Ratis message's content. */
  public static <T extends MessageLite> T parse(Message message, Parser<T> parser)
      throws InvalidProtocolBufferException {
    return parse(message.getContent(), parser);
  }
}
