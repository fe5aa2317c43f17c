package io.sockmap4j.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.runtime.AttachMode;
import io.sockmap4j.runtime.AttachOptions;
import io.sockmap4j.runtime.Attachment;
import io.sockmap4j.runtime.KernelObjects;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;

/** The generated Loader pins the echo, reopens it as another process would, and removes it. */
class PinnedEchoTest {

  private final Path dir = Path.of("/sys/fs/bpf", "sm4j_echo_" + ProcessHandle.current().pid());

  @AfterEach
  void removeLeftoverPins() throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> pins = Files.list(dir)) {
        for (Path pin : pins.toList()) {
          Files.delete(pin);
        }
      }
      Files.delete(dir);
    }
  }

  @KernelTest
  void thePinnedEchoOutlivesItsLoaderAndIsRemovedThroughOpenPinned() throws Exception {
    KernelCleanup.Ids ids;
    List<Attachment> attachments;
    try (EchoLoader installed =
        EchoLoader.attach(AttachOptions.defaults().mode(AttachMode.LINK).pinTo(dir))) {
      ids = KernelCleanup.Ids.of(installed.object());
      attachments = installed.object().attachments();
    }
    assertEquals(
        List.of("link_echo", "link_parse", "prog_echo", "prog_parse", "sockets"), list(dir));
    assertTrue(ids.programs().stream().allMatch(KernelObjects::programExists));

    try (EchoLoader reopened = EchoLoader.openPinned(dir)) {
      assertEquals(attachments, reopened.object().attachments());
      assertTrue(reopened.sockets().keys().isEmpty());
      reopened.remove();
    }
    assertFalse(Files.exists(dir));
    KernelCleanup.assertFreed(ids);
  }

  private static List<String> list(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
