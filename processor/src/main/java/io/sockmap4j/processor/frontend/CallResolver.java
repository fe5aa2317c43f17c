package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.model.ContextKind;
import io.sockmap4j.processor.model.MapDecl;
import io.sockmap4j.processor.model.PrimitiveKind;
import io.sockmap4j.processor.model.RecordLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;

/**
 * Decides what a method call in a program is: a context getter, a redirect, a record accessor, an
 * enum's {@code ordinal()}, a JDK {@link Intrinsic}, or a static method of the program's own class
 * (inlined). Everything else is {@link DiagnosticId#UnknownMethod}. The typer asks for the result
 * type, the call compiler for the code.
 */
final class CallResolver {

  /** What a call resolves to. */
  sealed interface Callee {
    JType type();
  }

  record Getter(ContextFields.Getter getter) implements Callee {
    @Override
    public JType type() {
      return getter.type();
    }
  }

  record Redirect(MapDecl map) implements Callee {
    @Override
    public JType type() {
      return JType.VERDICT;
    }
  }

  record Accessor(Frame.Local local, RecordLayout.Field field) implements Callee {
    @Override
    public JType type() {
      return JType.primitive(field.kind());
    }
  }

  record Ordinal(ExpressionTree receiver) implements Callee {
    @Override
    public JType type() {
      return JType.INT;
    }
  }

  record Jdk(Intrinsic op, JType type, List<JType> operandTypes) implements Callee {}

  /** A payload, resize or context-store method of {@code SkBuff} ({@link SkbCalls}). */
  record Skb(SkbCalls.Op op) implements Callee {
    @Override
    public JType type() {
      return op.type();
    }
  }

  record Inline(MethodTree method, JType type, List<JType> parameterTypes) implements Callee {}

  /** {@code ops.setReply(v)} or {@code ops.setCallbackFlags(f)} of a sock_ops program. */
  record SockOpsSetter(String method, JType type) implements Callee {}

  /** {@code map.update(ops, key)} or {@code map.updateIfAbsent(ops, key)} in a sock_ops program. */
  record SocketUpdate(MapDecl map, boolean ifAbsent) implements Callee {
    @Override
    public JType type() {
      return JType.BOOLEAN;
    }
  }

  /** {@code Debug.ktimeNanos()}, {@code Debug.random()} or {@code Debug.print(...)}. */
  record DebugCall(String method, JType type) implements Callee {}

  /** A method of a state map ({@link StateMapCalls}). */
  record MapCall(StateMapCalls.Op op, MapDecl map, JType type) implements Callee {}

  /** A payload access or {@code bpf_msg_*} helper of {@code SkMsg} ({@link MsgCalls}). */
  record Msg(MsgCalls.Op op) implements Callee {
    @Override
    public JType type() {
      return op.type();
    }
  }

  private final Names names;
  private final Frame frame;
  private final ContextKind context;
  private final Typer typer;

  CallResolver(Names names, Frame frame, ContextKind context, Typer typer) {
    this.names = names;
    this.frame = frame;
    this.context = context;
    this.typer = typer;
  }

