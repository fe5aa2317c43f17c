package io.sockmap4j;

/**
 * The data being sent that an SK_MSG program ({@link SkMsgVerdict}) runs on: the kernel's {@code
 * struct sk_msg_md}. Only meaningful inside programs compiled by sockmap4j: getters compile to
 * 4-byte context loads (swapped to host order where the kernel keeps network order), the payload
 * methods to bounds-checked direct accesses, and the rest to the {@code bpf_msg_*} helpers.
 *
 * <h2>The payload</h2>
 *
 * The program sees the message through a window, {@code msg->data} to {@code msg->data_end}, that
 * the payload methods read and write directly. Offsets count from the window's start. For a {@code
 * sendmsg} the window is the first scatterlist element only (a page fragment, at most 32 KiB of a
 * large send); for {@code sendfile} the kernel documents it as empty, the pages being shared with
 * the page cache; after {@link #pushData} or {@link #popData} it is the first element again, which
 * the helper may have split at its {@code start}. So {@link #size()} can be larger than what the
 * window holds: {@link #pullData(int, int)} makes a range of the message the window (copying it
 * when it spans elements or is shared).
 *
 * <p>Every payload access checks, when the program runs, that its bytes lie inside the window. An
 * access that does not ends the program with {@link Verdict#DROP} (the sender's {@code send()}
 * fails with {@code EACCES}), as an index out of range ends any sockmap4j program with its fault
 * result: check {@link #size()} and {@link #pullData(int, int)} first when the bytes might not be
 * there. Offsets must also stay below 65536 (the verifier's limit for packet offsets). Multi-byte
 * values are big-endian (network order), as {@link java.nio.ByteBuffer} reads them by default.
 *
 * <p>Each access reloads the window's bounds from the context, so there is no pointer that a data
 * changing helper ({@link #pullData}, {@link #pushData}, {@link #popData}) could leave dangling: a
 * read after such a call sees the message as the helper left it.
 *
 * <h2>Helpers the kernel refuses</h2>
 *
 * SK_MSG programs cannot call {@code bpf_get_socket_cookie} (Linux 6.18 answers "program of this
 * type cannot use helper"), nor the {@code bpf_skb_*} helpers: {@code msg.socketCookie()} is a
 * compile error naming the reason.
 */
public interface SkMsg {
  /**
   * Bytes in the whole message ({@code msg->size}), which can be more than the payload window
   * holds. Linux 5.0.
   */
  int size();

  /** Address family of the socket: 2 ({@code AF_INET}) or 10 ({@code AF_INET6}). Linux 4.18. */
  int family();

  /** Remote IPv4 address; see {@link SkBuff#remoteIp4()} for the form. Linux 4.18. */
  int remoteIp4();

  /** Local IPv4 address; see {@link SkBuff#remoteIp4()} for the form. Linux 4.18. */
  int localIp4();

  /**
   * One 32-bit word of the remote IPv6 address ({@code msg->remote_ip6[word]}), most significant
   * byte first: word {@code w} is {@code ByteBuffer.wrap(inet6.getAddress()).getInt(4 * w)}, so
   * {@code ::1} has words {@code 0, 0, 0, 1}. Linux 4.18.
   *
   * @param word 0 to 3; it must be a compile-time constant (the verifier checks every context
   *     offset when it loads the program)
   */
  int remoteIp6(int word);

  /** One word of the local IPv6 address, in the form of {@link #remoteIp6(int)}. Linux 4.18. */
  int localIp6(int word);

  /** Remote port in host byte order. Linux 4.18. */
  int remotePort();

  /** Local port in host byte order. Linux 4.18. */
  int localPort();

  /**
   * The payload byte at {@code offset}, as {@link java.nio.ByteBuffer#get(int)} returns it
   * (signed). Out of the window: the program ends with {@link Verdict#DROP}. Linux 4.17.
   */
  byte loadByte(int offset);

