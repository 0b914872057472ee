package dev.tether.statemachine.core;

/** The tables (RocksDB column families) of the replicated state. */
public enum Table {
  /** Ring or region facts: key {@code "meta"}. */
  META("meta"),
  /** Ring groups: node id to NodeRecord. */
  NODES("nodes"),
  /** Ring groups: session id to SessionRecord. */
  SESSIONS("sessions"),
  /** Ring groups: session id to its state blob. */
  STATE("state"),
  /** Ring groups: owner id, 0x00, session id to nothing; the sessions of each node in id order. */
  OWNER_INDEX("owner_index"),
  /** Region group: ring name to RingCatalogEntry. */
  CATALOG("catalog"),
  /** Region group: daemon id to DaemonRecord. */
  DAEMONS("daemons");

  private final String columnFamily;

  Table(String columnFamily) {
    this.columnFamily = columnFamily;
  }

  /** The RocksDB column family name. */
  public String columnFamily() {
    return columnFamily;
  }
}
