package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Helper;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import io.sockmap4j.processor.model.ContextKind;
import io.sockmap4j.processor.model.KeyType;
import io.sockmap4j.processor.model.MapDecl;
import io.sockmap4j.processor.model.MapKind;
import io.sockmap4j.processor.model.PrimitiveKind;
import io.sockmap4j.processor.model.ProgramKind;
import io.sockmap4j.processor.model.RecordLayout;
import java.util.List;
import java.util.Optional;

/**
 * Compiles the calls a program can make ({@link CallResolver} decides which): context getters (a
 * context load or {@code bpf_get_socket_cookie}), {@code map.redirect(...)} (the {@code _map}
 * helpers for SOCKMAP, the {@code _hash} helpers for SOCKHASH with the key built on the stack),
 * record component accessors, {@code ordinal()}, JDK intrinsics ({@link IntrinsicCompiler}) and the
 * class's own static methods ({@link InlineCalls}). Helper arguments go in r1-r5 right before the
 * call; the context stays in r6.
 */
final class CallCompiler {
  /**
   * What the program runs on: selects the helper family. {@code kind} is null only for callers that
   * compile no program kind's restrictions.
   *
   * @param debugPrints whether {@code Debug.print} compiles to {@code bpf_trace_printk}
   */
  record Target(ContextKind context, ProgramKind kind, boolean debugPrints) {
    Target(ContextKind context) {
      this(context, null, false);
    }
  }

  private static final int BPF_F_INGRESS = 1;

  private final ExpressionCompiler exprs;
  private final Target target;
  private final IntrinsicCompiler intrinsics;
  private final SockOpsCalls sockOps;
  private final DebugCalls debug;
  private final StateMapCalls stateMaps;

  CallCompiler(ExpressionCompiler exprs, Target target) {
    this.exprs = exprs;
    this.target = target;
    this.intrinsics = new IntrinsicCompiler(exprs);
    this.sockOps = new SockOpsCalls(exprs, this);
    this.debug = new DebugCalls(exprs, target.debugPrints());
    this.stateMaps = new StateMapCalls(exprs, this);
  }

  /**
   * Compiles a call; its value ends in a new temporary, or stays in r0 (and null is returned) when
   * {@code leaveInR0}, which saves a move for {@code return call(...)}. A {@code void} method can
   * only be called with {@code leaveInR0} (as a statement).
   */
  Temp call(MethodInvocationTree inv, boolean leaveInR0) {
    CallResolver.Callee callee = exprs.typer.callee(inv);
    String method =
        inv.getMethodSelect() instanceof MemberSelectTree ms
            ? ms.getIdentifier().toString()
            : inv.getMethodSelect().toString();
    if (callee instanceof CallResolver.Getter g) {
      return getter(g.getter(), contextOffset(g.getter(), inv), inv, leaveInR0);
    }
    if (callee instanceof CallResolver.Skb skb) {
      new SkbCalls(exprs, target.kind()).compile(skb.op(), inv);
      if (skb.type().kind() == JType.Kind.VOID) {
        if (!leaveInR0) {
          throw CompileError.unsupported(inv, "using the result of the void method " + method, "");
        }
        return null;
      }
      return fromR0(skb.type(), inv, leaveInR0);
    }
    if (callee instanceof CallResolver.Redirect r) {
      return redirect(r.map(), inv, leaveInR0);
    }
    if (callee instanceof CallResolver.MapCall m) {
      return stateMaps.call(m, inv, leaveInR0);
    }
    if (callee instanceof CallResolver.Ordinal o) {
      return result(exprs.temps.retype(exprs.eval(o.receiver()), JType.INT), inv, leaveInR0);
    }
    if (callee instanceof CallResolver.Jdk jdk) {
      return result(intrinsics.compile(jdk, inv), inv, leaveInR0);
    }
    if (callee instanceof CallResolver.Inline in) {
      return inline(in, inv, leaveInR0);
    }
    if (callee instanceof CallResolver.SockOpsSetter s) {
      return sockOps.setter(s, inv, leaveInR0);
    }
    if (callee instanceof CallResolver.SocketUpdate u) {
      return sockOps.update(u, inv, leaveInR0);
    }
    if (callee instanceof CallResolver.DebugCall d) {
      return debug.call(d, inv, leaveInR0);
    }
    if (callee instanceof CallResolver.Msg msg) {
      return new MsgCalls(exprs).compile(msg.op(), inv, leaveInR0);
    }
    CallResolver.Accessor accessor = (CallResolver.Accessor) callee;
    noArguments(inv, method);
    RecordLayout.Field field = accessor.field();
    Temp t = exprs.temps.acquire(JType.primitive(field.kind()), inv);
    Register r = leaveInR0 ? Register.R0 : exprs.use(t, inv);
    exprs.out.load(size(field.kind()), r, Register.R10, accessor.local().offset() + field.offset());
    if (field.kind() == PrimitiveKind.BYTE || field.kind() == PrimitiveKind.SHORT) {
      int shift = field.kind() == PrimitiveKind.BYTE ? 24 : 16;
      exprs.out.aluImm(Width.W32, AluOp.LSH, r, shift);
      exprs.out.aluImm(Width.W32, AluOp.ARSH, r, shift);
    }
    return finish(t, leaveInR0);
  }

