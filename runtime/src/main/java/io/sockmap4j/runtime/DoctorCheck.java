package io.sockmap4j.runtime;

import java.util.Objects;

/**
 * One line of a {@link DoctorReport}: what was checked, what was found, and how to fix it.
 *
 * @param id a short stable key ({@code bpf}, {@code sockmap}, {@code sk_msg} ...) for scripts
 * @param title what is checked, in words
 * @param status the outcome
 * @param required whether sockmap4j cannot work without it: a required check that is {@link
 *     Status#MISSING} or {@link Status#SKIPPED} makes the report not ready
 * @param found what the check saw: values read, objects created, or the refusal with its errno
 * @param needs the kernel version the feature arrived in, such as {@code "4.14"}, or {@code ""}
 *     when no version applies; for reading only, never used to decide
 * @param fix what to do about a status other than OK and INFO, or {@code ""}
 */
public record DoctorCheck(
    String id,
    String title,
    Status status,
    boolean required,
    String found,
    String needs,
    String fix) {

  /** The outcome of a check. */
  public enum Status {
    /** The kernel and process did what was asked. */
    OK,
    /**
     * Works, but something is worth changing (a low limit, the JIT off, a probe that could not
     * run).
     */
    WARN,
    /** The kernel or process refused: see {@link DoctorCheck#fix()}. */
    MISSING,
    /** Not checked, because a check it depends on failed (or the probe is not available). */
    SKIPPED,
    /** A fact for the reader (kernel release, sysctl values); never a failure. */
    INFO
  }

  /** Checks that nothing is null. */
  public DoctorCheck {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(found, "found");
    Objects.requireNonNull(needs, "needs");
    Objects.requireNonNull(fix, "fix");
  }

  /** Whether this check keeps sockmap4j from working: required and MISSING or SKIPPED. */
  public boolean blocks() {
    return required && (status == Status.MISSING || status == Status.SKIPPED);
  }
}
