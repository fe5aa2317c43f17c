package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.BpfLinks;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.LibC;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;

/** Attaching through bpf_links and the legacy commands, querying, statistics, closing. */
@ExtendWith(KernelLeakCheck.class)
class AttachTest {

  private static final String SOCKS = TestNames.of("asocks");

  @KernelTest
  void linkAttachEchoesAndTheLinkLivesExactlyAsLongAsTheObject() throws Exception {
    int linkId;
    try (BpfObject object =
        BpfObject.load(TestSpecs.echo(SOCKS), AttachOptions.defaults().mode(AttachMode.LINK))) {
      Attachment attachment = object.attachments().get(0);
      assertEquals(
          new Attachment(
              TestNames.of("echo"),
              SOCKS,
              TestSpecs.STREAM_VERDICT,
              AttachMode.LINK,
              attachment.linkId()),
          attachment);
      linkId = attachment.linkId();
      assertTrue(linkId > 0, "link id " + linkId);
      String shown = bpftool("link", "show", "id", String.valueOf(linkId));
      assertTrue(
          shown.startsWith(linkId + ": ") && shown.contains("prog " + object.programIds().get(0)),
          shown);
      assertEchoes(object);
    }
    assertTrue(awaitLinkGone(linkId), "link " + linkId + " still exists after close()");
    String all = bpftool("link", "show");
    assertFalse(all.contains(linkId + ": "), all);
  }

  @KernelTest
  void legacyAttachEchoesWithoutALink() throws Exception {
    try (BpfObject object =
        BpfObject.load(TestSpecs.echo(SOCKS), AttachOptions.defaults().mode(AttachMode.LEGACY))) {
      assertEquals(
          List.of(
              new Attachment(
                  TestNames.of("echo"), SOCKS, TestSpecs.STREAM_VERDICT, AttachMode.LEGACY, 0)),
          object.attachments());
      assertEquals(
          List.of(new AttachedProgram(TestSpecs.STREAM_VERDICT, object.programIds().get(0), 0)),
          object.attachedPrograms(SOCKS));
      assertTrue(
          BpfLinks.findSockmapLink(object.mapIds().get(0), TestSpecs.STREAM_VERDICT).isEmpty(),
          "no link holds the slot");
      assertEchoes(object);
    }
  }

  /** This machine runs 6.18, which has sockmap links: AUTO must find that out and use them. */
  @KernelTest
  void autoPicksLinksOnAKernelThatHasThem() {
    try (BpfObject object = BpfObject.load(TestSpecs.echoWithParser(SOCKS))) {
      assertEquals(
          List.of(AttachMode.LINK, AttachMode.LINK),
          object.attachments().stream().map(Attachment::mode).toList());
      assertEquals(Boolean.TRUE, LinkSupport.known());
    }
  }

  @KernelTest
  void queryReportsEachSlotWithItsLink() {
    try (BpfObject object =
        BpfObject.load(
            TestSpecs.echoWithParser(SOCKS), AttachOptions.defaults().mode(AttachMode.LINK))) {
      List<AttachedProgram> expected = new ArrayList<>();
      for (Attachment attachment : object.attachments()) {
        expected.add(
            new AttachedProgram(
                attachment.attachType(),
                object.programId(attachment.program()),
                attachment.linkId()));
      }
      assertEquals(expected, object.attachedPrograms(SOCKS));
      assertEquals(
          List.of(TestSpecs.STREAM_PARSER, TestSpecs.STREAM_VERDICT),
          object.attachedPrograms(SOCKS).stream().map(AttachedProgram::attachType).toList());
    }
  }

