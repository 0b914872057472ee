package dev.tether.statemachine.ratis;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.util.FileUtils;

/**
 * Snapshots as RocksDB checkpoints in the Ratis state-machine directory: {@code
 * sm/snapshot.<term>_<index>/} holds the checkpoint's files. Ratis ships those files to lagging and
 * new followers (chunked InstallSnapshot), where they land in the same layout. Only snapshot
 * artifacts live in {@code sm/}: an install replaces that directory whole (ratis.md section 1.3).
 */
final class CheckpointStorage implements StateMachineStorage {
  private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  private static final String MD5_SUFFIX = ".md5";

  private volatile File smDir;
  private volatile FileListSnapshotInfo latest;

  @Override
  public void init(RaftStorage storage) throws IOException {
    this.smDir = storage.getStorageDir().getStateMachineDir();
    Files.createDirectories(smDir.toPath());
    reload();
  }

  /** Rescans {@code sm/} for the newest complete checkpoint (after start or an install). */
  void reload() throws IOException {
    latest = findLatest().map(this::describe).orElse(null);
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return latest;
  }

  /** The directory where the checkpoint of {@code termIndex} goes. */
  Path dirFor(TermIndex termIndex) {
    return smDir.toPath().resolve("snapshot." + termIndex.getTerm() + "_" + termIndex.getIndex());
  }

  /** Temporary directory for a checkpoint being written; renamed when complete. */
  Path tmpDirFor(TermIndex termIndex) {
    return smDir
        .toPath()
        .resolve("tmp.snapshot." + termIndex.getTerm() + "_" + termIndex.getIndex());
  }

  /** Records a checkpoint that was just completed in {@link #dirFor}. */
  void completed(TermIndex termIndex) {
    latest = describe(dirFor(termIndex));
  }

  /** The directory of the newest checkpoint, if any. */
  Optional<Path> latestDir() throws IOException {
    return findLatest();
  }

  private Optional<Path> findLatest() throws IOException {
    if (!Files.isDirectory(smDir.toPath())) {
      return Optional.empty();
    }
    try (Stream<Path> entries = Files.list(smDir.toPath())) {
      return entries
          .filter(p -> Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches())
          .max(Comparator.comparingLong(p -> termIndexOf(p).getIndex()));
    }
  }

  private FileListSnapshotInfo describe(Path dir) {
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().endsWith(MD5_SUFFIX))
          .sorted()
          .forEach(p -> files.add(new FileInfo(p, null)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot list snapshot " + dir, e);
    }
    return new FileListSnapshotInfo(files, termIndexOf(dir));
  }

  static TermIndex termIndexOf(Path dir) {
    Matcher m = NAME.matcher(dir.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(dir + " is not a snapshot directory");
    }
    return TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
  }

  @Override
  public void format() {}

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    int retained = policy == null ? -1 : policy.getNumSnapshotsRetained();
    int keep = retained > 0 ? retained : 2;

    List<Path> dirs;
    try (Stream<Path> entries = Files.list(smDir.toPath())) {
      dirs =
          entries
              .filter(
                  p -> Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches())
              .sorted(Comparator.comparingLong((Path p) -> termIndexOf(p).getIndex()).reversed())
              .toList();
    }
    for (int i = keep; i < dirs.size(); i++) {
      FileUtils.deleteFully(dirs.get(i));
    }
  }

  @Override
  public File getSnapshotDir() {
    return null;
  }

  @Override
  public File getTmpDir() {
    return null;
  }
}
