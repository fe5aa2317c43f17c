package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link FdReaderMain} in a child JVM with and without the {@code --add-opens} flags: without
 * them, the error must name exactly the flags that fix it.
 */
class AddOpensTest {

  private static final String SUN_NIO_CH = "--add-opens java.base/sun.nio.ch=ALL-UNNAMED";
  private static final String JAVA_NET = "--add-opens java.base/java.net=ALL-UNNAMED";
  private static final String JAVA_IO = "--add-opens java.base/java.io=ALL-UNNAMED";

  @TempDir Path dir;

  @Test
  void channelWithoutFlagNamesSunNioCh() throws Exception {
    Child child = run(List.of(), "channel");
    assertEquals(FdReaderMain.ACCESS_DENIED, child.exit(), child.toString());
    assertTrue(
        child
            .stderr()
            .contains(
                "cannot read the file descriptor of sun.nio.ch.SocketChannelImpl: the JVM forbids"
                    + " access to JDK internals. Add "
                    + SUN_NIO_CH
                    + " to the java command line, or pass an int fd (for example Netty's"
                    + " EpollSocketChannel#fd().intValue())"),
        child.toString());
  }

  @Test
  void plainSocketWithoutFlagsNamesJavaNetAndJavaIo() throws Exception {
    Child child = run(List.of(), "socket");
    assertEquals(FdReaderMain.ACCESS_DENIED, child.exit(), child.toString());
    assertTrue(
        child.stderr().contains("Add " + JAVA_NET + " " + JAVA_IO + " to"), child.toString());
  }

  @Test
  void datagramSocketWithoutFlagsNamesJavaNetAndSunNioCh() throws Exception {
    Child child = run(List.of(), "datagram");
    assertEquals(FdReaderMain.ACCESS_DENIED, child.exit(), child.toString());
    assertTrue(
        child
            .stderr()
            .contains(
                "cannot read the file descriptor of java.net.DatagramSocket: the JVM forbids"
                    + " access to JDK internals. Add "
                    + JAVA_NET
                    + " "
                    + SUN_NIO_CH
                    + " to"),
        child.toString());
  }

  @Test
  void withTheFlagsBothKindsWork() throws Exception {
    List<String> flags = new ArrayList<>();
    for (String flag : List.of(SUN_NIO_CH, JAVA_NET, JAVA_IO)) {
      flags.addAll(List.of(flag.split(" ")));
    }
    for (String kind : List.of("channel", "socket", "datagram")) {
      Child child = run(flags, kind);
      assertEquals(0, child.exit(), child.toString());
      assertTrue(child.stdout().matches("fd \\d+\\s*"), child.toString());
    }
  }

  private Child run(List<String> jvmFlags, String kind) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmFlags);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), FdReaderMain.class.getName(), kind));
    Path out = dir.resolve(kind + "-" + jvmFlags.size() + ".out");
    Path err = dir.resolve(kind + "-" + jvmFlags.size() + ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not finish within 60 s: " + command);
    }
    return new Child(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private record Child(int exit, String stdout, String stderr) {}
}
