package dev.tether.chaos.nemesis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one master seed decides about a run, materialized so that it can be saved and replayed
 * ({@code --replay schedule.json}): the faults with their times and targets, and the seed of every
 * workload process's random stream. Thread timing and Ratis's own election randomness are not
 * replayed; "leader" targets are resolved when the fault starts.
 *
 * @param scenario the scenario it was made for
 * @param seed the master seed
 * @param daemons 3 or 5
 * @param warmupMs fault-free time before the first fault
 * @param durationMs the faulted phase: every step ends within it
 * @param quiesceMs fault-free workload after the final heal
 * @param workloadSeed seed of the workload's random streams
 * @param requiresRelay true when a step needs the relay network (link delays or stalls)
 * @param steps the faults, by start time
 */
public record Schedule(
    String scenario,
    long seed,
    int daemons,
    long warmupMs,
    long durationMs,
    long quiesceMs,
    long workloadSeed,
    boolean requiresRelay,
    List<Step> steps) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Schedule {
    steps = List.copyOf(steps);
  }

  public void write(Path file) throws IOException {
    JSON.writeValue(file.toFile(), this);
  }

  public static Schedule read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), Schedule.class);
  }
}
