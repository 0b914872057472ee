package dev.tether.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tether.chaos.nemesis.Schedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One run as the outer harness hands it to the inner one ({@code run.json} in the run directory).
 *
 * @param network {@code netns} or {@code relay}
 * @param why why that network was chosen (the capability probe's finding)
 * @param relayOctet the 127.x range of the relay network
 * @param plantedBugs test-only known bugs the daemons run with
 * @param schedule the faults and the workload seed
 */
public record RunConfig(
    String network, String why, int relayOctet, List<String> plantedBugs, Schedule schedule) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public RunConfig {
    plantedBugs = List.copyOf(plantedBugs);
  }

  public void write(Path file) throws IOException {
    JSON.writeValue(file.toFile(), this);
  }

  public static RunConfig read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), RunConfig.class);
  }
}
