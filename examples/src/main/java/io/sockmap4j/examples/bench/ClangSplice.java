package io.sockmap4j.examples.bench;

import io.sockmap4j.examples.proxy.SpliceLoader;
import io.sockmap4j.runtime.Attachment;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code splice-clang} topology's programs: {@code bench/codegen/c/Splice.c} (the C twin of
 * {@code Splice}) as {@code clang -O2} built it, in place of the program sockmap4j generated, so
 * that the same proxy code runs over either and only the eBPF differs.
 *
 * <p>{@code bpftool prog loadall} loads the object and pins its program and maps into a fresh bpffs
 * directory; the program's pin is renamed to sockmap4j's layout ({@code prog_forward}), {@code
 * bpftool prog attach} attaches it to {@code spliced} with the attach type {@code Splice}'s own
 * program uses, and {@link SpliceLoader#openPinned} opens the result, checking every map's shape
 * and the program's type against {@code Splice}'s declarations. From there {@link KernelProxy} uses
 * the same {@link SpliceLoader} handles as for the generated program. One difference remains, in
 * the control plane only: the generated program is attached through a bpf_link where the kernel has
 * sockmap links (6.10+), this one by the legacy {@code BPF_PROG_ATTACH}; the kernel runs either
 * from the socket's psock in the same way.
 *
 * <p>{@link #close()} tears it all down ({@link SpliceLoader#remove()}: detach, empty the maps,
 * unpin) and deletes the directory; a failure half-way does the same.
 */
final class ClangSplice implements AutoCloseable {
  private static final Path BPFFS = Path.of("/sys/fs/bpf");
  private static final String PREFIX = "sm4j-bench-splice-clang-";

  private final Path directory;
  private final SpliceLoader bpf;

  private ClangSplice(Path directory, SpliceLoader bpf) {
    this.directory = directory;
    this.bpf = bpf;
  }

  /**
   * Loads, pins, attaches and opens {@code object} (the clang build of {@code Splice.c}).
   *
   * @throws IOException if bpftool is missing or fails (its output is in the message), or the
   *     object does not match {@code Splice}
   */
  static ClangSplice load(Path object) throws IOException, InterruptedException {
    if (!Files.isReadable(object)) {
      throw new NoSuchFileException(
          object.toString(), null, "no clang build of Splice.c; bench/dataplane/run.sh builds it");
    }
    String attachType = bpftoolAttachType(forwardSpec().attachType());
    removeLeftoversOfDeadRuns();
    Path directory = BPFFS.resolve(PREFIX + ProcessHandle.current().pid());
    Files.createDirectory(directory);
    SpliceLoader bpf = null;
    try {
      bpftool("prog", "loadall", object.toString(), directory.toString(), "pinmaps", directory);
      Path program = directory.resolve("prog_forward");
      Files.move(directory.resolve("forward"), program); // rename(2): bpffs supports it
      bpftool(
          "prog", "attach", "pinned", program, attachType, "pinned", directory.resolve("spliced"));
      bpf = SpliceLoader.openPinned(directory);
      List<Attachment> attachments = bpf.object().attachments();
      if (attachments.size() != 1 || !attachments.get(0).map().equals("spliced")) {
        throw new IOException(
            "the clang program is not attached to spliced as Splice declares: " + attachments);
      }
      return new ClangSplice(directory, bpf);
    } catch (IOException | InterruptedException | RuntimeException e) {
      try {
        if (bpf != null) {
          bpf.remove();
        }
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      deleteQuietly(directory, e);
      throw e;
    }
  }

  SpliceLoader loader() {
    return bpf;
  }

  /** The program {@code forward} as sockmap4j compiled it, for its attach type. */
  private static ProgramSpec forwardSpec() throws IOException {
    try (InputStream in = SpliceLoader.class.getResourceAsStream(SpliceLoader.OBJECT_RESOURCE)) {
      if (in == null) {
        throw new NoSuchFileException(SpliceLoader.OBJECT_RESOURCE, null, "not on the class path");
      }
      return ObjectSpec.read(in).programs().stream()
          .filter(p -> p.name().equals("forward"))
          .findFirst()
          .orElseThrow(() -> new IOException("Splice has no program named forward"));
    }
  }

  /** bpftool's name of a {@code BPF_PROG_ATTACH} attach type of an SK_SKB verdict. */
  private static String bpftoolAttachType(int attachType) {
    return switch (attachType) {
      case 5 -> "stream_verdict"; // BPF_SK_SKB_STREAM_VERDICT
      case 38 -> "skb_verdict"; // BPF_SK_SKB_VERDICT
      default ->
          throw new IllegalStateException(
              "Splice.forward has attach type "
                  + attachType
                  + "; expected an SK_SKB verdict (5, 38)");
    };
  }

  private static void bpftool(Object... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bpftool"));
    for (Object arg : args) {
      command.add(arg.toString());
    }
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run bpftool (Debian: apt-get install -y bpftool) for splice-clang: " + e, e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroy();
      throw new IOException(String.join(" ", command) + " failed:\n" + output.strip());
    }
  }

  /**
   * Removes the pin directories of benchmark runs whose process is gone (killed before it could
   * clean up): their pins would keep the C program and its maps in the kernel for good.
   */
  private static void removeLeftoversOfDeadRuns() throws IOException {
    try (Stream<Path> entries = Files.list(BPFFS)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(PREFIX)) {
          continue;
        }
        try {
          long pid = Long.parseLong(name.substring(PREFIX.length()));
          if (ProcessHandle.of(pid).isEmpty()) {
            delete(entry);
          }
        } catch (NumberFormatException notOurs) {
          // a directory someone else named like ours: leave it
        }
      }
    }
  }

  /** Removes whatever pins are left and the directory; failures are added to {@code failure}. */
  private static void deleteQuietly(Path directory, Exception failure) {
    try {
      delete(directory);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private static void delete(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> pins = Files.list(directory)) {
      for (Path pin : pins.toList()) {
        Files.delete(pin);
      }
    }
    Files.delete(directory);
  }

  /** Detaches the program, empties the maps, removes the pins and the directory. */
  @Override
  public void close() throws IOException {
    try {
      bpf.remove();
    } finally {
      delete(directory);
    }
  }
}
