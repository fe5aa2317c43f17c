package io.sockmap4j.processor.diag;

/**
 * The catalogue of compile-time diagnostics. Every message the processor prints starts with {@code
 * [sockmap4j.<Id>]} so users (and tests) can recognise it across releases; the ids never change
 * meaning.
 */
public enum DiagnosticId {
  /** A Java construct outside the sockmap4j subset (see docs/LANGUAGE.md). */
  Unsupported,
  /** A type the subset does not have (objects, strings, arrays, ...). */
  UnsupportedType,
  /** A name that is neither a local, a parameter, a map field nor a compile-time constant. */
  UnknownName,
  /** A call to a method the compiler does not know. */
  UnknownMethod,
  /** A map field declared wrongly (not static, wrong type, bad key type, bad size). */
  BadMapDeclaration,
  /** A program method declared wrongly (not static, wrong parameters or return type). */
  BadProgramSignature,
  /** A program names a map that does not exist, or a map of the wrong kind. */
  BadMapReference,
  /** Two programs of the same attach type on one map. */
  DuplicateProgram,
  /** Arguments of an intrinsic call that must be constants or the context parameter. */
  BadArgument,
  /**
   * Division or remainder by the constant zero (Java would throw; the kernel rejects the program).
   * The id keeps its historical name: divisors that are not constants are allowed since 0.2, with a
   * runtime zero check that ends the program with its fault result.
   */
  DivisionByNonConstant,
  /**
   * A loop whose end the compiler cannot prove: it needs an int or long counter compared with a
   * constant in its condition and stepped by a constant once per iteration.
   */
  UnboundedLoop,
  /**
   * A method that calls itself, directly or through others: calls are inlined, so it never ends.
   */
  Recursion,
  /** A constant array index outside the array, or a negative constant array length. */
  IndexOutOfRange,
  /** The program's stack (locals, keys, spills) exceeds the kernel's 512 bytes. */
  StackOverflow,
  /** A path through a non-void program ends without a return. */
  MissingReturn,
  /** The processor cannot run in this environment (for example, no javac Tree API). */
  Environment,
  /** A bug in sockmap4j: the message asks the user to report it, with the stack trace. */
  Internal,
  /**
   * A call the program's kind cannot make: the kernel offers the helper to other program types only
   * (a redirect in a sock_ops program, a socket map update in an SK_SKB or SK_MSG program, an
   * SK_MSG helper in an SK_SKB program, or one the kernel refuses for SK_MSG such as {@code
   * bpf_get_socket_cookie}).
   */
  UnavailableHelper,
  /**
   * Programs the kernel cannot use together on one map: a stream verdict and an skb verdict, or a
   * stream parser with an skb verdict (the parser would never run).
   */
  ConflictingPrograms,
  /**
   * A call this kind of program cannot make: a stream parser that would modify the packet or
   * redirect it.
   */
  NotAllowedInProgram;

  /** The tag printed at the start of every message, e.g. {@code [sockmap4j.Unsupported]}. */
  public String tag() {
    return "[sockmap4j." + name() + "]";
  }
}
