package io.sockmap4j.runtime;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * Run in a child JVM by {@link AddOpensTest}: reads the fd of a socket ({@code channel}, {@code
 * socket} or {@code datagram}) and exits 0, or prints the {@link SocketAccessException} message to
 * stderr and exits 3.
 */
public final class FdReaderMain {

  static final int ACCESS_DENIED = 3;

  private FdReaderMain() {}

  public static void main(String[] args) throws Exception {
    try {
      int fd;
      if (args[0].equals("channel")) {
        try (SocketChannel channel = SocketChannel.open()) {
          fd = Sockets.fd(channel);
        }
      } else if (args[0].equals("datagram")) {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
          fd = Sockets.fd(socket);
        }
      } else {
        try (Socket socket = new Socket()) {
          socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
          fd = Sockets.fd(socket);
        }
      }
      System.out.println("fd " + fd);
    } catch (SocketAccessException e) {
      System.err.println(e.getMessage());
      System.exit(ACCESS_DENIED);
    }
  }
}