  private Temp inline(CallResolver.Inline callee, MethodInvocationTree inv, boolean leaveInR0) {
    JType type = callee.type();
    if (type.kind() == JType.Kind.RECORD) {
      throw CompileError.unsupported(
          inv,
          "a record result here",
          "A method returning a record can initialise or assign a record local, or be a"
              + " SOCKHASH key.");
    }
    if (type.kind() == JType.Kind.VOID && !leaveInR0) {
      throw CompileError.unsupported(
          inv, "using the result of the void method " + callee.method().getName(), "");
    }
    exprs.statements().inlineCalls().inline(inv, callee, 0);
    return type.kind() == JType.Kind.VOID ? null : fromR0(type, inv, leaveInR0);
  }

  /** A computed temporary as the call's value: moved to r0 when {@code leaveInR0}. */
  private Temp result(Temp t, Tree at, boolean leaveInR0) {
    if (leaveInR0) {
      exprs.out.mov(Width.W64, Register.R0, exprs.use(t, at));
      exprs.temps.release(t);
      return null;
    }
    return t;
  }

  private Temp finish(Temp t, boolean leaveInR0) {
    if (leaveInR0) {
      exprs.temps.release(t);
      return null;
    }
    exprs.temps.unpin(t);
    return t;
  }

  private static void noArguments(MethodInvocationTree inv, String method) {
    if (!inv.getArguments().isEmpty()) {
      throw new CompileError(
          DiagnosticId.BadArgument, inv, "'" + method + "()' takes no arguments.");
    }
  }

