package io.sockmap4j.runtime.internal;

/**
 * Kernel object names: at most 15 characters of {@code [A-Za-z0-9_.]} (the kernel refuses anything
 * else with EINVAL).
 */
public final class ObjectNames {

  private static final int MAX_LENGTH = Bpf.OBJ_NAME_LEN - 1;

  private ObjectNames() {}

  /** Truncates {@code name} to 15 characters and replaces every other character with '_'. */
  public static String sanitize(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), MAX_LENGTH));
    for (int i = 0; i < name.length() && out.length() < MAX_LENGTH; i++) {
      char c = name.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.';
      out.append(allowed ? c : '_');
    }
    return out.toString();
  }
}
