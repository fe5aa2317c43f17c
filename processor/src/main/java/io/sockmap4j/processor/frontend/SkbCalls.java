package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Helper;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import io.sockmap4j.processor.model.PrimitiveKind;
import io.sockmap4j.processor.model.ProgramKind;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code SkBuff} methods that are not plain getters: payload loads and stores, the resizing
 * helpers, and the two context stores ({@code priority(int)}, {@code tcIndex(int)}).
 *
 * <p>Programs never hold a packet pointer. A load copies the bytes to a stack slot with {@code
 * bpf_skb_load_bytes} (which works whatever part of the data is linear; on loopback TCP usually
 * none), then reads the slot and swaps it from network order:
 *
 * <pre>
 *   r1 = r6 (skb); r2 = offset; r3 = r10 + slot; r4 = size
 *   call bpf_skb_load_bytes
 *   if r0 != 0 goto fault          ByteBuffer would throw IndexOutOfBoundsException
 *   rX = *(size *)(r10 + slot);  be16/be32/be64 rX;  sign-extend bytes and shorts
 * </pre>
 *
 * A store writes the big-endian value to a slot and calls {@code bpf_skb_store_bytes}; its {@code
 * boolean} result is {@code r0 >= 0}, computed without a branch as {@code (r0 >>> 63) ^ 1}. The
 * resize helpers return the helper's 0 or negative errno as an {@code int}. Because no pointer
 * outlives a call, a helper that changes the packet (and so invalidates packet pointers for the
 * verifier) can never leave a stale one behind: the next load simply calls the helper again.
 *
 * <p>A stream parser only measures messages: the strparser hands the verdict the data the parser
 * saw, so a parser that changed it (or redirected it) is refused at compile time with {@link
 * DiagnosticId#NotAllowedInProgram}.
 */
final class SkbCalls {

  /** One method, with its Java name, arity, result and helper. */
  enum Op {
    LOAD_BYTE("loadByte", 1, JType.primitive(PrimitiveKind.BYTE), 1, false),
    LOAD_SHORT("loadShort", 1, JType.primitive(PrimitiveKind.SHORT), 2, false),
    LOAD_INT("loadInt", 1, JType.INT, 4, false),
    LOAD_LONG("loadLong", 1, JType.LONG, 8, false),
    LOAD_BYTES("loadBytes", 2, JType.VOID, 0, false),
    LOAD_BYTES_LENGTH("loadBytes", 3, JType.VOID, 0, false),
    STORE_BYTE("storeByte", 2, JType.BOOLEAN, 1, true),
    STORE_SHORT("storeShort", 2, JType.BOOLEAN, 2, true),
    STORE_INT("storeInt", 2, JType.BOOLEAN, 4, true),
    STORE_LONG("storeLong", 2, JType.BOOLEAN, 8, true),
    STORE_BYTES("storeBytes", 2, JType.BOOLEAN, 0, true),
    STORE_BYTES_LENGTH("storeBytes", 3, JType.BOOLEAN, 0, true),
    PULL_DATA("pullData", 1, JType.INT, 0, true),
    CHANGE_TAIL("changeTail", 1, JType.INT, 0, true),
    CHANGE_HEAD("changeHead", 1, JType.INT, 0, true),
    ADJUST_ROOM("adjustRoom", 1, JType.INT, 0, true),
    SET_PRIORITY("priority", 1, JType.VOID, 0, false),
    SET_TC_INDEX("tcIndex", 1, JType.VOID, 0, false);

    private final String javaName;
    private final int arity;
    private final JType type;
    private final int size;
    private final boolean changesPacket;

    Op(String javaName, int arity, JType type, int size, boolean changesPacket) {
      this.javaName = javaName;
      this.arity = arity;
      this.type = type;
      this.size = size;
      this.changesPacket = changesPacket;
    }

    JType type() {
      return type;
    }

    String javaName() {
      return javaName;
    }
  }

  /** {@code struct __sk_buff} offsets of the writable fields. */
  private static final int PRIORITY = 32;

  private static final int TC_INDEX = 44;

  private final ExpressionCompiler exprs;
  private final ProgramKind kind;

  SkbCalls(ExpressionCompiler exprs, ProgramKind kind) {
    this.exprs = exprs;
    this.kind = kind;
  }

  /** The method {@code name} taking {@code arity} arguments, if {@code SkBuff} has one. */
  static Optional<Op> lookup(String name, int arity) {
    return Arrays.stream(Op.values())
        .filter(op -> op.javaName.equals(name) && op.arity == arity)
        .findFirst();
  }

  /** Whether {@code name} is one of these methods, with any number of arguments. */
  static boolean has(String name) {
    return Arrays.stream(Op.values()).anyMatch(op -> op.javaName.equals(name));
  }

  /** The forms of method {@code name}, for messages: {@code loadBytes(2 arguments), ...}. */
  static String forms(String name) {
    return Arrays.stream(Op.values())
        .filter(op -> op.javaName.equals(name))
        .map(op -> name + "(" + op.arity + (op.arity == 1 ? " argument)" : " arguments)"))
        .collect(Collectors.joining(", "));
  }

  /** The method names, for messages. */
  static String names() {
    return Arrays.stream(Op.values())
        .map(Op::javaName)
        .distinct()
        .sorted()
        .collect(Collectors.joining(", "));
  }

  /** Compiles the call; the value, if it has one, is left in r0. */
  void compile(Op op, MethodInvocationTree inv) {
    checkAllowed(op, inv);
    List<? extends ExpressionTree> args = inv.getArguments();
    switch (op) {
      case SET_PRIORITY -> storeField(PRIORITY, args.get(0));
      case SET_TC_INDEX -> storeField(TC_INDEX, args.get(0));
      case LOAD_BYTE, LOAD_SHORT, LOAD_INT, LOAD_LONG -> load(op, args.get(0), inv);
      case LOAD_BYTES, LOAD_BYTES_LENGTH -> copy(Helper.SKB_LOAD_BYTES, args, inv);
      case STORE_BYTE, STORE_SHORT, STORE_INT, STORE_LONG -> store(op, args, inv);
      case STORE_BYTES, STORE_BYTES_LENGTH -> copy(Helper.SKB_STORE_BYTES, args, inv);
      case PULL_DATA -> resize(Helper.SKB_PULL_DATA, args.get(0), 0, inv);
      case CHANGE_TAIL -> resize(Helper.SKB_CHANGE_TAIL, args.get(0), 1, inv);
      case CHANGE_HEAD -> resize(Helper.SKB_CHANGE_HEAD, args.get(0), 1, inv);
      case ADJUST_ROOM -> resize(Helper.SKB_ADJUST_ROOM, args.get(0), 2, inv);
      default -> throw new IllegalStateException("no code for " + op);
    }
  }

  private void checkAllowed(Op op, MethodInvocationTree inv) {
    if (kind == ProgramKind.SKB_PARSER && op.changesPacket) {
      throw new CompileError(
          DiagnosticId.NotAllowedInProgram,
          inv,
          "a stream parser cannot call "
              + op.javaName
              + "(...): it only measures the next message, and the kernel hands the verdict the"
              + " data the parser measured, so a parser must leave the data as it is. Change the"
              + " data in the @SkSkbVerdict (or @SkbVerdict) program instead.");
    }
  }

  /** {@code skb->field = value}: a 4-byte context store, the only width the kernel allows. */
  private void storeField(int offset, ExpressionTree value) {
    Temp v = exprs.evalAs(value, JType.INT);
    exprs.out.store(Size.W, Register.R6, offset, exprs.use(v, value));
    exprs.temps.release(v);
  }

  private void load(Op op, ExpressionTree offsetArg, MethodInvocationTree inv) {
    Temp offset = exprs.evalAs(offsetArg, JType.INT);
    int slot = exprs.frame.allocate(8, inv);
    exprs.out.mov(Width.W64, Register.R2, exprs.use(offset, inv));
    exprs.temps.release(offset);
    callLoadOrStore(Helper.SKB_LOAD_BYTES, slot, op.size);
    exprs.out.jumpIfImm(Width.W64, JumpOp.JNE, Register.R0, 0, exprs.faults.label());
    Size size = sizeOf(op.size);
    exprs.out.load(size, Register.R0, Register.R10, slot);
    switch (op.size) {
      case 1 -> signExtend(24);
      case 2 -> {
        exprs.out.toBigEndian(Register.R0, 16);
        signExtend(16);
      }
      case 4 -> exprs.out.toBigEndian(Register.R0, 32);
      default -> exprs.out.toBigEndian(Register.R0, 64);
    }
  }

  private void signExtend(int shift) {
    exprs.out.aluImm(Width.W32, AluOp.LSH, Register.R0, shift);
    exprs.out.aluImm(Width.W32, AluOp.ARSH, Register.R0, shift);
  }

  private void store(Op op, List<? extends ExpressionTree> args, MethodInvocationTree inv) {
    Temp offset = exprs.evalAs(args.get(0), JType.INT);
    JType valueType = op.size == 8 ? JType.LONG : JType.INT;
    Temp value = exprs.evalAs(args.get(1), valueType);
    int slot = exprs.frame.allocate(8, inv);
    Register v = exprs.use(value, args.get(1));
    if (op.size > 1) {
      exprs.out.toBigEndian(v, op.size * 8);
    }
    exprs.out.store(sizeOf(op.size), Register.R10, slot, v);
    exprs.temps.release(value);
    exprs.out.mov(Width.W64, Register.R2, exprs.use(offset, inv));
    exprs.temps.release(offset);
    callLoadOrStore(Helper.SKB_STORE_BYTES, slot, op.size);
    succeeded();
  }

  /** {@code loadBytes}/{@code storeBytes} between the data and a local {@code byte[]}. */
  private void copy(Helper helper, List<? extends ExpressionTree> args, MethodInvocationTree inv) {
    Frame.Local array = exprs.arrays().arrayLocal(args.get(1));
    if (array.type().primitive() != PrimitiveKind.BYTE) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          args.get(1),
          "'" + array.name() + "' is a " + array.type() + "; payload bytes go to a local byte[].");
    }
    int length = array.type().length();
    if (args.size() == 3) {
      length = constantLength(args.get(2), array);
    }
    Temp offset = exprs.evalAs(args.get(0), JType.INT);
    exprs.out.mov(Width.W64, Register.R2, exprs.use(offset, inv));
    exprs.temps.release(offset);
    if (length == 0) {
      // An empty array: nothing to copy, but Java still evaluated the offset. The kernel refuses
      // a zero size, so no call.
      if (helper == Helper.SKB_STORE_BYTES) {
        exprs.out.movConst(Register.R0, 1);
      }
      return;
    }
    callLoadOrStore(helper, array.offset(), length);
    if (helper == Helper.SKB_LOAD_BYTES) {
      exprs.out.jumpIfImm(Width.W64, JumpOp.JNE, Register.R0, 0, exprs.faults.label());
    } else {
      succeeded();
    }
  }

  private int constantLength(ExpressionTree arg, Frame.Local array) {
    Optional<Constant> c = exprs.typer.constant(arg);
    if (c.isEmpty() || !c.get().type().isNumeric() || c.get().type().isLong()) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          arg,
          "the length must be an int compile-time constant: the kernel checks the size of every"
              + " copy between the packet and the stack when it loads the program. Use a"
              + " constant, or an array of the length you need and the two-argument form.");
    }
    long length = c.get().value();
    if (length < 1 || length > array.type().length()) {
      throw new CompileError(
          DiagnosticId.IndexOutOfRange,
          arg,
          "the length "
              + length
              + " does not fit "
              + array.name()
              + " (length "
              + array.type().length()
              + "): use 1 to "
              + array.type().length()
              + ".");
    }
    return (int) length;
  }

  /** r2 holds the offset; sets up the rest and calls load_bytes or store_bytes. */
  private void callLoadOrStore(Helper helper, int stackOffset, int size) {
    exprs.out.mov(Width.W64, Register.R1, Register.R6);
    exprs.out.addressOf(Register.R3, stackOffset, size);
    exprs.out.movConst(Register.R4, size);
    if (helper == Helper.SKB_STORE_BYTES) {
      exprs.out.movConst(Register.R5, 0);
    }
    exprs.out.call(helper);
  }

  /** r0 = (r0 >= 0): the helper's 0 or negative errno as Java's boolean. */
  private void succeeded() {
    exprs.out.aluImm(Width.W64, AluOp.RSH, Register.R0, 63);
    exprs.out.aluImm(Width.W64, AluOp.XOR, Register.R0, 1);
  }

  /**
   * {@code helper(skb, value, 0...)} with {@code zeros} zero arguments after the value (flags,
   * mode); the helper's 0 or negative errno becomes the int result.
   */
  private void resize(Helper helper, ExpressionTree value, int zeros, MethodInvocationTree inv) {
    Temp v = exprs.evalAs(value, JType.INT);
    Register r = exprs.use(v, value);
    exprs.out.mov(Width.W64, Register.R1, Register.R6);
    exprs.out.mov(Width.W32, Register.R2, r);
    exprs.temps.release(v);
    for (int i = 0; i < zeros; i++) {
      exprs.out.movConst(Register.values()[Register.R3.ordinal() + i], 0);
    }
    exprs.out.call(helper);
    exprs.out.mov(Width.W32, Register.R0, Register.R0);
  }

  private static Size sizeOf(int bytes) {
    switch (bytes) {
      case 1:
        return Size.B;
      case 2:
        return Size.H;
      case 4:
        return Size.W;
      default:
        return Size.DW;
    }
  }
}
