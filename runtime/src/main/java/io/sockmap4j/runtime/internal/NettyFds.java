package io.sockmap4j.runtime.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads the fd of Netty's native-transport objects by reflection, so that sockmap4j needs no Netty
 * dependency: {@code io.netty.channel.unix.UnixChannel#fd()} (implemented by the epoll channels:
 * {@code EpollSocketChannel}, {@code EpollServerSocketChannel}, {@code EpollDatagramChannel},
 * {@code EpollDomainSocketChannel}) returns an {@code io.netty.channel.unix.FileDescriptor}, whose
 * public {@code intValue()} is the fd. Both are public API, so no JVM flag is needed.
 */
public final class NettyFds {

  static final String UNIX_CHANNEL = "io.netty.channel.unix.UnixChannel";
  static final String FILE_DESCRIPTOR = "io.netty.channel.unix.FileDescriptor";

  private NettyFds() {}

  /**
   * The fd of a Netty {@code UnixChannel} or {@code FileDescriptor}; empty when {@code object} is
   * neither.
   *
   * @throws IllegalArgumentException if the channel's descriptor is closed
   */
  public static OptionalInt of(Object object) {
    Optional<Class<?>> channel = supertype(object.getClass(), UNIX_CHANNEL);
    Object descriptor = object;
    if (channel.isPresent()) {
      descriptor = call(channel.get(), "fd", object);
      if (descriptor == null) {
        throw new IllegalArgumentException("the Netty channel has no file descriptor: " + object);
      }
    }
    Optional<Class<?>> fdClass = supertype(descriptor.getClass(), FILE_DESCRIPTOR);
    if (fdClass.isEmpty()) {
      return OptionalInt.empty();
    }
    if (!(Boolean) call(fdClass.get(), "isOpen", descriptor)) {
      throw new IllegalArgumentException("the Netty channel or descriptor is closed: " + object);
    }
    return OptionalInt.of((Integer) call(fdClass.get(), "intValue", descriptor));
  }

  /** The class or interface named {@code name} among {@code type}'s supertypes, by name. */
  private static Optional<Class<?>> supertype(Class<?> type, String name) {
    Deque<Class<?>> pending = new ArrayDeque<>();
    Set<Class<?>> seen = new HashSet<>();
    pending.add(type);
    while (!pending.isEmpty()) {
      Class<?> next = pending.poll();
      if (!seen.add(next)) {
        continue;
      }
      if (next.getName().equals(name)) {
        return Optional.of(next);
      }
      if (next.getSuperclass() != null) {
        pending.add(next.getSuperclass());
      }
      pending.addAll(List.of(next.getInterfaces()));
    }
    return Optional.empty();
  }

  private static Object call(Class<?> owner, String method, Object target) {
    try {
      Method m = owner.getMethod(method);
      return m.invoke(target);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(
          "Netty's " + owner.getSimpleName() + "#" + method + "() failed", e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot call Netty's "
              + owner.getName()
              + "#"
              + method
              + "(): this Netty version differs from what sockmap4j expects (4.1/4.2). Pass"
              + " the int fd instead",
          e);
    }
  }
}