  /** The big-endian 16-bit value at {@code offset}; bounds as {@link #loadByte}. Linux 4.17. */
  short loadShort(int offset);

  /** The big-endian 32-bit value at {@code offset}; bounds as {@link #loadByte}. Linux 4.17. */
  int loadInt(int offset);

  /** The big-endian 64-bit value at {@code offset}; bounds as {@link #loadByte}. Linux 4.17. */
  long loadLong(int offset);

  /**
   * Copies {@code into.length} payload bytes from {@code offset} into the local array {@code into}
   * ({@code byte[]} with a constant length, see the language's arrays). The whole range is checked
   * once: if any of it lies outside the window, the program ends with {@link Verdict#DROP} and
   * nothing is copied. Linux 4.17.
   */
  void loadBytes(int offset, byte[] into);

  /**
   * Overwrites the payload byte at {@code offset} with the low 8 bits of {@code value}; bounds as
   * {@link #loadByte}. The receiver gets the changed byte. Linux 4.17.
   */
  void storeByte(int offset, int value);

  /** Writes the low 16 bits of {@code value} big-endian at {@code offset}. Linux 4.17. */
  void storeShort(int offset, int value);

  /** Writes {@code value} big-endian at {@code offset}. Linux 4.17. */
  void storeInt(int offset, int value);

  /** Writes {@code value} big-endian at {@code offset}. Linux 4.17. */
  void storeLong(int offset, long value);

  /**
   * Overwrites {@code from.length} payload bytes at {@code offset} with the local array {@code
   * from}; the whole range is checked first, as in {@link #loadBytes}. Linux 4.17.
   */
  void storeBytes(int offset, byte[] from);

  /**
   * Applies this run's verdict to the next {@code bytes} bytes only ({@code bpf_msg_apply_bytes}):
   * the kernel sends (or drops, or redirects) that many bytes and runs the program again for the
   * rest. A count larger than the message carries the verdict over to later sends. Linux 4.17.
   *
   * @return the helper's result, always 0 in the kernels so far
   */
  int applyBytes(int bytes);

  /**
   * Holds the data back until {@code bytes} bytes have accumulated, possibly over several sends,
   * then runs the program again on all of them ({@code bpf_msg_cork_bytes}). Linux 4.17.
   *
   * @return the helper's result, always 0 in the kernels so far
   */
  int corkBytes(int bytes);

  /**
   * Makes bytes {@code start} (inclusive) to {@code end} (exclusive) of the message the payload
   * window ({@code bpf_msg_pull_data}), copying them into one buffer when they span several
   * scatterlist elements or are shared (sendfile). Offset 0 of the payload methods is then {@code
   * start}. Linux 4.17.
   *
   * @return 0, or a negative errno, such as {@code -EINVAL} (-22) for a range that is not inside
   *     the message, or {@code -ENOMEM} (-12) when the copy cannot be allocated
   */
  int pullData(int start, int end);

  /**
   * Inserts {@code length} bytes at byte {@code start} of the message ({@code bpf_msg_push_data}).
   * The kernel does not initialise them: write them with {@link #storeBytes} (after {@link
   * #pullData} makes them the window) before passing the message. The window is reset to the
   * message's first scatterlist element, which may now end at {@code start}. Linux 4.20.
   *
   * @return 0, or a negative errno, such as {@code -EINVAL} for a {@code start} outside the
   *     message, or {@code -ENOMEM}
   */
  int pushData(int start, int length);

  /**
   * Removes {@code length} bytes from the message, starting at byte {@code start} ({@code
   * bpf_msg_pop_data}). The window is reset to the message's first scatterlist element, which the
   * pop may have split at {@code start} (Linux 6.18 does for a pop inside one element): call {@link
   * #pullData} before reading past {@code start}. Linux 5.0.
   *
   * @return 0, or a negative errno: {@code -EINVAL} (-22) when {@code start + length} is past the
   *     message's end, {@code -ENOMEM}
   */
  int popData(int start, int length);
}
