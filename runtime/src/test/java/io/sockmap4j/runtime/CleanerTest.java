package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.testing.KernelTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.ExtendWith;

/** An object nobody closes is released by the Cleaner, with a warning naming it. */
@ExtendWith(KernelLeakCheck.class)
class CleanerTest {

  private static final String SOCKS = TestNames.of("csocks");

  @KernelTest
  void anUnreachableObjectIsReleasedWithAWarning() throws Exception {
    Logger logger = Logger.getLogger(BpfObject.class.getName());
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    System.setProperty(ObjectResources.TRACK_PROPERTY, "true");
    try {
      Ids ids = loadAndDrop();
      assertTrue(ids.exist(), "loaded");

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (ids.exist() && System.nanoTime() < deadline) {
        System.gc();
        Thread.sleep(50);
      }

      assertTrue(!ids.exist(), "the Cleaner never released " + ids);
      LogRecord warning =
          records.stream()
              .filter(r -> r.getMessage().contains("became unreachable without close()"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no warning logged: " + records));
      assertEquals(Level.WARNING, warning.getLevel());
      assertTrue(
          warning
              .getMessage()
              .contains(
                  "a BpfObject loaded from an ObjectSpec (programs ["
                      + TestNames.of("parse")
                      + ", "
                      + TestNames.of("echo")
                      + "])"),
          warning.getMessage());
      assertNotNull(warning.getThrown(), "the creating stack, asked for by the property");
      assertTrue(
          List.of(warning.getThrown().getStackTrace()).stream()
              .anyMatch(frame -> frame.getMethodName().equals("loadAndDrop")),
          "the stack shows where the object was created");
    } finally {
      System.clearProperty(ObjectResources.TRACK_PROPERTY);
      logger.removeHandler(capture);
    }
  }

  /** Loads an object and lets the only reference go out of scope. */
  private static Ids loadAndDrop() {
    BpfObject object = BpfObject.load(TestSpecs.echoWithParser(SOCKS));
    return new Ids(object.programIds(), object.mapIds(), object.attachments());
  }

  private record Ids(List<Integer> programs, List<Integer> maps, List<Attachment> links) {
    boolean exist() {
      return programs.stream().anyMatch(KernelObjects::programExists)
          || maps.stream().anyMatch(KernelObjects::mapExists);
    }
  }
}
