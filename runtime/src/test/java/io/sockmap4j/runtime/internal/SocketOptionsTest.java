package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * The kick's two paths: the JDK's socket-option natives (the tests run with {@code --add-opens
 * java.base/sun.nio.ch=ALL-UNNAMED}) and JNA, which is used without that flag and to report a
 * failure's errno.
 */
class SocketOptionsTest {

  private static final IntConsumer JDK = SocketOptions::rerunDataReady;
  private static final IntConsumer JNA = SocketOptions::rerunDataReadyThroughJna;

  @Test
  void theJdkNativesAreUsedWhenSunNioChIsOpen() {
    assertTrue(
        SocketOptions.JdkOptions.AVAILABLE,
        "sun.nio.ch.Net's socket-option natives were not found: the kick falls back to JNA");
  }

  @Test
  void theKickRestoresTheSocketsOwnLowWatermark() {
    for (IntConsumer kick : new IntConsumer[] {JDK, JNA}) {
      try (LoopbackPair pair = LoopbackPair.open()) {
        int fd = Sockets.fd(pair.accepted());
        assertEquals(1, SocketOptions.receiveLowWatermark(fd));
        kick.accept(fd);
        assertEquals(1, SocketOptions.receiveLowWatermark(fd));
        SocketOptions.setReceiveLowWatermark(fd, 7);
        kick.accept(fd);
        assertEquals(7, SocketOptions.receiveLowWatermark(fd));
      }
    }
  }

  @Test
  void aFailedKickReportsTheErrnoOnEitherPath() {
    for (IntConsumer kick : new IntConsumer[] {JDK, JNA}) {
      BpfException closed = assertThrows(BpfException.class, () -> kick.accept(Integer.MAX_VALUE));
      assertEquals(Errno.EBADF, closed.errno(), closed.getMessage());
      assertTrue(closed.getMessage().contains("fd 2147483647 is not open"), closed.getMessage());

      int file = LibC.INSTANCE.open("/dev/null", 0);
      assertTrue(file >= 0, "open /dev/null");
      try {
        BpfException notSocket = assertThrows(BpfException.class, () -> kick.accept(file));
        assertEquals(Errno.ENOTSOCK, notSocket.errno(), notSocket.getMessage());
        assertTrue(
            notSocket.getMessage().contains("getsockopt SO_RCVLOWAT on fd " + file),
            notSocket.getMessage());
      } finally {
        LibC.INSTANCE.close(file);
      }
    }
  }
}
