package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native buffers of the current thread for the hot calls (map elements, socket options), reused
 * from call to call so that a socket insert allocates no native memory.
 *
 * <p>Each buffer is filled and read through a direct {@link ByteBuffer} over the same memory: those
 * accesses compile to plain loads and stores, where each {@link Memory} accessor ({@code setLong},
 * {@code write}, {@code clear}, ...) is a JNI call of its own; an insert used to make a dozen.
 *
 * <p>A buffer is valid until the same thread asks for it again; the calls that use them fill, issue
 * and read back within one method, and never call into code that uses them in between.
 */
final class Scratch {

  private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);
  private static final int INITIAL_SIZE = 64;

  /** Room for the longest socket option read: the prefix of {@code struct tcp_info} we use. */
  static final int OPTION_SIZE = 256;

  private final Memory attr = new Memory(Bpf.ATTR_SIZE);
  private final ByteBuffer attrView = view(attr);
  private final Memory option = new Memory(OPTION_SIZE);
  private final ByteBuffer optionView = view(option);
  private final Memory optionLength = new Memory(Integer.BYTES);
  private final ByteBuffer optionLengthView = view(optionLength);
  private Memory key = new Memory(INITIAL_SIZE);
  private ByteBuffer keyView = view(key);
  private Memory value = new Memory(INITIAL_SIZE);
  private ByteBuffer valueView = view(value);

  private Scratch() {}

  static Scratch get() {
    return CURRENT.get();
  }

  /** The {@code union bpf_attr} block, zeroed. */
  Memory attr() {
    for (int offset = 0; offset < Bpf.ATTR_SIZE; offset += Long.BYTES) {
      attrView.putLong(offset, 0);
    }
    return attr;
  }

  /**
   * The {@code union bpf_attr} block of an element command, zeroed and then filled: {@code map_fd},
   * {@code key}, {@code value} (or {@code next_key}) as addresses (0 for null), {@code flags}.
   */
  Memory elemAttr(int mapFd, Memory key, Memory valueOrNext, long flags) {
    attr();
    attrView.putInt(0, mapFd);
    attrView.putLong(8, key == null ? 0 : Pointer.nativeValue(key));
    attrView.putLong(16, valueOrNext == null ? 0 : Pointer.nativeValue(valueOrNext));
    attrView.putLong(24, flags);
    return attr;
  }

  /** The key buffer holding a copy of {@code bytes}. */
  Memory key(byte[] bytes) {
    if (key.size() < bytes.length) {
      key = new Memory(Math.max(bytes.length, key.size() * 2));
      keyView = view(key);
    }
    keyView.put(0, bytes);
    return key;
  }

  /** The value buffer holding a copy of {@code bytes}. */
  Memory value(byte[] bytes) {
    valueOut(bytes.length);
    valueView.put(0, bytes);
    return value;
  }

  /** The value buffer, with room for {@code size} bytes the kernel writes. */
  Memory valueOut(int size) {
    if (value.size() < size) {
      value = new Memory(Math.max(size, value.size() * 2));
      valueView = view(value);
    }
    return value;
  }

  /** The first {@code size} bytes of the value buffer, as the kernel left them. */
  byte[] valueBytes(int size) {
    byte[] bytes = new byte[size];
    valueView.get(0, bytes);
    return bytes;
  }

  /** An 8-byte socket option value, zeroed. */
  Memory option() {
    optionView.putLong(0, 0);
    return option;
  }

  /** The socket option value holding the int {@code value} (and zeros after it). */
  Memory option(int value) {
    optionView.putLong(0, 0);
    optionView.putInt(0, value);
    return option;
  }

  /**
   * The socket option buffer with its first {@code size} bytes zeroed, for an option of at most
   * {@value #OPTION_SIZE} bytes the kernel writes; read it back through {@link #optionView()}.
   */
  Memory optionOut(int size) {
    if (size > OPTION_SIZE) {
      throw new IllegalArgumentException("socket option of " + size + " bytes > " + OPTION_SIZE);
    }
    for (int offset = 0; offset < size; offset += Long.BYTES) {
      optionView.putLong(offset, 0);
    }
    return option;
  }

  /** The socket option buffer as the kernel left it, in native byte order. */
  ByteBuffer optionView() {
    return optionView;
  }

  /** The int at the start of the socket option value. */
  int optionInt() {
    return optionView.getInt(0);
  }

  /** The {@code socklen_t} of a socket option, set to {@code length}. */
  Memory optionLength(int length) {
    optionLengthView.putInt(0, length);
    return optionLength;
  }

  /**
   * A view of all of {@code memory}, in native byte order. {@link Memory#getByteBuffer} keeps the
   * memory allocated while the view is reachable, and this object holds both.
   */
  private static ByteBuffer view(Memory memory) {
    return memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
  }
}
