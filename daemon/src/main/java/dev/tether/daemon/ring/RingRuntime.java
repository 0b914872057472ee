package dev.tether.daemon.ring;

import org.apache.ratis.protocol.RaftGroupId;

/** A ring hosted on this daemon: its group and its leader duties. */
public record RingRuntime(
    String name, RaftGroupId groupId, GroupHandle group, LeaderDuties duties) {}
