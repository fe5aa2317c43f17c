package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Helper;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import io.sockmap4j.processor.model.KeyType;
import io.sockmap4j.processor.model.MapDecl;
import io.sockmap4j.processor.model.MapKind;
import io.sockmap4j.processor.model.PrimitiveKind;
import io.sockmap4j.processor.model.RecordLayout;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compiles the methods of the state maps ({@code StateMap}, {@code ArrayMap}, {@code PerCpuArray})
 * to the map helpers. Keys and values are laid out on the stack exactly as the map stores them (as
 * for SOCKHASH keys), and a looked-up value is copied out of the map right after the null check, so
 * no map pointer ever reaches Java code:
 *
 * <pre>
 *   long n = counts.getOrDefault(port, 0L);      r7 = 0                   ; the fallback
 *                                                 *(u32 *)(r10 -8) = port  ; the key
 *                                                 r1 = map counts ll; r2 = r10 - 8
 *                                                 call bpf_map_lookup_elem
 *                                                 if r0 == 0 goto absent
 *                                                 r7 = *(u64 *)(r0 +0)
 *                                               absent:
 * </pre>
 *
 * <p>{@code add} is {@code lock *(u64 *)(value) += delta} ({@code BPF_ATOMIC | BPF_ADD}, JIT
 * support on every architecture since the first eBPF kernels). On a HASH a missing key is inserted
 * with {@code BPF_NOEXIST}; if another CPU inserted it in between, the delta is added to that
 * value, so concurrent first additions are all counted.
 */
final class StateMapCalls {
  private static final long BPF_ANY = 0;
  private static final long BPF_NOEXIST = 1;

  /** The operations, with the method name and arity programs use. */
  enum Op {
    GET_OR_DEFAULT("getOrDefault", 2, true),
    CONTAINS_KEY("containsKey", 1, false),
    PUT("put", 2, true),
    PUT_IF_ABSENT("putIfAbsent", 2, false),
    REMOVE("remove", 1, false),
    ADD("add", 2, true);

    private final String javaName;
    private final int arity;
    private final boolean onArrays;

    Op(String javaName, int arity, boolean onArrays) {
      this.javaName = javaName;
      this.arity = arity;
      this.onArrays = onArrays;
    }

    /** Whether arrays have it: their elements always exist and cannot be removed. */
    boolean onArrays() {
      return onArrays;
    }
  }

  private final ExpressionCompiler exprs;
  private final CallCompiler calls;

  StateMapCalls(ExpressionCompiler exprs, CallCompiler calls) {
    this.exprs = exprs;
    this.calls = calls;
  }

  // ------------------------------------------------------------------------------ resolution

