package io.sockmap4j.runtime.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The running kernel's major.minor version, from {@code os.version} (uname release). */
record KernelVersion(int major, int minor) {

  private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");

  static KernelVersion current() {
    return parse(System.getProperty("os.version", ""));
  }

  /** Parses a release such as {@code 6.18.44-fc-v657}; unknown forms read as 0.0. */
  static KernelVersion parse(String release) {
    Matcher m = RELEASE.matcher(release);
    if (!m.find()) {
      return new KernelVersion(0, 0);
    }
    return new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  boolean isBefore(int major, int minor) {
    return this.major < major || (this.major == major && this.minor < minor);
  }
}
