package dev.tether.statemachine.core;

import java.nio.charset.StandardCharsets;

/** Key encodings of the tables. */
final class Keys {
  static final byte[] META = bytes("meta");
  static final byte[] SLOT_TABLE = bytes("slot_table");

  private Keys() {}

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The prefix of a node's entries in {@link Table#OWNER_INDEX}: id then 0x00. */
  static byte[] ownerPrefix(String owner) {
    byte[] id = bytes(owner);
    byte[] key = new byte[id.length + 1];
    System.arraycopy(id, 0, key, 0, id.length);
    return key;
  }

  /** The {@link Table#OWNER_INDEX} key of a session: owner id, 0x00, session id. */
  static byte[] ownerKey(String owner, String sessionId) {
    byte[] prefix = ownerPrefix(owner);
    byte[] session = bytes(sessionId);
    byte[] key = new byte[prefix.length + session.length];
    System.arraycopy(prefix, 0, key, 0, prefix.length);
    System.arraycopy(session, 0, key, prefix.length, session.length);
    return key;
  }

  /** The session id of an {@link Table#OWNER_INDEX} key with the given prefix length. */
  static String sessionOfOwnerKey(byte[] key, int prefixLength) {
    return new String(key, prefixLength, key.length - prefixLength, StandardCharsets.UTF_8);
  }
}