  /**
   * The context offset a getter call reads: the getter's own, or for an indexed getter ({@code
   * cb(i)}) the offset of element {@code i}, which must be a constant in range because the verifier
   * checks each context access at its fixed offset.
   */
  private int contextOffset(ContextFields.Getter g, MethodInvocationTree inv) {
    if (!g.isIndexed()) {
      noArguments(inv, g.name());
      return g.offset();
    }
    String form =
        exprs.names.contextName()
            + "."
            + g.name()
            + "(0) to "
            + g.name()
            + "("
            + (g.elements() - 1);
    List<? extends ExpressionTree> args = inv.getArguments();
    if (args.size() != 1) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          inv,
          "'" + g.name() + "(index)' takes exactly one argument, the index: write " + form + ").");
    }
    Optional<Constant> index = exprs.typer.constant(args.get(0));
    if (index.isEmpty() || !index.get().type().isNumeric() || index.get().type().isLong()) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          args.get(0),
          "the index of '"
              + g.name()
              + "(index)' must be an int compile-time constant: the verifier checks every context"
              + " read at its fixed offset when it loads the program. Write "
              + form
              + "), or use a static final constant.");
    }
    long i = index.get().value();
    if (i < 0 || i >= g.elements()) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          args.get(0),
          "index "
              + i
              + " is out of range: "
              + g.name()
              + " has "
              + g.elements()
              + " words, "
              + form
              + ").");
    }
    return g.offset() + 4 * (int) i;
  }

  private Temp getter(
      ContextFields.Getter g, int offset, MethodInvocationTree inv, boolean leaveInR0) {
    if (g.isHelper()) {
      exprs.out.mov(Width.W64, Register.R1, Register.R6);
      exprs.out.call(g.helper());
      return fromR0(g.type(), inv, leaveInR0);
    }
    Temp t = exprs.temps.acquire(g.type(), inv);
    Register r = leaveInR0 ? Register.R0 : exprs.use(t, inv);
    exprs.out.load(Size.W, r, Register.R6, offset);
    if (g.swap32()) {
      exprs.out.toBigEndian(r, 32);
    }
    if (g.swap16()) {
      exprs.out.toBigEndian(r, 16);
    }
    return finish(t, leaveInR0);
  }

  Temp fromR0(JType type, Tree at, boolean leaveInR0) {
    if (leaveInR0) {
      return null;
    }
    Temp t = exprs.temps.acquire(type, at);
    exprs.out.mov(Width.W64, exprs.use(t, at), Register.R0);
    exprs.temps.unpin(t);
    return t;
  }

  private Temp redirect(MapDecl map, MethodInvocationTree inv, boolean leaveInR0) {
    List<? extends ExpressionTree> args = inv.getArguments();
    if (target.kind() == ProgramKind.SKB_PARSER) {
      throw new CompileError(
          DiagnosticId.NotAllowedInProgram,
          inv,
          "a stream parser cannot redirect: it only returns the length of the next message. Call "
              + map.name()
              + ".redirect(...) in the map's @SkSkbVerdict program.");
    }
    if (args.size() < 2 || args.size() > 3 || !exprs.names.isContext(args.get(0))) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          args.size() < 2 || args.size() > 3 ? inv : args.get(0),
          "call redirect as "
              + map.name()
              + ".redirect("
              + exprs.names.contextName()
              + ", key) or "
              + map.name()
              + ".redirect("
              + exprs.names.contextName()
              + ", key, Direction.INGRESS): the first argument is this program's context"
              + " parameter.");
    }
    int flags = 0;
    if (args.size() == 3) {
      Optional<Constant> direction = exprs.typer.constant(args.get(2));
      if (direction.isEmpty() || direction.get().type().kind() != JType.Kind.DIRECTION) {
        throw new CompileError(
            DiagnosticId.BadArgument,
            args.get(2),
            "the direction must be the constant Direction.EGRESS or Direction.INGRESS: the kernel"
                + " takes it as a flag fixed in the instruction stream.");
      }
      flags = direction.get().value() == 1 ? BPF_F_INGRESS : 0;
    }
    boolean skb = target.context() == ContextKind.SK_BUFF;
    if (map.kind() == MapKind.SOCKMAP) {
      Temp key = exprs.evalAs(args.get(1), JType.INT);
      exprs.out.mov(Width.W64, Register.R3, exprs.use(key, inv));
      exprs.temps.release(key);
    } else {
      int offset = keyOnStack(args.get(1), map);
      exprs.out.addressOf(Register.R3, offset, map.key().size());
    }
    exprs.out.mov(Width.W64, Register.R1, Register.R6);
    exprs.out.loadMap(Register.R2, map.name());
    exprs.out.movConst(Register.R4, flags);
    Helper helper =
        map.kind() == MapKind.SOCKMAP
            ? (skb ? Helper.SK_REDIRECT_MAP : Helper.MSG_REDIRECT_MAP)
            : (skb ? Helper.SK_REDIRECT_HASH : Helper.MSG_REDIRECT_HASH);
    exprs.out.call(helper);
    return fromR0(JType.VERDICT, inv, leaveInR0);
  }

  /** Writes a SOCKHASH key to the stack; returns its offset from r10. */
  int keyOnStack(ExpressionTree key, MapDecl map) {
    if (map.key() instanceof KeyType.Record rk) {
      Optional<Frame.Local> local = recordLocal(key);
      if (local.isPresent() && local.get().type().record().equals(rk.layout())) {
        return local.get().offset();
      }
      int offset = exprs.frame.allocate(rk.layout().size(), key);
      buildRecordInto(key, rk.layout(), offset);
      return offset;
    }
    PrimitiveKind kind = ((KeyType.Primitive) map.key()).kind();
    Temp v = exprs.evalAs(key, JType.primitive(kind));
    int offset = exprs.frame.allocate(8, key);
    exprs.out.store(size(kind), Register.R10, offset, exprs.use(v, key));
    exprs.temps.release(v);
    return offset;
  }

  private Optional<Frame.Local> recordLocal(ExpressionTree e) {
    if (e instanceof IdentifierTree id) {
      return exprs
          .frame
          .lookup(id.getName().toString())
          .filter(l -> l.type().kind() == JType.Kind.RECORD);
    }
    return Optional.empty();
  }

  /**
   * Builds a record on the stack at {@code offset}: padding zeroed first (the kernel hashes every
   * key byte, and the verifier refuses uninitialised stack), then each component at its C offset.
   */
  void buildRecordInto(ExpressionTree e, RecordLayout layout, int offset) {
    Optional<Frame.Local> source = recordLocal(e);
    if (source.isPresent() && source.get().type().record().equals(layout)) {
      copy(source.get().offset(), offset, layout.size(), e);
      return;
    }
    if (e instanceof MethodInvocationTree inv
        && exprs.typer.callee(inv) instanceof CallResolver.MapCall call) {
      stateMaps.getInto(call, inv, layout, offset);
      return;
    }
    if (e instanceof MethodInvocationTree inv
        && exprs.typer.callee(inv) instanceof CallResolver.Inline callee
        && callee.type().kind() == JType.Kind.RECORD
        && callee.type().record().equals(layout)) {
      exprs.statements().inlineCalls().inline(inv, callee, offset);
      return;
    }
    if (!(e instanceof NewClassTree nc)) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          e,
          "expected a "
              + layout.simpleName()
              + " here: write 'new "
              + layout.simpleName()
              + "(...)'"
              + " or use a local variable of that record type.");
    }
    RecordLayout actual = exprs.typer.recordOf(nc);
    if (!actual.qualifiedName().equals(layout.qualifiedName())) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          e,
          "expected a " + layout.simpleName() + " here, not a " + actual.simpleName() + ".");
    }
    List<? extends ExpressionTree> args = nc.getArguments();
    if (args.size() != layout.fields().size()) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          nc,
          layout.simpleName()
              + " has "
              + layout.fields().size()
              + " components, not "
              + args.size()
              + ".");
    }
    if (readsRecordAt(args, offset)) {
      // r = new R(..., r.x(), ...): Java evaluates every argument before r changes, so build the
      // new value aside and copy it over (found by the differential test).
      int scratch = exprs.frame.allocate(layout.size(), nc);
      storeComponents(args, layout, scratch);
      copy(scratch, offset, layout.size(), nc);
      return;
    }
    storeComponents(args, layout, offset);
  }

  /** Zeroes the padding of a record at {@code offset}, then stores each component. */
  private void storeComponents(
      List<? extends ExpressionTree> args, RecordLayout layout, int offset) {
    if (layout.hasPadding()) {
      for (int i = 0; i < layout.size(); i += 8) {
        exprs.out.storeImm(Size.DW, Register.R10, offset + i, 0);
      }
    }
    for (int i = 0; i < args.size(); i++) {
      RecordLayout.Field field = layout.fields().get(i);
      JType type = JType.primitive(field.kind());
      Optional<Constant> c = exprs.typer.constant(args.get(i));
      int at = offset + field.offset();
      if (c.isPresent()
          && (field.kind() != PrimitiveKind.LONG || c.get().value() == (int) c.get().value())) {
        exprs.out.storeImm(
            size(field.kind()),
            Register.R10,
            at,
            (int) ConstantFolder.narrow(type, c.get().value()));
      } else {
        Temp v = exprs.evalAs(args.get(i), type);
        exprs.out.store(size(field.kind()), Register.R10, at, exprs.use(v, args.get(i)));
        exprs.temps.release(v);
      }
    }
  }

  /** Whether an argument reads the record local stored at {@code offset}. */
  private boolean readsRecordAt(List<? extends ExpressionTree> args, int offset) {
    TreeScanner<Boolean, Void> reads =
        new TreeScanner<>() {
          @Override
          public Boolean visitIdentifier(IdentifierTree id, Void unused) {
            return exprs
                .frame
                .lookup(id.getName().toString())
                .filter(l -> l.type().kind() == JType.Kind.RECORD && l.offset() == offset)
                .isPresent();
          }

          @Override
          public Boolean reduce(Boolean a, Boolean b) {
            return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
          }
        };
    for (ExpressionTree arg : args) {
      if (Boolean.TRUE.equals(reads.scan(arg, null))) {
        return true;
      }
    }
    return false;
  }

  /** Copies exactly {@code bytes} (never reading past them: the verifier checks every byte). */
  void copy(int from, int to, int bytes, Tree at) {
    Temp t = exprs.temps.acquire(JType.LONG, at);
    Register r = exprs.use(t, at);
    int done = 0;
    for (Size size : new Size[] {Size.DW, Size.W, Size.H, Size.B}) {
      while (bytes - done >= size.bytes()) {
        exprs.out.load(size, r, Register.R10, from + done);
        exprs.out.store(size, Register.R10, to + done, r);
        done += size.bytes();
      }
    }
    exprs.temps.release(t);
  }

  static Size size(PrimitiveKind kind) {
    switch (kind.size()) {
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