  Callee resolve(MethodInvocationTree inv) {
    if (inv.getMethodSelect() instanceof IdentifierTree id) {
      return ownMethod(inv, id.getName().toString());
    }
    MemberSelectTree ms = (MemberSelectTree) inv.getMethodSelect();
    String method = ms.getIdentifier().toString();
    ExpressionTree receiver = ms.getExpression();
    if (names.isContext(receiver) && SockOpsCalls.isSetter(context, method)) {
      return new SockOpsSetter(method, SockOpsCalls.setterType(method));
    }
    if (names.isContext(receiver) && MsgCalls.lookup(context, method).isPresent()) {
      return new Msg(MsgCalls.lookup(context, method).get());
    }
    if (names.isContext(receiver) && context == ContextKind.SK_BUFF) {
      Optional<SkbCalls.Op> op = SkbCalls.lookup(method, inv.getArguments().size());
      if (op.isPresent()) {
        return new Skb(op.get());
      }
      boolean getter =
          ContextFields.lookup(context, method).filter(g -> !g.isIndexed()).isPresent()
              && inv.getArguments().isEmpty();
      if (SkbCalls.has(method) && !getter) {
        throw new CompileError(
            DiagnosticId.BadArgument,
            inv,
            "'"
                + method
                + "' does not take "
                + inv.getArguments().size()
                + " argument(s); its forms: "
                + (ContextFields.lookup(context, method).isPresent() ? method + "(), " : "")
                + SkbCalls.forms(method)
                + ".");
      }
    }
    if (names.isContext(receiver)) {
      return new Getter(
          ContextFields.lookup(context, method).orElseThrow(() -> unknownGetter(ms, method)));
    }
    Optional<MapDecl> stateMap = names.map(receiver, frame).filter(m -> !m.kind().holdsSockets());
    if (stateMap.isPresent()) {
      return StateMapCalls.resolve(stateMap.get(), method, inv);
    }
    if (receiver instanceof MethodInvocationTree call
        && typer.callee(call) instanceof MapCall lookup) {
      throw StateMapCalls.componentOfLookup(lookup, call, method);
    }
    if (names.map(receiver, frame).isPresent() && SockOpsCalls.isUpdate(method)) {
      return SockOpsCalls.update(context, names.map(receiver, frame).get(), method, inv);
    }
    if (names.map(receiver, frame).isPresent()
        && method.equals("redirect")
        && context == ContextKind.SOCK_OPS) {
      throw SockOpsCalls.redirectRefused(inv);
    }
    if (names.map(receiver, frame).isPresent() && method.equals("redirect")) {
      return new Redirect(names.map(receiver, frame).get());
    }
    Optional<Frame.Local> local =
        receiver instanceof IdentifierTree id
            ? frame.lookup(id.getName().toString())
            : Optional.empty();
    if (local.isPresent() && local.get().type().kind() == JType.Kind.RECORD) {
      RecordLayout.Field field =
          local
              .get()
              .type()
              .record()
              .field(method)
              .orElseThrow(
                  () ->
                      new CompileError(
                          DiagnosticId.UnknownMethod,
                          ms,
                          "record " + local.get().type() + " has no component '" + method + "'."));
      return new Accessor(local.get(), field);
    }
    if (method.equals("ordinal") && inv.getArguments().isEmpty() && isEnumValue(receiver)) {
      return new Ordinal(receiver);
    }
    Optional<TypeElement> owner = local.isPresent() ? Optional.empty() : names.type(receiver);
    if (owner.isPresent() && owner.get().equals(names.programClass())) {
      return ownMethod(inv, method);
    }
    if (owner.isPresent() && owner.get().getQualifiedName().contentEquals(DebugCalls.OWNER)) {
      return DebugCalls.resolve(method, inv);
    }
    if (owner.isPresent()) {
      String qualified = owner.get().getQualifiedName().toString();
      Optional<Intrinsic> op = Intrinsic.lookup(qualified, method);
      if (op.isPresent()) {
        return intrinsic(op.get(), inv);
      }
      if (Intrinsic.isIntrinsicOwner(qualified)) {
        throw new CompileError(
            DiagnosticId.UnknownMethod,
            inv,
            "'"
                + inv.getMethodSelect()
                + "(...)' is not one of the JDK methods programs can call; of "
                + owner.get().getSimpleName()
                + " they can call "
                + Intrinsic.namesOf(qualified)
                + ".");
      }
      throw new CompileError(
          DiagnosticId.UnknownMethod,
          inv,
          "'"
              + inv.getMethodSelect()
              + "(...)' is a method of another class. Programs can call the static methods of"
              + " their own class "
              + names.programClass().getSimpleName()
              + " (which are inlined), context getters, map.redirect(...), record accessors,"
              + " ordinal() and a few JDK methods (see docs/LANGUAGE.md). Move the method into "
              + names.programClass().getSimpleName()
              + ".");
    }
    throw unknownMethod(inv);
  }

  private boolean isEnumValue(ExpressionTree receiver) {
    if (typer.constant(receiver).map(c -> c.type().isEnum()).orElse(false)) {
      return true;
    }
    return receiver instanceof IdentifierTree id
        && frame.lookup(id.getName().toString()).map(l -> l.type().isEnum()).orElse(false);
  }

