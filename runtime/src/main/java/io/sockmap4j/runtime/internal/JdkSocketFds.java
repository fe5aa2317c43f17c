package io.sockmap4j.runtime.internal;

import io.sockmap4j.runtime.SocketAccessException;
import java.io.FileDescriptor;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketImpl;
import java.nio.channels.SelectableChannel;

/**
 * Reads the int file descriptor behind JDK sockets, which the JDK keeps private.
 *
 * <p>Two paths, each needing packages of {@code java.base} opened to this code:
 *
 * <ul>
 *   <li>NIO channels implement {@code sun.nio.ch.SelChImpl#getFDVal()} (open {@code sun.nio.ch}).
 *   <li>A {@link Socket} or {@link ServerSocket} without a channel keeps a {@code SocketImpl} in
 *       its private {@code impl} field. On JDK 17 a client socket's impl is a {@code
 *       SocksSocketImpl} that delegates to the platform {@code NioSocketImpl}, whose fd is not in
 *       the wrapper's own {@code fd} field; calling the protected virtual {@code
 *       SocketImpl#getFileDescriptor()} reaches the real one either way (open {@code java.net}).
 *       The number is the private {@code fd} field of {@link FileDescriptor} (open {@code
 *       java.io}).
 * </ul>
 */
public final class JdkSocketFds {

  private static final String NETTY_HINT =
      " to the java command line, or pass an int fd (for example Netty's"
          + " EpollSocketChannel#fd().intValue())";
  private static final String SOCKET_PACKAGES = "java.net java.io";
  private static final String DATAGRAM_PACKAGES = "java.net sun.nio.ch";

  /** {@code SelChImpl#getFDVal}, once it has been looked up and made accessible. */
  private static volatile Method cachedGetFdVal;

  private JdkSocketFds() {}

  /**
   * The fd of a JDK {@code SocketChannel}, {@code ServerSocketChannel} or {@code DatagramChannel},
   * of any protocol family (including UNIX-domain channels).
   */
  public static int of(SelectableChannel channel) {
    if (!channel.isOpen()) {
      throw new IllegalArgumentException("the channel is closed: " + channel);
    }
    Method getFdVal = cachedGetFdVal;
    if (getFdVal == null) {
      try {
        getFdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        makeAccessible(getFdVal, channel.getClass(), "sun.nio.ch");
      } catch (ReflectiveOperationException e) {
        throw unknownJdk(channel.getClass(), e);
      }
      cachedGetFdVal = getFdVal; // accessible now: every later call can skip the lookup
    }
    if (!getFdVal.getDeclaringClass().isInstance(channel)) {
      throw new IllegalArgumentException(
          channel.getClass().getName()
              + " is not a JDK socket channel (sun.nio.ch.SelChImpl): pass its int file"
              + " descriptor instead");
    }
    return (int) invoke(getFdVal, channel);
  }

  /** The fd of a {@link Socket}, through its channel when it has one. */
  public static int of(Socket socket) {
    if (socket.getChannel() != null) {
      return of(socket.getChannel());
    }
    if (socket.isClosed()) {
      throw new IllegalArgumentException("the socket is closed: " + socket);
    }
    return ofImpl(Socket.class, socket);
  }

  /** The fd of a {@link ServerSocket}, through its channel when it has one. */
  public static int of(ServerSocket socket) {
    if (socket.getChannel() != null) {
      return of(socket.getChannel());
    }
    if (socket.isClosed()) {
      throw new IllegalArgumentException("the server socket is closed: " + socket);
    }
    return ofImpl(ServerSocket.class, socket);
  }

