package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Helper;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import io.sockmap4j.processor.model.ContextKind;
import io.sockmap4j.processor.model.MapDecl;
import io.sockmap4j.processor.model.MapKind;
import java.util.List;

/**
 * The calls only a sock_ops program makes: inserting its socket into a socket map ({@code
 * map.update(ops, key)}), and the setters of {@code SockOpsContext}.
 *
 * <pre>
 *   map.update(ops, key)          key on the stack (a SOCKMAP's int too: the helper takes a pointer)
 *                                 r1 = ctx  r2 = map  r3 = &amp;key  r4 = BPF_ANY (0) | BPF_NOEXIST (1)
 *                                 call bpf_sock_map_update (53) | bpf_sock_hash_update (70)
 *                                 result = (r0 &gt;&gt;&gt; 63) ^ 1     0 means inserted, -errno not
 *   ops.setReply(v)               *(u32 *)(ctx + 4) = v      the only writable field besides sk_txhash
 *   ops.setCallbackFlags(f)       r1 = ctx  r2 = f  call bpf_sock_ops_cb_flags_set (59)
 * </pre>
 */
final class SockOpsCalls {
  /** {@code offsetof(struct bpf_sock_ops, reply)}. */
  private static final int REPLY_OFFSET = 4;

  private static final int BPF_ANY = 0;
  private static final int BPF_NOEXIST = 1;

  private final ExpressionCompiler exprs;
  private final CallCompiler calls;

  SockOpsCalls(ExpressionCompiler exprs, CallCompiler calls) {
    this.exprs = exprs;
    this.calls = calls;
  }

  static boolean isSetter(ContextKind context, String method) {
    return context == ContextKind.SOCK_OPS
        && (method.equals("setReply") || method.equals("setCallbackFlags"));
  }

  static JType setterType(String method) {
    return method.equals("setReply") ? JType.VOID : JType.INT;
  }

  static boolean isUpdate(String method) {
    return method.equals("update") || method.equals("updateIfAbsent");
  }

  /** Resolves {@code map.update(...)}: only sock_ops programs have the update helpers. */
  static CallResolver.Callee update(
      ContextKind context, MapDecl map, String method, MethodInvocationTree inv) {
    if (context != ContextKind.SOCK_OPS) {
      throw new CompileError(
          DiagnosticId.UnavailableHelper,
          inv,
          "'"
              + map.name()
              + "."
              + method
              + "(...)' inserts the socket of a @SockOps event; the kernel has no helper that"
              + " adds sockets to a socket map from an "
              + (context == ContextKind.SK_BUFF ? "SK_SKB" : "SK_MSG")
              + " program. Insert sockets from a @SockOps program on the connections' cgroup,"
              + " or from Java with the Loader's map handle.");
    }
    return new CallResolver.SocketUpdate(map, method.equals("updateIfAbsent"));
  }

  static CompileError redirectRefused(MethodInvocationTree inv) {
    return new CompileError(
        DiagnosticId.UnavailableHelper,
        inv,
        "a @SockOps program cannot redirect: it runs on connection events, not on data, and the"
            + " kernel gives sock_ops no redirect helper. Insert the socket with map.update(ops,"
            + " key) here, and redirect from an @SkMsgVerdict or @SkSkbVerdict program on that"
            + " map.");
  }

  Temp update(CallResolver.SocketUpdate callee, MethodInvocationTree inv, boolean leaveInR0) {
    MapDecl map = callee.map();
    String method = callee.ifAbsent() ? "updateIfAbsent" : "update";
    List<? extends ExpressionTree> args = inv.getArguments();
    if (args.size() != 2 || !exprs.names.isContext(args.get(0))) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          args.size() != 2 ? inv : args.get(0),
          "call it as "
              + map.name()
              + "."
              + method
              + "("
              + exprs.names.contextName()
              + ", key): the first argument is this program's context parameter.");
    }
    int offset = calls.keyOnStack(args.get(1), map);
    exprs.out.mov(Width.W64, Register.R1, Register.R6);
    exprs.out.loadMap(Register.R2, map.name());
    exprs.out.addressOf(Register.R3, offset, map.key().size());
    exprs.out.movConst(Register.R4, callee.ifAbsent() ? BPF_NOEXIST : BPF_ANY);
    exprs.out.call(
        map.kind() == MapKind.SOCKMAP ? Helper.SOCK_MAP_UPDATE : Helper.SOCK_HASH_UPDATE);
    // 0 = inserted, a negative errno otherwise: the sign bit, flipped, is the boolean.
    Temp t = leaveInR0 ? null : exprs.temps.acquire(JType.BOOLEAN, inv);
    Register r = leaveInR0 ? Register.R0 : exprs.use(t, inv);
    if (r != Register.R0) {
      exprs.out.mov(Width.W64, r, Register.R0);
    }
    exprs.out.aluImm(Width.W64, AluOp.RSH, r, 63);
    exprs.out.aluImm(Width.W64, AluOp.XOR, r, 1);
    if (t != null) {
      exprs.temps.unpin(t);
    }
    return t;
  }

  Temp setter(CallResolver.SockOpsSetter callee, MethodInvocationTree inv, boolean leaveInR0) {
    List<? extends ExpressionTree> args = inv.getArguments();
    if (args.size() != 1) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          inv,
          "'" + callee.method() + "' takes one int argument: " + callee.method() + "(value).");
    }
    if (callee.type().kind() == JType.Kind.VOID && !leaveInR0) {
      throw CompileError.unsupported(
          inv, "using the result of " + callee.method() + ", which returns nothing", "");
    }
    Temp value = exprs.evalAs(args.get(0), JType.INT);
    if (callee.method().equals("setReply")) {
      exprs.out.store(Size.W, Register.R6, REPLY_OFFSET, exprs.use(value, inv));
      exprs.temps.release(value);
      return null;
    }
    exprs.out.mov(Width.W64, Register.R2, exprs.use(value, inv));
    exprs.temps.release(value);
    exprs.out.mov(Width.W64, Register.R1, Register.R6);
    exprs.out.call(Helper.SOCK_OPS_CB_FLAGS_SET);
    return fromR0(JType.INT, inv, leaveInR0);
  }

  private Temp fromR0(JType type, Tree at, boolean leaveInR0) {
    if (leaveInR0) {
      return null;
    }
    Temp t = exprs.temps.acquire(type, at);
    exprs.out.mov(Width.W64, exprs.use(t, at), Register.R0);
    exprs.temps.unpin(t);
    return t;
  }
}
