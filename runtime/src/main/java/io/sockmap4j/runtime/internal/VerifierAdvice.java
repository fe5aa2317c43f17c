package io.sockmap4j.runtime.internal;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain-language explanations of the verifier errors a sockmap4j program can meet, keyed by the
 * wording of the kernel's log (kernel 6.x; older kernels say the same things in mostly the same
 * words). The first rule whose pattern occurs in the last lines of the log wins; an error no rule
 * knows gets no explanation, and the log speaks for itself.
 */
public final class VerifierAdvice {

  private static final int LINES_CONSIDERED = 3;

  private record Rule(Pattern pattern, String explanation) {
    Rule(String regex, String explanation) {
      this(Pattern.compile(regex), explanation);
    }
  }

  private static final String REPORT =
      " If the program is unchanged sockmap4j output, please report it with this message.";

  private static final List<Rule> RULES =
      List.of(
          new Rule("R0 !read_ok", "The program can end without a return value in r0." + REPORT),
          new Rule(
              "R\\d !read_ok",
              "A register is read before anything was written to it (for a helper call: an"
                  + " argument is missing)."
                  + REPORT),
          new Rule(
              "invalid access to packet|offset is outside of the packet",
              "A packet access goes beyond the bytes the verifier knows are there: compare data +"
                  + " offset + size with dataEnd before every access, and again after any helper"
                  + " that changes the packet (pullData, storeBytes, changeTail, ...), which forgets"
                  + " earlier checks."),
          new Rule(
              "invalid (?:indirect )?(?:read|write) (?:from|to) stack|invalid stack"
                  + "|combined stack size|stack depth",
              "A stack access lies outside the 512-byte eBPF stack, or reads stack bytes never"
                  + " written: the program's locals, records and arrays must fit in 512 bytes."),
          new Rule(
              "min value is negative|unbounded min value|unbounded memory access"
                  + "|outside of the allowed memory range|value is outside of the",
              "An index or length is not bounded where the verifier needs it: check 0 <= index and"
                  + " index < length (or the size against its maximum) right before the access."),
          new Rule(
              "invalid mem access",
              "A memory access goes through a register the verifier does not know to be a valid"
                  + " pointer: a map lookup used without a null check, or a number used as an"
                  + " address."
                  + REPORT),
          new Rule(
              "invalid bpf_context access off=(\\d+)",
              "The program reads or writes context field offset $1 in a way this program type does"
                  + " not allow: a field this type cannot see, a write to a read-only field (in"
                  + " SK_SKB only priority and tc_index are writable, in SK_MSG nothing), or an"
                  + " access size the field does not support."),
          new Rule(
              "unreachable insn",
              "Some instructions can never run (code after a return, or a branch that is never"
                  + " taken): the verifier refuses dead code."
                  + REPORT),
          new Rule(
              "back-edge|infinite loop detected",
              "A loop the verifier cannot prove to terminate: kernels before 5.3 refuse every loop,"
                  + " later ones need a loop whose bound the verifier can follow."),
          new Rule(
              "BPF program is too large|too complex|The sequence of \\d+ jumps is too complex",
              "The verifier gave up after walking 1,000,000 instructions (each path and each loop"
                  + " iteration counts): lower loop bounds, or reduce the branches inside loops."),
          new Rule(
              "invalid func|unknown func",
              "The program calls a helper this kernel does not know: the kernel is older than the"
                  + " helper (see the helper's minimum kernel version)."),
          new Rule(
              "cannot use helper|helper call is not allowed|not allowed in prog type",
              "The program calls a helper its program type may not call (SK_MSG programs cannot"
                  + " use SK_SKB packet helpers and the reverse)."),
          new Rule(
              "cannot pass map_type (\\d+) into func",
              "A helper was given a map type it does not accept (map type $1): the *_map redirect"
                  + " helpers take a SOCKMAP, the *_hash ones a SOCKHASH."),
          new Rule(
              "Unreleased reference|reference leak",
              "A socket returned by a map lookup is not released on every path: release it"
                  + " (sk_release) before each return."),
          new Rule(
              "type=\\S+ expected=",
              "A helper argument has the wrong kind of value, such as a number where a pointer"
                  + " (to the stack or to the context) is expected."
                  + REPORT),
          new Rule(
              "jump out of range|invalid BPF_LD_IMM|unknown opcode|invalid insn",
              "The instructions are malformed (a jump leaves the program, or an opcode is unknown):"
                  + " the object is corrupt or was built for a newer kernel."),
          new Rule("div(?:ision)? by zero", "The program divides by the constant 0."));

  private VerifierAdvice() {}

  /**
   * The explanation of the error at the end of {@code log}, or {@code ""} when no rule knows it.
   */
  public static String explain(VerifierLog log) {
    String tail = String.join("\n", log.lastLines(LINES_CONSIDERED));
    for (Rule rule : RULES) {
      Matcher m = rule.pattern().matcher(tail);
      if (m.find()) {
        return expand(m, rule.explanation());
      }
    }
    return "";
  }

  private static String expand(Matcher m, String explanation) {
    String out = explanation;
    for (int group = 1; group <= m.groupCount(); group++) {
      out = out.replace("$" + group, m.group(group));
    }
    return out;
  }
}
