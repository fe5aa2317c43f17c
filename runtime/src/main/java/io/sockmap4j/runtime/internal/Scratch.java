package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;

/**
 * Native buffers of the current thread for the hot calls (map elements, socket options), reused
 * from call to call so that a socket insert allocates no native memory.
 *
 * <p>A buffer is valid until the same thread asks for it again; the calls that use them fill, issue
 * and read back within one method, and never call into code that uses them in between.
 */
final class Scratch {

  private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);
  private static final int INITIAL_SIZE = 64;

  private final Memory attr = new Memory(Bpf.ATTR_SIZE);
  private final Memory option = new Memory(Long.BYTES);
  private final Memory optionLength = new Memory(Integer.BYTES);
  private Memory key = new Memory(INITIAL_SIZE);
  private Memory value = new Memory(INITIAL_SIZE);

  private Scratch() {}

  static Scratch get() {
    return CURRENT.get();
  }

  /** The {@code union bpf_attr} block, zeroed. */
  Memory attr() {
    attr.clear();
    return attr;
  }

  /** The key buffer holding a copy of {@code bytes}. */
  Memory key(byte[] bytes) {
    key = atLeast(key, bytes.length);
    key.write(0, bytes, 0, bytes.length);
    return key;
  }

  /** The value buffer holding a copy of {@code bytes}. */
  Memory value(byte[] bytes) {
    value = atLeast(value, bytes.length);
    value.write(0, bytes, 0, bytes.length);
    return value;
  }

  /** The value buffer, with room for {@code size} bytes the kernel writes. */
  Memory valueOut(int size) {
    value = atLeast(value, size);
    return value;
  }

  /** An 8-byte socket option value, zeroed. */
  Memory option() {
    option.setLong(0, 0);
    return option;
  }

  /** The {@code socklen_t} of a socket option, set to {@code length}. */
  Memory optionLength(int length) {
    optionLength.setInt(0, length);
    return optionLength;
  }

  private static Memory atLeast(Memory buffer, int size) {
    return buffer.size() >= size ? buffer : new Memory(Math.max(size, buffer.size() * 2));
  }
}
