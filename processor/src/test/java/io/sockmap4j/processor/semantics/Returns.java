package io.sockmap4j.processor.semantics;

/**
 * How a case's {@code return} statements are written in each of its three methods: the Java twin
 * returns the whole value as a {@code long}; the kernel programs return an {@code int}, so a long
 * result is split into its low and high halves, one program each.
 */
enum Returns {
  /** {@code static long java_N(long a, long b, int c, int d)}: the whole value, run by the JVM. */
  JAVA,
  /** {@code static int lo_N(SkBuff skb)}: the low 32 bits (the whole value for int and boolean). */
  LOW,
  /** {@code static int hi_N(SkBuff skb)}: the high 32 bits of a long result. */
  HIGH,
  /** A helper method: the value as it is, of the helper's own result type. */
  PLAIN;

  /** The return statement of {@code expr}, a value of the case's result type {@code type}. */
  String of(JavaType type, String expr) {
    if (this == PLAIN) {
      return "return " + expr + ";";
    }
    if (type == JavaType.BOOLEAN) {
      return "return ("
          + expr
          + ") ? 1"
          + (this == JAVA ? "L" : "")
          + " : 0"
          + (this == JAVA ? "L" : "")
          + ";";
    }
    switch (this) {
      case JAVA:
        return "return " + expr + ";";
      case LOW:
        return "return (int) (" + expr + ");";
      default:
        return "return (int) ((" + expr + ") >>> 32);";
    }
  }
}
