package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import io.sockmap4j.processor.backend.Helper;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code io.sockmap4j.Debug}: {@code ktimeNanos()} and {@code random()} are one helper call each;
 * {@code print(format, a, b, c)} is {@code bpf_trace_printk} with the format copied to the stack,
 * compiled only when debug prints are on (the processor option {@code sockmap4j.debug}) and to
 * nothing otherwise. The format is checked either way, so turning prints on never breaks a build.
 *
 * <pre>
 *   print("n=%d\n", a)   *(u32 *)(r10 - k)     = 'n=%d'          the format, NUL-padded to 4 bytes
 *                        *(u32 *)(r10 - k + 4) = '\n\0\0\0'
 *                        r1 = r10 - k  r2 = length + 1  r3 = (long) a
 *                        call bpf_trace_printk (6)         GPL-only: the object's license allows it
 * </pre>
 */
final class DebugCalls {
  static final String OWNER = "io.sockmap4j.Debug";

  /** {@code bpf_trace_printk} takes at most three values after the format. */
  private static final int MAX_VALUES = 3;

  /** Longest format in bytes, newline included; it lives on the 512-byte stack. */
  static final int MAX_FORMAT = 128;

  /** What {@code bpf_trace_printk} formats for us: flags, width and precision are not checked. */
  private static final Pattern CONVERSION = Pattern.compile("%(%|[-+ 0]*[0-9]*(l{0,2})([diuxX]))");

  private final ExpressionCompiler exprs;
  private final boolean prints;

  DebugCalls(ExpressionCompiler exprs, boolean prints) {
    this.exprs = exprs;
    this.prints = prints;
  }

  static CallResolver.Callee resolve(String method, MethodInvocationTree inv) {
    switch (method) {
      case "ktimeNanos":
        return new CallResolver.DebugCall(method, JType.LONG);
      case "random":
        return new CallResolver.DebugCall(method, JType.INT);
      case "print":
        return new CallResolver.DebugCall(method, JType.VOID);
      default:
        throw new CompileError(
            DiagnosticId.UnknownMethod,
            inv,
            "Debug has no method '"
                + method
                + "' that programs can call; they can call Debug.ktimeNanos(), Debug.random()"
                + " and Debug.print(format, values...).");
    }
  }

  Temp call(CallResolver.DebugCall callee, MethodInvocationTree inv, boolean leaveInR0) {
    List<? extends ExpressionTree> args = inv.getArguments();
    if (callee.method().equals("print")) {
      if (!leaveInR0) {
        throw CompileError.unsupported(
            inv, "using the result of Debug.print, which returns nothing", "");
      }
      print(inv, args);
      return null;
    }
    if (!args.isEmpty()) {
      throw new CompileError(
          DiagnosticId.BadArgument, inv, "'Debug." + callee.method() + "()' takes no arguments.");
    }
    exprs.out.call(
        callee.method().equals("ktimeNanos") ? Helper.KTIME_GET_NS : Helper.GET_PRANDOM_U32);
    if (leaveInR0) {
      return null;
    }
    Temp t = exprs.temps.acquire(callee.type(), inv);
    Register r = exprs.use(t, inv);
    if (callee.type().equals(JType.INT)) {
      exprs.out.mov(Width.W32, r, Register.R0); // a u32: keep the low half, as an int
    } else {
      exprs.out.mov(Width.W64, r, Register.R0);
    }
    exprs.temps.unpin(t);
    return t;
  }

  private void print(MethodInvocationTree inv, List<? extends ExpressionTree> args) {
    if (args.isEmpty()) {
      throw new CompileError(
          DiagnosticId.BadArgument, inv, "Debug.print needs a format: Debug.print(\"n=%d\", n).");
    }
    byte[] format = format(args.get(0));
    int conversions = conversions(args.get(0));
    List<? extends ExpressionTree> values = args.subList(1, args.size());
    if (values.size() > MAX_VALUES || values.size() != conversions) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          inv,
          "the format has "
              + conversions
              + " conversion"
              + (conversions == 1 ? "" : "s")
              + " and the call passes "
              + values.size()
              + " value"
              + (values.size() == 1 ? "" : "s")
              + "; bpf_trace_printk prints at most "
              + MAX_VALUES
              + ", one per conversion.");
    }
    for (ExpressionTree value : values) {
      JType type = exprs.typer.typeOf(value);
      if (!type.isNumeric()) {
        throw new CompileError(
            DiagnosticId.BadArgument,
            value,
            "Debug.print prints numbers (int, long, ...), not " + type + ".");
      }
    }
    if (!prints) {
      return; // off: like a disabled assert, nothing runs
    }
    List<Temp> temps = new ArrayList<>();
    for (ExpressionTree value : values) {
      Temp t = exprs.evalAs(value, JType.LONG);
      exprs.temps.unpin(t);
      temps.add(t);
    }
    int size = (format.length + 3) & ~3;
    int offset = exprs.frame.allocate(size, inv);
    ByteBuffer words = ByteBuffer.wrap(java.util.Arrays.copyOf(format, size));
    words.order(ByteOrder.nativeOrder());
    for (int i = 0; i < size; i += 4) {
      exprs.out.storeImm(Size.W, Register.R10, offset + i, words.getInt(i));
    }
    Register[] registers = {Register.R3, Register.R4, Register.R5};
    for (int i = 0; i < temps.size(); i++) {
      exprs.out.mov(Width.W64, registers[i], exprs.use(temps.get(i), values.get(i)));
      exprs.temps.release(temps.get(i));
    }
    exprs.out.addressOf(Register.R1, offset, format.length);
    exprs.out.movConst(Register.R2, format.length);
    exprs.out.call(Helper.TRACE_PRINTK);
  }

  /** The format's bytes with a newline (added if missing) and the terminating NUL. */
  private static byte[] format(ExpressionTree tree) {
    String text = literal(tree);
    if (!text.endsWith("\n")) {
      text += "\n";
    }
    byte[] utf8 = (text + "\0").getBytes(StandardCharsets.UTF_8);
    if (utf8.length > MAX_FORMAT) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          tree,
          "the format is "
              + utf8.length
              + " bytes with its newline and NUL; at most "
              + MAX_FORMAT
              + " fit, because the program copies it to its 512-byte stack. Shorten it.");
    }
    return utf8;
  }

  private static int conversions(ExpressionTree tree) {
    String text = literal(tree);
    Matcher m = CONVERSION.matcher(text);
    int count = 0;
    int end = 0;
    while (m.find()) {
      checkNoStrayPercent(text.substring(end, m.start()), tree);
      if (!m.group(1).equals("%")) {
        count++;
      }
      end = m.end();
    }
    checkNoStrayPercent(text.substring(end), tree);
    return count;
  }

  private static void checkNoStrayPercent(String between, Tree at) {
    if (between.indexOf('%') >= 0) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          at,
          "the format has a conversion bpf_trace_printk cannot print near '"
              + between.substring(between.indexOf('%'))
              + "': use %d, %i, %u, %x or %X (with l or ll for longs; flags -, +, space, 0 and a width), or %% for a percent"
              + " sign. Strings (%s) and pointers (%p) are not available from Java.");
    }
  }

  private static String literal(ExpressionTree tree) {
    if (tree instanceof LiteralTree lit && lit.getValue() instanceof String s) {
      return s;
    }
    throw new CompileError(
        DiagnosticId.BadArgument,
        tree,
        "the format of Debug.print must be a string literal: the program carries it as bytes in"
            + " its instructions, so it is fixed when the program is compiled.");
  }
}
