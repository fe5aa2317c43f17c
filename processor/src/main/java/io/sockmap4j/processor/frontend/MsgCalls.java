package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Helper;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import io.sockmap4j.processor.model.ContextKind;
import io.sockmap4j.processor.model.PrimitiveKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The payload accessors and {@code bpf_msg_*} helpers of {@code SkMsg}: what they compile to, and
 * which names an SK_MSG or SK_SKB program cannot call ({@link DiagnosticId#UnavailableHelper}).
 *
 * <p><b>Payload accesses</b> read and write between {@code msg->data} and {@code msg->data_end}
 * (8-byte context loads at offsets 0 and 8). No pointer ever outlives one access: each access loads
 * both bounds afresh and checks its own bytes, so the helpers that move the data ({@code pull},
 * {@code push}, {@code pop}: they invalidate every earlier bounds check) cannot leave a stale
 * pointer behind, by construction. For {@code loadInt(off)} with a variable offset:
 *
 * <pre>
 *   w1 = off                        the offset as an unsigned 32-bit value
 *   if r1 > 0xffff - 4 goto fault   the verifier's limit for packet offsets (MAX_PACKET_OFF)
 *   r2 = *(u64 *)(r6 + 0)           msg->data
 *   r3 = *(u64 *)(r6 + 8)           msg->data_end
 *   r2 += r1
 *   r1 = r2
 *   r1 += 4
 *   if r1 > r3 goto fault           a negative offset failed above, as an unsigned one
 *   result = *(u32 *)(r2 + 0), be32
 * </pre>
 *
 * With a constant offset the bounds check adds it as an immediate and the access uses it as the
 * instruction's offset. Out of the window, the program ends with its {@linkplain Faults fault
 * result}: {@code Verdict.DROP}, so the sender's {@code send()} fails with {@code EACCES}.
 *
 * <p><b>Helpers</b> take their arguments in r2 to r4 (flags 0) with the context in r1; their {@code
 * long} result is truncated to the {@code int} the methods return ({@code w0 = w0}), so a negative
 * errno stays negative as an int.
 */
final class MsgCalls {

  /** The verifier refuses packet pointers whose offset could reach this (MAX_PACKET_OFF). */
  static final int MAX_PACKET_OFFSET = 0xFFFF;

  /** The largest instruction offset of a load or store (a signed 16-bit field). */
  private static final int MAX_INSN_OFFSET = Short.MAX_VALUE;

  private static final int DATA = 0;
  private static final int DATA_END = 8;

  private static final JType BYTE = JType.primitive(PrimitiveKind.BYTE);
  private static final JType SHORT = JType.primitive(PrimitiveKind.SHORT);

  /** What a method of {@code SkMsg} does. */
  enum Op {
    LOAD_BYTE("loadByte", BYTE, Size.B, null),
    LOAD_SHORT("loadShort", SHORT, Size.H, null),
    LOAD_INT("loadInt", JType.INT, Size.W, null),
    LOAD_LONG("loadLong", JType.LONG, Size.DW, null),
    LOAD_BYTES("loadBytes", JType.VOID, null, null),
    STORE_BYTE("storeByte", JType.VOID, Size.B, null),
    STORE_SHORT("storeShort", JType.VOID, Size.H, null),
    STORE_INT("storeInt", JType.VOID, Size.W, null),
    STORE_LONG("storeLong", JType.VOID, Size.DW, null),
    STORE_BYTES("storeBytes", JType.VOID, null, null),
    APPLY_BYTES("applyBytes", JType.INT, null, Helper.MSG_APPLY_BYTES),
    CORK_BYTES("corkBytes", JType.INT, null, Helper.MSG_CORK_BYTES),
    PULL_DATA("pullData", JType.INT, null, Helper.MSG_PULL_DATA),
    PUSH_DATA("pushData", JType.INT, null, Helper.MSG_PUSH_DATA),
    POP_DATA("popData", JType.INT, null, Helper.MSG_POP_DATA);

    private final String javaName;
    private final JType type;
    private final Size size;
    private final Helper helper;

    Op(String javaName, JType type, Size size, Helper helper) {
      this.javaName = javaName;
      this.type = type;
      this.size = size;
      this.helper = helper;
    }

    JType type() {
      return type;
    }

    String javaName() {
      return javaName;
    }

    boolean isLoad() {
      return name().startsWith("LOAD_");
    }

    boolean isBulk() {
      return size == null && helper == null;
    }
  }

  private static final Map<String, Op> OPS = new TreeMap<>();

  static {
    for (Op op : Op.values()) {
      OPS.put(op.javaName, op);
    }
  }

  /**
   * Why a program of {@code context} cannot call a method of that name that the other context has,
   * keyed by method name; the message says what to do instead.
   */
  private static final Map<String, String> REFUSED_IN_SK_MSG =
      Map.of(
          "socketCookie",
          "SK_MSG programs cannot call bpf_get_socket_cookie: the kernel refuses it for this"
              + " program type ('program of this type cannot use helper bpf_get_socket_cookie#46',"
              + " Linux 6.18), so SkMsg has no socketCookie(). Identify the connection by"
              + " msg.remoteIp4(), msg.remotePort(), msg.localIp4() and msg.localPort() instead.",
          "cb",
          "SK_MSG programs have no control buffer: cb(i) is a field of the SK_SKB context"
              + " (__sk_buff), and struct sk_msg_md has none.",
          "priority",
          "SK_MSG programs cannot read the packet priority: it is a field of the SK_SKB context"
              + " (__sk_buff), and struct sk_msg_md has none.",
          "len",
          "SkMsg has no len(): the message's length is msg.size() (Linux 5.0).");

  private static final Map<String, String> REFUSED_IN_SK_BUFF =
      Map.of(
          "applyBytes", refusedInSkb("applyBytes", Helper.MSG_APPLY_BYTES),
          "corkBytes", refusedInSkb("corkBytes", Helper.MSG_CORK_BYTES),
          "pushData", refusedInSkb("pushData", Helper.MSG_PUSH_DATA),
          "popData", refusedInSkb("popData", Helper.MSG_POP_DATA));

  private static String refusedInSkb(String method, Helper helper) {
    return "'"
        + method
        + "' is an SK_MSG helper ("
        + helper.kernelName()
        + "), which SK_SKB programs cannot call: the kernel refuses it for their program type."
        + " Call it on the SkMsg of an @SkMsgVerdict program, which runs on the sender's side.";
  }

  private final ExpressionCompiler exprs;

  MsgCalls(ExpressionCompiler exprs) {
    this.exprs = exprs;
  }

  /** The {@code SkMsg} method {@code name}, if a program on {@code context} can call it. */
  static Optional<Op> lookup(ContextKind context, String name) {
    return context == ContextKind.SK_MSG ? Optional.ofNullable(OPS.get(name)) : Optional.empty();
  }

  /** The methods of {@link #lookup}, for messages listing what a context offers. */
  static String names(ContextKind context) {
    return context == ContextKind.SK_MSG ? String.join(", ", OPS.keySet()) : "";
  }

  /**
   * Why a program on {@code context} cannot call {@code name}, when the name is a method of the
   * other context whose helper or field the kernel refuses to this program type.
   */
  static Optional<String> refusal(ContextKind context, String name) {
    return Optional.ofNullable(
        (context == ContextKind.SK_MSG ? REFUSED_IN_SK_MSG : REFUSED_IN_SK_BUFF).get(name));
  }

  /** Compiles {@code msg.<op>(...)}; as {@link CallCompiler#call}. */
  Temp compile(Op op, MethodInvocationTree inv, boolean leaveInR0) {
    if (op.type().kind() == JType.Kind.VOID && !leaveInR0) {
      throw CompileError.unsupported(
          inv, "using the result of the void method " + op.javaName(), "Call it as a statement.");
    }
    List<? extends ExpressionTree> args = inv.getArguments();
    switch (op) {
      case LOAD_BYTE:
      case LOAD_SHORT:
      case LOAD_INT:
      case LOAD_LONG:
        arity(inv, op, 1, "offset");
        return load(op, args.get(0), inv, leaveInR0);
      case STORE_BYTE:
      case STORE_SHORT:
      case STORE_INT:
      case STORE_LONG:
        arity(inv, op, 2, "offset, value");
        store(op, args.get(0), args.get(1), inv);
        return null;
      case LOAD_BYTES:
      case STORE_BYTES:
        arity(inv, op, 2, "offset, array");
        bulk(op, args.get(0), args.get(1), inv);
        return null;
      case APPLY_BYTES:
      case CORK_BYTES:
        arity(inv, op, 1, "bytes");
        return helper(op, args, inv, leaveInR0);
      case PULL_DATA:
        arity(inv, op, 2, "start, end");
        return helper(op, args, inv, leaveInR0);
      default:
        arity(inv, op, 2, "start, length");
        return helper(op, args, inv, leaveInR0);
    }
  }

  private static void arity(MethodInvocationTree inv, Op op, int count, String parameters) {
    if (inv.getArguments().size() != count) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          inv,
          "'" + op.javaName() + "(" + parameters + ")' takes " + count + " argument(s).");
    }
  }

  /** Evaluates an argument of {@code type}, refusing what Java's invocation would refuse. */
  private Temp argument(ExpressionTree arg, JType type, Op op) {
    JType actual = exprs.typer.typeOf(arg);
    if (!CallResolver.assignable(actual, type)) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          arg,
          op.javaName() + " takes " + type + " here, not " + actual + ".");
    }
    return exprs.evalAs(arg, type);
  }

  // ------------------------------------------------------------------ payload accesses

  /**
   * Where a checked access goes: {@code r2 + offset} covers {@code length} bytes inside the window.
   */
  private record Checked(int offset) {}

  /**
   * Emits the bounds check of {@code length} bytes at the offset {@code arg} (already evaluated
   * into {@code offset}, or a constant when {@code offset} is null): afterwards r2 plus the
   * returned instruction offset addresses the first byte. Uses r1 to r3.
   */
  private Checked check(ExpressionTree arg, Temp offset, int length, Tree at) {
    Optional<Constant> c = exprs.typer.constant(arg);
    int limit = MAX_PACKET_OFFSET - length;
    if (c.isPresent()) {
      long value = c.get().value();
      if (value < 0 || value > limit) {
        throw new CompileError(
            DiagnosticId.IndexOutOfRange,
            arg,
            "payload offset "
                + value
                + " is outside what a program can address: offsets of a "
                + length
                + "-byte access go from 0 to "
                + limit
                + " (the verifier refuses packet offsets from 65535 on).");
      }
      if (value + length <= MAX_INSN_OFFSET) {
        exprs.out.load(Size.DW, Register.R2, Register.R6, DATA);
        exprs.out.load(Size.DW, Register.R3, Register.R6, DATA_END);
        exprs.out.mov(Width.W64, Register.R1, Register.R2);
        exprs.out.aluImm(Width.W64, AluOp.ADD, Register.R1, (int) value + length);
        exprs.out.jumpIf(Width.W64, JumpOp.JGT, Register.R1, Register.R3, exprs.faults.label());
        return new Checked((int) value);
      }
      exprs.out.movConst(Register.R1, value);
    } else {
      exprs.out.mov(Width.W32, Register.R1, exprs.use(offset, at));
      exprs.temps.release(offset);
      exprs.out.jumpIfImm(Width.W64, JumpOp.JGT, Register.R1, limit, exprs.faults.label());
    }
    exprs.out.load(Size.DW, Register.R2, Register.R6, DATA);
    exprs.out.load(Size.DW, Register.R3, Register.R6, DATA_END);
    exprs.out.alu(Width.W64, AluOp.ADD, Register.R2, Register.R1);
    exprs.out.mov(Width.W64, Register.R1, Register.R2);
    exprs.out.aluImm(Width.W64, AluOp.ADD, Register.R1, length);
    exprs.out.jumpIf(Width.W64, JumpOp.JGT, Register.R1, Register.R3, exprs.faults.label());
    return new Checked(0);
  }

  /** A constant argument needs no register; anything else is evaluated now, in Java's order. */
  private Temp offsetArgument(ExpressionTree arg, Op op) {
    JType actual = exprs.typer.typeOf(arg);
    if (exprs.typer.constant(arg).isPresent() && CallResolver.assignable(actual, JType.INT)) {
      return null;
    }
    return argument(arg, JType.INT, op);
  }

  private Temp load(Op op, ExpressionTree arg, MethodInvocationTree inv, boolean leaveInR0) {
    Temp offset = offsetArgument(arg, op);
    Checked at = check(arg, offset, op.size.bytes(), inv);
    Temp t = leaveInR0 ? null : exprs.temps.acquire(op.type(), inv);
    Register r = leaveInR0 ? Register.R0 : exprs.use(t, inv);
    exprs.out.load(op.size, r, Register.R2, at.offset());
    switch (op) {
      case LOAD_BYTE:
        exprs.out.aluImm(Width.W32, AluOp.LSH, r, 24);
        exprs.out.aluImm(Width.W32, AluOp.ARSH, r, 24);
        break;
      case LOAD_SHORT:
        exprs.out.toBigEndian(r, 16);
        exprs.out.aluImm(Width.W32, AluOp.LSH, r, 16);
        exprs.out.aluImm(Width.W32, AluOp.ARSH, r, 16);
        break;
      case LOAD_INT:
        exprs.out.toBigEndian(r, 32);
        break;
      default:
        exprs.out.toBigEndian(r, 64);
        break;
    }
    if (t != null) {
      exprs.temps.unpin(t);
    }
    return t;
  }

  private void store(Op op, ExpressionTree offsetArg, ExpressionTree valueArg, Tree at) {
    Temp offset = offsetArgument(offsetArg, op);
    JType valueType = op == Op.STORE_LONG ? JType.LONG : JType.INT;
    Temp value = argument(valueArg, valueType, op);
    if (offset != null) {
      exprs.use(offset, at); // keep it in its register while the value is loaded
    }
    Register v = exprs.use(value, at);
    exprs.out.mov(Width.W64, Register.R4, v);
    exprs.temps.release(value);
    Checked checked = check(offsetArg, offset, op.size.bytes(), at);
    if (op.size != Size.B) {
      exprs.out.toBigEndian(Register.R4, op.size.bytes() * 8);
    }
    exprs.out.store(op.size, Register.R2, checked.offset(), Register.R4);
  }

  /**
   * {@code loadBytes}/{@code storeBytes}: one bounds check for the array's constant length, then
   * the copy in 8, 4, 2 and 1-byte moves through r1 (arrays are 8-byte aligned on the stack, so
   * every stack access stays aligned; packet accesses may be unaligned on the machines eBPF JITs
   * for).
   */
  private void bulk(Op op, ExpressionTree offsetArg, ExpressionTree arrayArg, Tree at) {
    Temp offset = offsetArgument(offsetArg, op);
    JType arrayType;
    try {
      arrayType = exprs.typer.arrayOf(arrayArg);
    } catch (CompileError e) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          arrayArg,
          op.javaName()
              + " takes a local byte[] variable (with a constant length) as its second argument,"
              + " not '"
              + arrayArg
              + "'.");
    }
    if (arrayType.primitive() != PrimitiveKind.BYTE) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          arrayArg,
          op.javaName()
              + " copies bytes: give it a byte[] local, not a "
              + arrayType.primitive().javaName()
              + "[].");
    }
    Frame.Local array = exprs.arrays().arrayLocal(arrayArg);
    int length = arrayType.length();
    Checked checked = check(offsetArg, offset, length, at);
    int done = 0;
    for (Size size : new Size[] {Size.DW, Size.W, Size.H, Size.B}) {
      while (length - done >= size.bytes()) {
        int packet = checked.offset() + done;
        int stack = array.offset() + done;
        if (op == Op.LOAD_BYTES) {
          exprs.out.load(size, Register.R1, Register.R2, packet);
          exprs.out.store(size, Register.R10, stack, Register.R1);
        } else {
          exprs.out.load(size, Register.R1, Register.R10, stack);
          exprs.out.store(size, Register.R2, packet, Register.R1);
        }
        done += size.bytes();
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private Temp helper(
      Op op, List<? extends ExpressionTree> args, MethodInvocationTree inv, boolean leaveInR0) {
    List<Temp> values = new ArrayList<>();
    for (ExpressionTree arg : args) {
      values.add(argument(arg, JType.INT, op));
    }
    Register[] into = {Register.R2, Register.R3};
    for (int i = 0; i < values.size(); i++) {
      exprs.out.mov(Width.W64, into[i], exprs.use(values.get(i), inv));
    }
    for (Temp t : values) {
      exprs.temps.release(t);
    }
    if (values.size() == 2) {
      exprs.out.movConst(Register.R4, 0); // flags: reserved, must be 0
    }
    exprs.out.mov(Width.W64, Register.R1, Register.R6);
    exprs.out.call(op.helper);
    if (leaveInR0) {
      exprs.out.mov(Width.W32, Register.R0, Register.R0);
      return null;
    }
    Temp t = exprs.temps.acquire(JType.INT, inv);
    exprs.out.mov(Width.W32, exprs.use(t, inv), Register.R0);
    exprs.temps.unpin(t);
    return t;
  }
}