  /**
   * The callee for {@code map.method(...)}; a {@link CompileError} if the map has no such method.
   */
  static CallResolver.MapCall resolve(MapDecl map, String method, MethodInvocationTree inv) {
    boolean array = map.kind().isArray();
    Op op =
        Arrays.stream(Op.values())
            .filter(o -> o.javaName.equals(method) && (o.onArrays || !array))
            .findFirst()
            .orElseThrow(() -> unknown(map, method, inv));
    if (inv.getArguments().size() != op.arity) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          inv,
          "'" + method + "' takes " + op.arity + " argument" + (op.arity == 1 ? "" : "s") + ".");
    }
    if (op == Op.ADD && !isCounter(map.value())) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          inv,
          "'"
              + map.name()
              + ".add(...)' needs Integer or Long values, and "
              + map.name()
              + " holds "
              + typeName(map.value())
              + ": the kernel adds atomically to 32- and 64-bit words only. Use getOrDefault and"
              + " put, or declare the values Integer or Long.");
    }
    JType type = op == Op.GET_OR_DEFAULT ? valueType(map.value()) : JType.BOOLEAN;
    return new CallResolver.MapCall(op, map, type);
  }

  private static CompileError unknown(MapDecl map, String method, MethodInvocationTree inv) {
    boolean array = map.kind().isArray();
    String available =
        Arrays.stream(Op.values())
            .filter(o -> o.onArrays || !array)
            .map(o -> o.javaName)
            .collect(Collectors.joining(", "));
    String why =
        array && Arrays.stream(Op.values()).anyMatch(o -> o.javaName.equals(method))
            ? " Every index of an array map holds a value from the start and none can be removed;"
                + " store a value that means 'empty' instead."
            : method.equals("get")
                ? " There is no get that could return null: write getOrDefault(key, fallback) so"
                    + " the missing case is handled."
                : "";
    return new CompileError(
        DiagnosticId.UnknownMethod,
        inv.getMethodSelect() instanceof MemberSelectTree ms ? ms : inv,
        "the "
            + map.kind().fieldSimpleName()
            + " '"
            + map.name()
            + "' has no method '"
            + method
            + "' that programs can call; available: "
            + available
            + "."
            + why);
  }

  /** The error for {@code map.getOrDefault(...).x()}: the value must land in a local first. */
  static CompileError componentOfLookup(
      CallResolver.MapCall lookup, MethodInvocationTree call, String method) {
    String type = lookup.type().toString();
    return CompileError.unsupported(
        call,
        "calling '"
            + method
            + "()' on the result of "
            + lookup.map().name()
            + "."
            + lookup.op().javaName,
        "Copy the value into a local first: '"
            + type
            + " v = "
            + call
            + ";', then use v."
            + method
            + "().");
  }

  private static boolean isCounter(KeyType value) {
    return value instanceof KeyType.Primitive p
        && (p.kind() == PrimitiveKind.INT || p.kind() == PrimitiveKind.LONG);
  }

  private static JType valueType(KeyType value) {
    return value instanceof KeyType.Record r
        ? JType.record(r.layout())
        : JType.primitive(((KeyType.Primitive) value).kind());
  }

  private static String typeName(KeyType type) {
    if (type instanceof KeyType.Record r) {
      return r.layout().simpleName();
    }
    PrimitiveKind kind = ((KeyType.Primitive) type).kind();
    return kind == PrimitiveKind.INT
        ? "Integer"
        : kind.javaName().substring(0, 1).toUpperCase(java.util.Locale.ROOT)
            + kind.javaName().substring(1);
  }

  // ----------------------------------------------------------------------------- compilation

  /** Compiles a call whose value is a scalar (or discarded); see {@link CallCompiler#call}. */
  Temp call(CallResolver.MapCall call, MethodInvocationTree inv, boolean leaveInR0) {
    MapDecl map = call.map();
    List<? extends ExpressionTree> args = inv.getArguments();
    switch (call.op()) {
      case GET_OR_DEFAULT:
        if (map.value() instanceof KeyType.Record r) {
          throw CompileError.unsupported(
              inv,
              "a record value here",
              "A map lookup of a record value can initialise or assign a record local: '"
                  + r.layout().simpleName()
                  + " v = "
                  + map.name()
                  + ".getOrDefault(key, new "
                  + r.layout().simpleName()
                  + "(...));'.");
        }
        return getScalar(map, args, inv, leaveInR0);
      case CONTAINS_KEY:
        {
          int key = key(args.get(0), map);
          lookup(map, key);
          Label absent = exprs.out.newLabel("absent");
          exprs.out.jumpIfImm(Width.W64, JumpOp.JEQ, Register.R0, 0, absent);
          exprs.out.movConst(Register.R0, 1);
          exprs.out.bind(absent);
          return calls.fromR0(JType.BOOLEAN, inv, leaveInR0);
        }
      case PUT:
      case PUT_IF_ABSENT:
        {
          int key = key(args.get(0), map);
          int value = value(args.get(1), map);
          update(map, key, value, call.op() == Op.PUT ? BPF_ANY : BPF_NOEXIST);
          return succeeded(inv, leaveInR0);
        }
      case REMOVE:
        {
          int key = key(args.get(0), map);
          exprs.out.loadMap(Register.R1, map.name());
          exprs.out.addressOf(Register.R2, key, map.key().size());
          exprs.out.call(Helper.MAP_DELETE_ELEM);
          return succeeded(inv, leaveInR0);
        }
      default:
        return add(map, args, inv, leaveInR0);
    }
  }

  /**
   * Compiles {@code v = map.getOrDefault(key, fallback)} for a record value: the fallback is built
   * at {@code offset}, then overwritten with the map's value when the key is present.
   */
  void getInto(
      CallResolver.MapCall call, MethodInvocationTree inv, RecordLayout layout, int offset) {
    MapDecl map = call.map();
    if (call.op() != Op.GET_OR_DEFAULT
        || !(map.value() instanceof KeyType.Record r)
        || !r.layout().equals(layout)) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          inv,
          "expected a "
              + layout.simpleName()
              + " here, not the "
              + call.type()
              + " result of "
              + map.name()
              + "."
              + call.op().javaName
              + ".");
    }
    List<? extends ExpressionTree> args = inv.getArguments();
    int key = key(args.get(0), map);
    if (key == offset) {
      // v = map.getOrDefault(v, ...): the key is read after the fallback replaced v
      int copy = exprs.frame.allocate(map.key().size(), inv);
      calls.copy(key, copy, map.key().size(), inv);
      key = copy;
    }
    checkType(args.get(1), map.value(), "value", map);
    calls.buildRecordInto(args.get(1), layout, offset);
    lookup(map, key);
    Label absent = exprs.out.newLabel("absent");
    exprs.out.jumpIfImm(Width.W64, JumpOp.JEQ, Register.R0, 0, absent);
    int done = 0;
    for (Size size : new Size[] {Size.DW, Size.W, Size.H, Size.B}) {
      while (layout.size() - done >= size.bytes()) {
        exprs.out.load(size, Register.R1, Register.R0, done);
        exprs.out.store(size, Register.R10, offset + done, Register.R1);
        done += size.bytes();
      }
    }
    exprs.out.bind(absent);
  }

  private Temp getScalar(
      MapDecl map, List<? extends ExpressionTree> args, Tree at, boolean leaveInR0) {
    PrimitiveKind kind = ((KeyType.Primitive) map.value()).kind();
    JType type = JType.primitive(kind);
    int key = key(args.get(0), map);
    checkType(args.get(1), map.value(), "value", map);
    Temp result = exprs.evalAs(args.get(1), type);
    Register r = exprs.use(result, at);
    lookup(map, key);
    Label absent = exprs.out.newLabel("absent");
    exprs.out.jumpIfImm(Width.W64, JumpOp.JEQ, Register.R0, 0, absent);
    exprs.out.load(CallCompiler.size(kind), r, Register.R0, 0);
    if (kind == PrimitiveKind.BYTE || kind == PrimitiveKind.SHORT) {
      int shift = kind == PrimitiveKind.BYTE ? 24 : 16;
      exprs.out.aluImm(Width.W32, AluOp.LSH, r, shift);
      exprs.out.aluImm(Width.W32, AluOp.ARSH, r, shift);
    }
    exprs.out.bind(absent);
    if (leaveInR0) {
      exprs.out.mov(Width.W64, Register.R0, r);
      exprs.temps.release(result);
      return null;
    }
    exprs.temps.unpin(result);
    return result;
  }

  /**
   * {@code add}: an atomic add to the value found; on a HASH a missing key is inserted with the
   * delta ({@code BPF_NOEXIST}), and when that loses a race with another CPU's insert, the delta is
   * added to the winner's value. The delta stays in a callee-saved register across the calls.
   */
  private Temp add(MapDecl map, List<? extends ExpressionTree> args, Tree at, boolean leaveInR0) {
    PrimitiveKind kind = ((KeyType.Primitive) map.value()).kind();
    Size size = CallCompiler.size(kind);
    int key = key(args.get(0), map);
    JType deltaType = exprs.typer.typeOf(args.get(1));
    if (!CallResolver.assignable(deltaType, JType.LONG)) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          args.get(1),
          "the delta of '"
              + map.name()
              + ".add' is a number (int or long), not "
              + deltaType
              + ".");
    }
    Temp delta = exprs.evalAs(args.get(1), JType.LONG);
    Register d = exprs.use(delta, at);
    int value = exprs.frame.allocate(8, at);
    Label done = exprs.out.newLabel("added");
    Label counted = exprs.out.newLabel("counted");
    Label insert = exprs.out.newLabel("insert");
    boolean hash = !map.kind().isArray();
    lookup(map, key);
    exprs.out.jumpIfImm(Width.W64, JumpOp.JEQ, Register.R0, 0, hash ? insert : done);
    exprs.out.atomicAdd(size, Register.R0, 0, d);
    exprs.out.jump(counted);
    if (hash) {
      exprs.out.bind(insert);
      exprs.out.store(size, Register.R10, value, d);
      update(map, key, value, BPF_NOEXIST);
      exprs.out.jumpIfImm(Width.W64, JumpOp.JEQ, Register.R0, 0, counted);
      lookup(map, key); // another CPU inserted the key first, or the map is full
      exprs.out.jumpIfImm(Width.W64, JumpOp.JEQ, Register.R0, 0, done);
      exprs.out.atomicAdd(size, Register.R0, 0, d);
    }
    exprs.out.bind(counted);
    exprs.out.movConst(Register.R0, 1);
    exprs.out.bind(done);
    exprs.temps.release(delta);
    return calls.fromR0(JType.BOOLEAN, at, leaveInR0);
  }

  /** {@code r0 = r0 == 0}, for helpers that return 0 or a negative errno: (r0 >> 63) + 1. */
  private Temp succeeded(Tree at, boolean leaveInR0) {
    exprs.out.aluImm(Width.W64, AluOp.ARSH, Register.R0, 63);
    exprs.out.aluImm(Width.W64, AluOp.ADD, Register.R0, 1);
    return calls.fromR0(JType.BOOLEAN, at, leaveInR0);
  }

  private void lookup(MapDecl map, int key) {
    exprs.out.loadMap(Register.R1, map.name());
    exprs.out.addressOf(Register.R2, key, map.key().size());
    exprs.out.call(Helper.MAP_LOOKUP_ELEM);
  }

  private void update(MapDecl map, int key, int value, long flags) {
    exprs.out.loadMap(Register.R1, map.name());
    exprs.out.addressOf(Register.R2, key, map.key().size());
    exprs.out.addressOf(Register.R3, value, map.valueSize());
    exprs.out.movConst(Register.R4, flags);
    exprs.out.call(Helper.MAP_UPDATE_ELEM);
  }

  /** Checks and lays out the key (an int index for arrays); returns its stack offset. */
  private int key(ExpressionTree arg, MapDecl map) {
    if (map.kind().isArray()) {
      JType type = exprs.typer.typeOf(arg);
      if (!CallResolver.assignable(type, JType.INT)) {
        throw new CompileError(
            DiagnosticId.BadArgument,
            arg,
            "the index of the "
                + map.kind().fieldSimpleName()
                + " '"
                + map.name()
                + "' is an int, not "
                + type
                + ".");
      }
    } else {
      checkType(arg, map.key(), "key", map);
    }
    return calls.keyOnStack(arg, map);
  }

  /** Checks and lays out a value as the map stores it; returns its stack offset. */
  private int value(ExpressionTree arg, MapDecl map) {
    checkType(arg, map.value(), "value", map);
    MapDecl asKey =
        new MapDecl(map.name(), MapKind.HASH, map.value(), map.maxEntries(), map.field());
    return calls.keyOnStack(arg, asKey); // the same stack layout as a key of the value's type
  }

  /**
   * Java's rule for an argument of a boxed type parameter: a primitive of exactly that type (an
   * {@code int} does not box to {@code Long}), or a record of exactly that record type.
   */
  private void checkType(ExpressionTree arg, KeyType expected, String role, MapDecl map) {
    JType actual = exprs.typer.typeOf(arg);
    JType want = valueType(expected);
    if (actual.equals(want)) {
      return;
    }
    String hint =
        expected instanceof KeyType.Primitive p && actual.isNumeric()
            ? " (write a "
                + p.kind().javaName()
                + ", e.g. ("
                + p.kind().javaName()
                + ") x"
                + (p.kind() == PrimitiveKind.LONG ? " or 1L" : "")
                + ")"
            : expected instanceof KeyType.Record r
                ? " (write 'new " + r.layout().simpleName() + "(...)' or a local of that type)"
                : "";
    throw new CompileError(
        DiagnosticId.BadArgument,
        arg,
        "the "
            + role
            + " type of map '"
            + map.name()
            + "' is "
            + typeName(expected)
            + ", so this argument must be a "
            + want
            + ", not a "
            + actual
            + hint
            + ".");
  }
}