  private Callee intrinsic(Intrinsic op, MethodInvocationTree inv) {
    List<? extends ExpressionTree> args = inv.getArguments();
    if (args.size() != op.arity()) {
      throw new CompileError(
          DiagnosticId.BadArgument,
          inv,
          op.javaName()
              + " takes "
              + op.arity()
              + " argument"
              + (op.arity() == 1 ? "" : "s")
              + ".");
    }
    List<JType> argTypes = new ArrayList<>();
    for (ExpressionTree arg : args) {
      argTypes.add(typer.typeOf(arg));
    }
    List<JType> operandTypes = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      JType want = op.operandType(i, argTypes);
      if (!assignable(argTypes.get(i), want)) {
        throw new CompileError(
            DiagnosticId.BadArgument,
            args.get(i),
            op.javaName() + " takes " + want + " here, not " + argTypes.get(i) + ".");
      }
      operandTypes.add(want);
    }
    return new Jdk(op, op.resultType(argTypes), operandTypes);
  }

  /** Java's method invocation conversion among the subset's types (identity or widening). */
  static boolean assignable(JType from, JType to) {
    if (from.equals(to)) {
      return true;
    }
    if (!from.isNumeric() || !to.isNumeric()) {
      return false;
    }
    PrimitiveKind f = from.primitive();
    switch (to.primitive()) {
      case LONG:
        return true;
      case INT:
        return f != PrimitiveKind.LONG;
      case SHORT:
        return f == PrimitiveKind.BYTE;
      default:
        return false;
    }
  }

  // ------------------------------------------------------------------ the class's own methods

  private Callee ownMethod(MethodInvocationTree inv, String name) {
    List<MethodTree> declared = names.methods(name);
    String className = names.programClass().getSimpleName().toString();
    if (declared.isEmpty()) {
      throw unknownMethod(inv);
    }
    List<MethodTree> candidates = new ArrayList<>();
    for (MethodTree m : declared) {
      if (m.getParameters().size() == inv.getArguments().size()) {
        candidates.add(m);
      }
    }
    if (candidates.size() > 1) {
      List<JType> argTypes = inv.getArguments().stream().map(typer::typeOf).toList();
      candidates.removeIf(m -> !applicable(m, argTypes));
    }
    if (candidates.size() != 1) {
      throw new CompileError(
          DiagnosticId.UnknownMethod,
          inv,
          candidates.isEmpty()
              ? className
                  + " has no method "
                  + name
                  + " that takes "
                  + inv.getArguments().size()
                  + " argument(s)."
              : "the call to " + name + " matches several overloads; give them different names.");
    }
    MethodTree m = candidates.get(0);
    if (!m.getModifiers().getFlags().contains(Modifier.STATIC)) {
      throw CompileError.unsupported(
          inv,
          "calling the instance method " + name,
          "Programs can call static methods of " + className + "; make " + name + " static.");
    }
    if (m.getBody() == null || !m.getTypeParameters().isEmpty()) {
      throw CompileError.unsupported(
          inv,
          "calling " + name + " (abstract, native or generic)",
          "Call a static method with a body and no type parameters.");
    }
    List<JType> parameterTypes = new ArrayList<>();
    for (VariableTree p : m.getParameters()) {
      parameterTypes.add(parameterType(p));
    }
    return new Inline(m, returnType(m), parameterTypes);
  }

  private boolean applicable(MethodTree m, List<JType> argTypes) {
    for (int i = 0; i < argTypes.size(); i++) {
      JType param;
      try {
        param = parameterType(m.getParameters().get(i));
      } catch (CompileError e) {
        return false;
      }
      if (!assignable(argTypes.get(i), param)) {
        return false;
      }
    }
    return true;
  }

  /** A parameter of an inlined method: a local type, or the program's context type. */
  JType parameterType(VariableTree p) {
    Optional<TypeElement> element = names.type(p.getType());
    if (element.isPresent() && element.get().getQualifiedName().contentEquals(context.javaType())) {
      return JType.CONTEXT;
    }
    JType type = typer.declaredType(p.getType(), p);
    if (type.kind() == JType.Kind.ARRAY) {
      throw new CompileError(
          DiagnosticId.UnsupportedType,
          p,
          "array parameters are not supported: arrays live on the caller's stack. Pass the"
              + " elements, or keep the array in one method.");
    }
    return type;
  }

  private JType returnType(MethodTree m) {
    Tree t = m.getReturnType();
    if (t instanceof PrimitiveTypeTree p && p.getPrimitiveTypeKind() == TypeKind.VOID) {
      return JType.VOID;
    }
    JType type = typer.declaredType(t, t);
    if (type.kind() == JType.Kind.ARRAY) {
      throw new CompileError(
          DiagnosticId.UnsupportedType,
          t,
          "methods called by programs cannot return arrays; return a record or the elements.");
    }
    return type;
  }

  private CompileError unknownGetter(Tree at, String method) {
    Optional<String> refused = MsgCalls.refusal(context, method);
    if (refused.isPresent()) {
      return new CompileError(DiagnosticId.UnavailableHelper, at, refused.get());
    }
    return new CompileError(
        DiagnosticId.UnknownMethod,
        at,
        context.simpleName()
            + " has no getter '"
            + method
            + "()' that programs can use; available: "
            + ContextFields.names(context)
            + (context == ContextKind.SK_BUFF ? "; and the methods " + SkbCalls.names() : "")
            + ".");
  }

  private CompileError unknownMethod(MethodInvocationTree inv) {
    String ctx = names.contextName();
    String getters =
        ctx == null
            ? "context getters"
            : "the context getters ("
                + ctx
                + "."
                + ContextFields.names(context).replace(", ", "(), " + ctx + ".")
                + "())";
    return new CompileError(
        DiagnosticId.UnknownMethod,
        inv,
        "unknown method call '"
            + inv.getMethodSelect()
            + "(...)'. Programs can call "
            + getters
            + ", map.redirect(...), record component accessors, ordinal(), static methods of "
            + names.programClass().getSimpleName()
            + " and a few JDK methods (see docs/LANGUAGE.md).");
  }
}
