package dev.tether.cli;

import dev.tether.api.v1.OwnerAnswer;
import dev.tether.client.LookupResult;
import dev.tether.client.Staleness;
import dev.tether.client.TetherClient;
import dev.tether.client.UnavailableException;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code tether owner ID --ring R}: who owns a session, and how much the answer can be trusted. A
 * LINEARIZABLE lookup that no majority confirmed exits 4 after printing the daemon's last known
 * answer and its staleness; a STALE lookup exits 0 but says NOT AUTHORITATIVE.
 */
@Command(
    name = "owner",
    mixinStandardHelpOptions = true,
    description = {
      "Shows who owns a session: the owner node and address, whether the session is pinned, its"
          + " fencing token, the ring epoch, the applied index, whether the answer is"
          + " authoritative, and whether a rehome is pending.",
      "A session never opened gets the placement's answer (pinned: false). A non-authoritative"
          + " answer shows how stale it may be; a linearizable lookup that could not be confirmed"
          + " exits 4 after showing the daemon's last known answer."
    })
final class OwnerCommand extends RegionCommand {
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
    LookupResult answer;
    try {
      answer = client.lookup(ring.ring(), id, consistency.get());
    } catch (UnavailableException e) {
      if (e.notAuthoritative().isEmpty()) {
        throw e;
      }
      // The daemon could not confirm its answer: show what it knows, then fail.
      if (json()) {
        printJson(e.notAuthoritative().get());
      } else {
        List<LookupResult> known = e.lastKnown();
        print(
            "NOT AUTHORITATIVE: no majority confirmed this answer; the daemon's last known one:"
                + System.lineSeparator()
                + (known.isEmpty()
                    ? staleness(new Show.Fields(), e.staleness()).render()
                    : fields(known.get(0)).render()));
      }
      throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage(), e);
    }
    if (json()) {
      printJson(toProto(answer));
    } else {
      print(
          (answer.authoritative()
                  ? ""
                  : "NOT AUTHORITATIVE: this daemon's applied state, not confirmed by a majority"
                      + System.lineSeparator())
              + fields(answer).render());
    }
    return ExitCodes.OK;
  }

  private static Show.Fields fields(LookupResult r) {
    Show.Fields f =
        new Show.Fields()
            .add("session", r.sessionId())
            .add("owner", r.owner().map(n -> n.getId()).orElse("none (no node takes sessions)"))
            .add("owner address", r.owner().map(n -> Show.orDash(n.getAddress())).orElse("-"))
            .add("owner state", r.owner().map(n -> Show.state(n.getState())).orElse("-"))
            .add("pinned", Boolean.toString(r.pinned()))
            .add("fencing token", Long.toString(r.fencingToken()))
            .add("ring epoch", Long.toString(r.ringEpoch()))
            .add("applied index", Long.toString(r.appliedIndex()))
            .add("authoritative", Boolean.toString(r.authoritative()))
            .add("pending rehome", Boolean.toString(r.pendingRehome()));
    return staleness(f, r.staleness());
  }

  private static Show.Fields staleness(Show.Fields f, Optional<Staleness> staleness) {
    staleness.ifPresent(s -> Show.staleness(f, s));
    return f;
  }

  /** The answer as the API's message, for JSON output. */
  static OwnerAnswer toProto(LookupResult r) {
    OwnerAnswer.Builder b =
        OwnerAnswer.newBuilder()
            .setSessionId(r.sessionId())
            .setPinned(r.pinned())
            .setFencingToken(r.fencingToken())
            .setRingEpoch(r.ringEpoch())
            .setAppliedIndex(r.appliedIndex())
            .setAuthoritative(r.authoritative())
            .setPendingRehome(r.pendingRehome());
    r.owner().ifPresent(b::setOwner);
    r.staleness()
        .ifPresent(
            s ->
                b.setStaleness(
                    dev.tether.api.v1.Staleness.newBuilder()
                        .setMsSinceLeaderContact(s.msSinceLeaderContact())
                        .setLastKnownLeader(s.lastKnownLeader())
                        .addAllOtherDaemons(s.otherDaemons())));
    return b.build();
  }
}