  /**
   * The fd of a {@link DatagramSocket} (or {@code MulticastSocket}). Since JDK 15 such a socket
   * delegates to a {@code DatagramSocketAdaptor} over a {@code DatagramChannel}, kept in the
   * private {@code delegate} field (open {@code java.net}); the channel's fd is then read as for
   * any channel (open {@code sun.nio.ch}).
   */
  public static int of(DatagramSocket socket) {
    if (socket.getChannel() != null) {
      return of(socket.getChannel());
    }
    if (socket.isClosed()) {
      throw new IllegalArgumentException("the datagram socket is closed: " + socket);
    }
    Object delegate;
    Object channel;
    try {
      Field delegateField = DatagramSocket.class.getDeclaredField("delegate");
      makeAccessible(delegateField, DatagramSocket.class, DATAGRAM_PACKAGES);
      delegate = delegateField.get(socket);
      channel =
          delegate == null ? null : invoke(DatagramSocket.class.getMethod("getChannel"), delegate);
    } catch (ReflectiveOperationException e) {
      throw unknownJdk(DatagramSocket.class, e);
    }
    if (!(channel instanceof SelectableChannel)) {
      throw new IllegalStateException(
          "cannot read the file descriptor of this DatagramSocket: it is not backed by a"
              + " DatagramChannel (a custom DatagramSocketImpl, or"
              + " -Djdk.net.usePlainDatagramSocketImpl); open a DatagramChannel instead");
    }
    try {
      return of((SelectableChannel) channel);
    } catch (SocketAccessException e) {
      throw denied(DatagramSocket.class, DATAGRAM_PACKAGES, e);
    }
  }

  private static int ofImpl(Class<?> owner, Object socket) {
    Object impl;
    FileDescriptor descriptor;
    int fd;
    try {
      Field implField = owner.getDeclaredField("impl");
      makeAccessible(implField, owner, SOCKET_PACKAGES);
      Method getFileDescriptor = SocketImpl.class.getDeclaredMethod("getFileDescriptor");
      makeAccessible(getFileDescriptor, owner, SOCKET_PACKAGES);
      Field fdField = FileDescriptor.class.getDeclaredField("fd");
      makeAccessible(fdField, owner, SOCKET_PACKAGES);
      impl = implField.get(socket);
      descriptor = impl == null ? null : (FileDescriptor) invoke(getFileDescriptor, impl);
      fd = descriptor == null ? -1 : fdField.getInt(descriptor);
    } catch (ReflectiveOperationException e) {
      throw unknownJdk(owner, e);
    }
    if (fd < 0) {
      throw new IllegalArgumentException(
          "the socket has no file descriptor (not yet bound or connected, or closed): " + socket);
    }
    return fd;
  }

  private static void makeAccessible(AccessibleObject member, Class<?> of, String packages) {
    try {
      member.setAccessible(true);
    } catch (InaccessibleObjectException | SecurityException e) {
      throw denied(of, packages, e);
    }
  }

  private static Object invoke(Method method, Object target) {
    try {
      return method.invoke(target);
    } catch (IllegalAccessException e) {
      throw unknownJdk(target.getClass(), e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(
          "reading the file descriptor of " + target.getClass().getName() + " failed",
          e.getCause());
    }
  }

  /** The exception naming every {@code --add-opens} flag that the access path needs. */
  private static SocketAccessException denied(Class<?> of, String packages, RuntimeException e) {
    String module =
        JdkSocketFds.class.getModule().isNamed()
            ? JdkSocketFds.class.getModule().getName()
            : "ALL-UNNAMED";
    StringBuilder flags = new StringBuilder();
    for (String pkg : packages.split(" ")) {
      flags.append(flags.length() == 0 ? "" : " ");
      flags.append("--add-opens java.base/").append(pkg).append('=').append(module);
    }
    return new SocketAccessException(
        "cannot read the file descriptor of "
            + of.getName()
            + ": the JVM forbids access to JDK internals. Add "
            + flags
            + NETTY_HINT,
        e);
  }

  private static IllegalStateException unknownJdk(Class<?> of, Exception e) {
    return new IllegalStateException(
        "cannot read the file descriptor of "
            + of.getName()
            + " on this JDK ("
            + System.getProperty("java.version")
            + "): its internals differ from what sockmap4j expects. Pass an int fd instead",
        e);
  }
}