  @KernelTest
  void aSlotHeldByALinkRefusesALegacyAttachWithEbusyExplained() {
    ProgramSpec loose =
        TestSpecs.pass(
            TestNames.of("loose"),
            TestSpecs.SK_SKB,
            TestSpecs.STREAM_VERDICT,
            ProgramSpec.NOT_ATTACHED);
    try (BpfObject linked =
            BpfObject.load(TestSpecs.echo(SOCKS), AttachOptions.defaults().mode(AttachMode.LINK));
        BpfObject other = BpfObject.load(new ObjectSpec("GPL", List.of(), List.of(loose)))) {
      int progFd = Bpf.progFdById(other.programIds().get(0)).orElseThrow();
      try {
        BpfException e =
            assertThrows(
                BpfException.class,
                () ->
                    Bpf.progAttach(
                        "loose", linked.map(SOCKS).fd(), progFd, TestSpecs.STREAM_VERDICT));
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage().contains("owned by a bpf_link"), e.getMessage());
      } finally {
        LibC.INSTANCE.close(progFd);
      }
      assertEquals(
          linked.programIds().get(0),
          linked.attachedPrograms(SOCKS).get(0).programId(),
          "the link's program is still the one attached");
    }
  }

  @KernelTest
  void statisticsCountRealRunsWhileEnabled() throws Exception {
    try (BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS));
        BpfStats stats = BpfStats.enable()) {
      String echo = TestNames.of("echo");
      ProgramStats before = object.programStats(echo);
      assertEquals(object.programId(echo), before.id());
      assertEchoes(object);
      ProgramStats after = object.programStats(echo);
      assertTrue(after.runCount() > before.runCount(), before + " -> " + after);
      assertTrue(after.runTimeNanos() > before.runTimeNanos(), before + " -> " + after);
      assertEquals(
          List.of(after.program()),
          object.programStats().stream().map(ProgramStats::program).toList());
    }
  }

  @KernelTest
  void closeIsIdempotentAndThreadSafeInBothModes() throws Exception {
    for (AttachMode mode : List.of(AttachMode.LINK, AttachMode.LEGACY)) {
      BpfObject object =
          BpfObject.load(TestSpecs.echoWithParser(SOCKS), AttachOptions.defaults().mode(mode));
      List<Integer> links =
          object.attachments().stream().map(Attachment::linkId).filter(id -> id > 0).toList();
      closeFromManyThreads(object);
      assertTrue(object.isClosed());
      object.close();
      for (int link : links) {
        assertTrue(awaitLinkGone(link), mode + ": link " + link + " left");
      }
    }
  }

  @KernelTest
  void linkModeSaysWhichKernelItNeedsWhenRefused() {
    // A SOCKMAP slot takes SK_SKB programs only: an SK_MSG program as a stream verdict is
    // refused with the same EINVAL an old kernel gives, so the advice must name both causes.
    ProgramSpec wrong =
        TestSpecs.pass(TestNames.of("wrong"), TestSpecs.SK_MSG, TestSpecs.STREAM_VERDICT, 0);
    ObjectSpec spec = new ObjectSpec("GPL", List.of(TestSpecs.sockmap(SOCKS, 1)), List.of(wrong));
    BpfException e =
        assertThrows(
            BpfException.class,
            () -> BpfObject.load(spec, AttachOptions.defaults().mode(AttachMode.LINK)));
    assertTrue(e.getMessage().startsWith("BPF_LINK_CREATE"), e.getMessage());
    assertTrue(e.getMessage().contains("need Linux 6.10+"), e.getMessage());
  }

  private static void closeFromManyThreads(BpfObject object) throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Void>> closes = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        closes.add(
            pool.submit(
                () -> {
                  start.await();
                  object.close();
                  return null;
                }));
      }
      start.countDown();
      for (Future<Void> close : closes) {
        close.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertEchoes(BpfObject object) throws IOException {
    assertEchoes(object, SOCKS);
  }

  /** Echoes a few bytes through the object's SOCKMAP {@code map} at index 0. */
  static void assertEchoes(BpfObject object, String map) throws IOException {
    try (LoopbackPair pair = LoopbackPair.open()) {
      new SockMapHandle(object.map(map)).put(0, pair.accepted());
      byte[] hello = "hello, kernel".getBytes(StandardCharsets.US_ASCII);
      pair.client().getOutputStream().write(hello);
      assertArrayEquals(hello, pair.readFromClient(hello.length));
    }
  }

  static boolean awaitLinkGone(int id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KernelLeakCheck.GRACE_MILLIS);
    while (true) {
      OptionalInt fd = BpfLinks.linkFdById(id);
      if (fd.isEmpty()) {
        return true;
      }
      LibC.INSTANCE.close(fd.getAsInt());
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
  }

  static String bpftool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bpftool"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "bpftool did not finish");
    assertNotEquals(-1, process.exitValue());
    return new String(out, StandardCharsets.UTF_8);
  }
}
