package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The advice table for refused inserts, for kernels and sockets this machine cannot produce (old
 * kernels, vsock); {@code SocketKindsTest} checks the cases the running kernel produces.
 */
class InsertAdviceTest {

  private static final KernelVersion NEW = KernelVersion.parse("6.18.0");
  private static final KernelVersion K5_10 = KernelVersion.parse("5.10.0");
  private static final KernelVersion K5_4 = KernelVersion.parse("5.4.0");
  private static final InsertAdvice.Target SOCKMAP =
      new InsertAdvice.Target("SOCKMAP", "socks", true, 4, "9");
  private static final InsertAdvice.Target SOCKHASH =
      new InsertAdvice.Target("SOCKHASH", "peers", false, 2, "Peer[1]");

  private static SocketState tcp(int state) {
    return new SocketState(2, 1, 6, state, state == 10, true, state == 1);
  }

  private static SocketState udp(boolean bound) {
    return new SocketState(10, 2, 17, -1, false, bound, false);
  }

  private static SocketState unix(int type, boolean connected, boolean listening) {
    return new SocketState(1, type, 0, -1, listening, true, connected);
  }

  private static String advice(int errno, SocketState state, KernelVersion kernel) {
    return InsertAdvice.of(errno, 7, SOCKMAP, null, state, kernel);
  }

  @Test
  void tcpStatesEachGetTheirOwnFix() {
    assertEquals(
        "a TCP socket must be connected (ESTABLISHED) or listening (LISTEN); fd 7 is a TCP/IPv4"
            + " socket in state SYN_SENT: it is still connecting: wait until connect() (or"
            + " finishConnect()) completes",
        advice(Errno.EOPNOTSUPP, tcp(2), NEW));
    assertTrue(advice(Errno.EOPNOTSUPP, tcp(7), NEW).contains("connect it first"));
    assertTrue(advice(Errno.EOPNOTSUPP, tcp(8), NEW).contains("the peer has closed its side"));
    assertTrue(advice(Errno.EOPNOTSUPP, tcp(9), NEW).contains("the peer has closed its side"));
    for (int closing : new int[] {4, 5, 6, 11}) {
      assertTrue(advice(Errno.EOPNOTSUPP, tcp(closing), NEW).contains("output was shut down"));
    }
    assertTrue(
        advice(Errno.EOPNOTSUPP, tcp(10), K5_4).contains("listening sockets need kernel 5.7+"));
    assertTrue(advice(Errno.EOPNOTSUPP, tcp(1), NEW).contains("kTLS"));
  }

  @Test
  void udpNeedsABindAndAVerdictWithoutParser() {
    assertTrue(advice(Errno.EOPNOTSUPP, udp(false), NEW).contains("a UDP socket must be bound"));
    assertTrue(advice(Errno.EOPNOTSUPP, udp(true), K5_4).contains("UDP sockets need kernel 5.7+"));
    String parser = advice(Errno.EOPNOTSUPP, udp(true), NEW);
    assertTrue(parser.contains("stream parsers work on TCP only"), parser);
    assertTrue(
        advice(Errno.EOPNOTSUPP, udp(true), K5_10)
            .contains("verdict programs on this socket kind need kernel 5.13+ (this is 5.10)"));
  }

  @Test
  void unixSocketsNeed515AndAConnection() {
    assertTrue(
        advice(Errno.EOPNOTSUPP, unix(1, true, false), K5_10)
            .contains("AF_UNIX sockets need kernel 5.15+; this is 5.10"));
    assertTrue(
        advice(Errno.EOPNOTSUPP, unix(1, false, true), NEW)
            .contains("is a UNIX stream socket, listening: an AF_UNIX stream socket must be"));
    assertTrue(
        advice(Errno.EOPNOTSUPP, unix(1, false, false), NEW)
            .contains("UNIX stream socket, not connected"));
    assertTrue(
        advice(Errno.EOPNOTSUPP, unix(2, false, false), NEW)
            .contains("UNIX datagram socket, not connected, bound: the map has a stream parser"));
  }

  @Test
  void otherFamiliesAreNamed() {
    SocketState vsock = new SocketState(40, 1, 0, -1, false, true, true);
    assertEquals(
        "fd 7 is a socket of family VSOCK, type 1, protocol 0 (neither TCP, UDP nor AF_UNIX):"
            + " sockmaps take TCP (established or listening), UDP (bound, 5.7+) and AF_UNIX"
            + " stream (connected) or datagram (5.15+) sockets only",
        advice(Errno.EOPNOTSUPP, vsock, NEW));
  }

  @Test
  void rangesAndFullMaps() {
    assertEquals(
        "index 9 is out of range: socks has max_entries 4 (indexes 0..3)",
        advice(Errno.E2BIG, tcp(1), NEW));
    assertEquals(
        "peers is full (max_entries 2): remove a socket first, or declare the map with more"
            + " entries",
        InsertAdvice.of(Errno.E2BIG, 7, SOCKHASH, null, tcp(1), NEW));
  }

  @Test
  void busySaysWhereTheSocketAlreadyIs() {
    assertTrue(
        InsertAdvice.of(Errno.EBUSY, 7, SOCKMAP, "index 2", tcp(1), NEW)
            .endsWith(
                "it is already in socks at index 2, and a map with programs takes a socket"
                    + " once: remove it from there first"));
    assertTrue(
        InsertAdvice.of(Errno.EBUSY, 7, SOCKMAP, null, tcp(1), NEW)
            .contains("it is in another map that has programs of the same kind attached"));
  }

  @Test
  void descriptorsThatAreNotSockets() {
    assertTrue(advice(Errno.ENOTSOCK, null, NEW).startsWith("fd 7 is not a socket"));
    assertTrue(advice(Errno.EBADF, null, NEW).startsWith("fd 7 is not open"));
    assertEquals("fd 7 is not a readable socket", advice(Errno.EOPNOTSUPP, null, NEW));
    assertNull(advice(Errno.EAGAIN, tcp(1), NEW));
  }
}
