package io.sockmap4j.processor.semantics;

import io.sockmap4j.processor.semantics.Expr.Assign;
import io.sockmap4j.processor.semantics.Expr.Binary;
import io.sockmap4j.processor.semantics.Expr.Cast;
import io.sockmap4j.processor.semantics.Expr.Cond;
import io.sockmap4j.processor.semantics.Expr.IncDec;
import io.sockmap4j.processor.semantics.Expr.Lit;
import io.sockmap4j.processor.semantics.Expr.Unary;
import io.sockmap4j.processor.semantics.Expr.Var;
import io.sockmap4j.processor.semantics.Generators.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * The arbitraries of expressions and statements over one set of variables in scope, built once per
 * kind and depth. Every expression it makes has the exact Java type javac gives it, and compiles.
 */
final class Scope {
  /** Where statements are: outside loops, or in the body of a for or a while loop. */
  enum Loop {
    NONE,
    FOR,
    WHILE
  }

  private final List<Var> vars;
  private final List<Expr> reads;
  private final List<Tuple2<String, RecordType>> records;
  private final List<Expr.ArrayLocal> arrays;
  private final List<Helper> helpers;
  private final Loop loop;
  private boolean switchExpressions = true;
  private final Map<String, Arbitrary<Expr>> memo = new HashMap<>();

  /**
   * @param vars the locals and parameters, which statements may also assign
   * @param reads read-only values: record components, loop counters
   * @param records the record locals, which statements may reassign
   * @param arrays the local arrays, whose elements expressions read and statements write
   * @param helpers the helper methods expressions may call
   * @param loop whether statements are in a loop body (break, continue)
   */
  Scope(
      List<Var> vars,
      List<Expr> reads,
      List<Tuple2<String, RecordType>> records,
      List<Expr.ArrayLocal> arrays,
      List<Helper> helpers,
      Loop loop) {
    this.vars = vars;
    this.reads = reads;
    this.records = records;
    this.arrays = arrays;
    this.helpers = Features.helperCalls() ? helpers : List.of();
    this.loop = loop;
  }

  /**
   * A scope with just these variables, and without switch expressions: for deep expression trees,
   * in which every switch would multiply the paths the verifier walks.
   */
  Scope(List<Var> vars) {
    this(vars, List.of(), List.of(), List.of(), List.of(), Loop.NONE);
    this.switchExpressions = false;
  }

  /** This scope with {@code read} readable too, in a loop of kind {@code inLoop}. */
  Scope reading(Expr read, Loop inLoop) {
    List<Expr> more = new ArrayList<>(reads);
    more.add(read);
    // No calls in loop bodies: the verifier walks the body, and its inlined calls, per iteration.
    return new Scope(
        vars,
        List.copyOf(more),
        records,
        arrays,
        inLoop == Loop.NONE ? helpers : List.of(),
        inLoop);
  }

  /** {@code [R] r = new R(...)} or, given {@code copyOf}, sometimes {@code R r = copyOf}. */
  Arbitrary<Stmt> recordStore(String local, RecordType type, boolean declare, String copyOf) {
    List<Arbitrary<Expr>> args = new ArrayList<>();
    for (RecordType.Component c : type.components()) {
      args.add(initializer(c.type(), 2));
    }
    Arbitrary<Stmt> built =
        Combinators.combine(args)
            .as(a -> (Stmt) new Stmt.RecordStore(local, type, declare, null, List.copyOf(a)));
    if (copyOf == null) {
      return built;
    }
    return Arbitraries.frequencyOf(
        Tuple.of(2, built),
        Tuple.of(
            1, Arbitraries.just(new Stmt.RecordStore(local, type, declare, copyOf, List.of()))));
  }

  /** An expression of {@code kind}, at most {@code depth} operators deep. */
  Arbitrary<Expr> expr(Kind kind, int depth) {
    String key = kind + "/" + depth;
    Arbitrary<Expr> cached = memo.get(key);
    if (cached == null) {
      cached = Arbitraries.lazy(() -> build(kind, depth));
      memo.put(key, cached);
    }
    return cached;
  }

  /** An int-like or long expression (int-like twice as often). */
  Arbitrary<Expr> numeric(int depth) {
    return Arbitraries.frequencyOf(
        Tuple.of(2, expr(Kind.SMALL, depth)), Tuple.of(1, expr(Kind.LONG, depth)));
  }

  private Arbitrary<Expr> build(Kind kind, int depth) {
    List<Tuple2<Integer, Arbitrary<Expr>>> choices = new ArrayList<>();
    leaves(kind, choices);
    if (depth > 0) {
      int d = depth - 1;
      switch (kind) {
        case SMALL:
          small(d, choices);
          break;
        case LONG:
          wide(d, choices);
          break;
        default:
          bool(d, choices);
      }
      List<JdkMethod> methods = new ArrayList<>();
      for (JdkMethod m : Features.supportedMethods()) {
        if (Generators.kindOf(m.result()) == kind) {
          methods.add(m);
        }
      }
      if (!methods.isEmpty()) {
        choices.add(Tuple.of(3, Arbitraries.of(methods).flatMap(m -> call(m, d))));
      }
      List<Helper> callable = new ArrayList<>();
      for (Helper h : helpers) {
        if (Generators.kindOf(h.result()) == kind) {
          callable.add(h);
        }
      }
      if (!callable.isEmpty()) {
        choices.add(Tuple.of(2, Arbitraries.of(callable).flatMap(h -> helperCall(h, d))));
      }
      // Not of booleans: javac 17 itself crashes on some boolean switch expressions used as a
      // condition (ArrayIndexOutOfBoundsException in Gen.handleSwitch).
      if (switchExpressions && kind != Kind.BOOL && Features.switches()) {
        choices.add(Tuple.of(1, switchExpression(kind, d)));
      }
      List<Expr> targets = new ArrayList<>(variables(kind));
      List<Expr.ArrayLocal> arrayTargets = arrays(kind);
      if (!targets.isEmpty()) {
        choices.add(Tuple.of(2, Arbitraries.of(targets).flatMap(v -> effect(v, d))));
      }
      if (!arrayTargets.isEmpty()) {
        choices.add(
            Tuple.of(
                1,
                Arbitraries.of(arrayTargets)
                    .flatMap(a -> element(a, d))
                    .flatMap(e -> effect(e, d))));
      }
    }
    return Arbitraries.frequencyOf(choices);
  }

  /**
   * {@code switch (selector) { case ... -> v; default -> w; }} with every arm of one type (int for
   * int-like, or long), on an int, char, short or byte selector with labels that fit it.
   */
  private Arbitrary<Expr> switchExpression(Kind kind, int d) {
    JavaType type = kind == Kind.LONG ? JavaType.LONG : JavaType.INT;
    Arbitrary<Expr> value = exact(type, d);
    return Arbitraries.of(JavaType.INT, JavaType.INT, JavaType.CHAR, JavaType.SHORT, JavaType.BYTE)
        .flatMap(
            selectorType ->
                Combinators.combine(
                        exact(selectorType, d),
                        labels(selectorType, 4),
                        value.list().ofMinSize(4).ofMaxSize(4),
                        Arbitraries.integers().between(1, 4),
                        value)
                    .as(
                        (selector, labels, values, arms, otherwise) -> {
                          List<Expr.Switch.Arm> list = new ArrayList<>();
                          for (int i = 0; i < arms; i++) {
                            list.add(new Expr.Switch.Arm(labels.get(i), values.get(i)));
                          }
                          return (Expr) new Expr.Switch(selector, list, otherwise);
                        }));
  }

  /** {@code groups} groups of one or two distinct case labels that fit {@code selector}. */
  private static Arbitrary<List<List<Long>>> labels(JavaType selector, int groups) {
    return Literals.intValues()
        .filter(selector::represents)
        .list()
        .ofSize(2 * groups)
        .uniqueElements()
        .flatMap(
            values ->
                Arbitraries.of(1, 2)
                    .list()
                    .ofSize(groups)
                    .map(
                        sizes -> {
                          List<List<Long>> out = new ArrayList<>();
                          int next = 0;
                          for (int size : sizes) {
                            out.add(List.copyOf(values.subList(next, next + size)));
                            next += size;
                          }
                          return out;
                        }));
  }

  /**
   * {@code a[i]}: mostly an index in range (a literal, or masked), sometimes any int expression,
   * out of range more often than not (Java throws, the program faults). Never a constant out of
   * range, which the compiler rejects.
   */
  Arbitrary<Expr> element(Expr.ArrayLocal a, int d) {
    Arbitrary<Expr> index =
        Arbitraries.frequencyOf(
                Tuple.of(
                    3,
                    Arbitraries.integers()
                        .between(0, a.length() - 1)
                        .map(i -> (Expr) new Lit(JavaType.INT, i))),
                Tuple.of(
                    3,
                    expr(Kind.SMALL, d)
                        .map(e -> (Expr) new Binary("&", e, new Lit(JavaType.INT, 3)))),
                Tuple.of(1, expr(Kind.SMALL, d)))
            .filter(
                e ->
                    Evaluator.foldsCleanly(e)
                        && Evaluator.fold(e).map(v -> v >= 0 && v < a.length()).orElse(true));
    return index.map(i -> new Expr.Element(a, i));
  }

  /** A call of helper {@code h}, each argument of a type its parameter accepts. */
  private Arbitrary<Expr> helperCall(Helper h, int d) {
    List<Arbitrary<Expr>> args = new ArrayList<>();
    for (JavaType p : h.params()) {
      args.add(initializer(p, d));
    }
    return Combinators.combine(args).as(a -> (Expr) new Expr.HelperCall(h, List.copyOf(a)));
  }

  private List<Expr.ArrayLocal> arrays(Kind kind) {
    List<Expr.ArrayLocal> out = new ArrayList<>();
    for (Expr.ArrayLocal a : arrays) {
      if (Generators.kindOf(a.element()) == kind) {
        out.add(a);
      }
    }
    return out;
  }

  private void leaves(Kind kind, List<Tuple2<Integer, Arbitrary<Expr>>> choices) {
    List<Var> vs = variables(kind);
    if (!vs.isEmpty()) {
      choices.add(Tuple.of(4, Arbitraries.of(vs).map(v -> v)));
    }
    List<Expr> named = new ArrayList<>();
    for (Expr k : Literals.CONSTANTS) {
      if (Generators.kindOf(k.type()) == kind) {
        named.add(k);
      }
    }
    choices.add(Tuple.of(1, Arbitraries.of(named)));
    List<Expr> components = new ArrayList<>();
    for (Expr r : reads) {
      if (Generators.kindOf(r.type()) == kind) {
        components.add(r);
      }
    }
    if (!components.isEmpty()) {
      choices.add(Tuple.of(3, Arbitraries.of(components)));
    }
    List<Expr.ArrayLocal> readable = arrays(kind);
    if (!readable.isEmpty()) {
      choices.add(Tuple.of(3, Arbitraries.of(readable).flatMap(a -> element(a, 0))));
    }
    if (kind == Kind.SMALL && !arrays.isEmpty()) {
      choices.add(Tuple.of(1, Arbitraries.of(arrays).map(a -> (Expr) new Expr.Length(a))));
    }
    switch (kind) {
      case SMALL:
        choices.add(Tuple.of(4, Literals.intLiteral()));
        choices.add(Tuple.of(1, Literals.charLiteral()));
        choices.add(
            Tuple.of(
                1,
                Combinators.combine(smallTypes(), Literals.intLiteral())
                    .as((t, e) -> (Expr) new Cast(t, e))));
        break;
      case LONG:
        choices.add(Tuple.of(4, Literals.longLiteral()));
        break;
      default:
        choices.add(
            Tuple.of(
                1, Arbitraries.of(true, false).map(b -> new Lit(JavaType.BOOLEAN, b ? 1 : 0))));
        choices.add(Tuple.of(4, compare(leaf(Kind.SMALL), leaf(Kind.LONG))));
    }
  }

  /** A variable or literal of {@code kind}: the operands of depth-0 comparisons. */
  private Arbitrary<Expr> leaf(Kind kind) {
    List<Tuple2<Integer, Arbitrary<Expr>>> choices = new ArrayList<>();
    leaves(kind, choices);
    return Arbitraries.frequencyOf(choices);
  }

  private void small(int d, List<Tuple2<Integer, Arbitrary<Expr>>> choices) {
    Arbitrary<Expr> s = expr(Kind.SMALL, d);
    choices.add(Tuple.of(6, binary(Arbitraries.of("+", "-", "*", "&", "|", "^"), s, s)));
    choices.add(Tuple.of(3, binary(Arbitraries.of("<<", ">>", ">>>"), s, numeric(d))));
    choices.add(Tuple.of(2, unary(Arbitraries.of("-", "~", "+"), s)));
    choices.add(
        Tuple.of(
            3,
            Combinators.combine(
                    Arbitraries.of(JavaType.BYTE, JavaType.SHORT, JavaType.CHAR, JavaType.INT),
                    numeric(d))
                .as((t, e) -> (Expr) new Cast(t, e))));
    choices.add(Tuple.of(2, conditional(expr(Kind.BOOL, d), s, s)));
    choices.add(Tuple.of(1, conditionalWithConstant(expr(Kind.BOOL, d), s)));
    choices.add(Tuple.of(2, division(s, divisor(false, d))));
  }

  private void wide(int d, List<Tuple2<Integer, Arbitrary<Expr>>> choices) {
    Arbitrary<Expr> l = expr(Kind.LONG, d);
    Arbitrary<Expr> n = numeric(d);
    Arbitrary<String> arithmetic = Arbitraries.of("+", "-", "*", "&", "|", "^");
    choices.add(Tuple.of(4, binary(arithmetic, l, n)));
    choices.add(Tuple.of(2, binary(arithmetic, expr(Kind.SMALL, d), l)));
    choices.add(Tuple.of(3, binary(Arbitraries.of("<<", ">>", ">>>"), l, n)));
    choices.add(Tuple.of(2, unary(Arbitraries.of("-", "~", "+"), l)));
    choices.add(Tuple.of(3, expr(Kind.SMALL, d).map(e -> (Expr) new Cast(JavaType.LONG, e))));
    choices.add(Tuple.of(1, conditional(expr(Kind.BOOL, d), l, n)));
    choices.add(Tuple.of(1, conditional(expr(Kind.BOOL, d), n, l)));
    choices.add(Tuple.of(2, division(l, divisor(true, d))));
    choices.add(
        Tuple.of(
            1,
            division(
                expr(Kind.SMALL, d), divisor(true, d).filter(e -> e.type() == JavaType.LONG))));
  }

  private void bool(int d, List<Tuple2<Integer, Arbitrary<Expr>>> choices) {
    Arbitrary<Expr> b = expr(Kind.BOOL, d);
    choices.add(Tuple.of(6, compare(numeric(d), numeric(d))));
    choices.add(Tuple.of(1, binary(Arbitraries.of("==", "!="), b, b)));
    choices.add(Tuple.of(4, binary(Arbitraries.of("&&", "||", "&", "|", "^"), b, b)));
    choices.add(Tuple.of(2, unary(Arbitraries.of("!"), b)));
    choices.add(Tuple.of(1, conditional(b, b, b)));
  }

  /**
   * An expression of exactly {@code type}, for {@code var} declarations: the inferred type must be
   * known to type the rest of the program. Covers the conditional forms whose type is not the
   * promoted one (JLS 15.25): {@code c ? (byte) x : 5} is a byte, {@code c ? byte : short} a short.
   */
  Arbitrary<Expr> exact(JavaType type, int depth) {
    switch (type) {
      case BOOLEAN:
        return expr(Kind.BOOL, depth);
      case LONG:
        return expr(Kind.LONG, depth);
      case INT:
        return expr(Kind.SMALL, depth).filter(e -> e.type() == JavaType.INT);
      default:
        break;
    }
    List<Tuple2<Integer, Arbitrary<Expr>>> choices = new ArrayList<>();
    choices.add(Tuple.of(2, numeric(depth).map(e -> (Expr) new Cast(type, e))));
    if (type == JavaType.CHAR) {
      choices.add(Tuple.of(1, Literals.charLiteral()));
    }
    if (depth > 0) {
      Arbitrary<Expr> same = exact(type, depth - 1);
      Arbitrary<Expr> c = expr(Kind.BOOL, depth - 1);
      choices.add(Tuple.of(2, conditional(c, same, same)));
      choices.add(
          Tuple.of(
              2,
              Combinators.combine(
                      c, same, Literals.representable(type), Arbitraries.of(true, false))
                  .as(
                      (k, x, lit, first) ->
                          (Expr) (first ? new Cond(k, lit, x) : new Cond(k, x, lit)))));
      if (type == JavaType.SHORT) {
        choices.add(Tuple.of(1, conditional(c, exact(JavaType.BYTE, depth - 1), same)));
      }
    }
    return Arbitraries.frequencyOf(choices);
  }

  /** The initializer of {@code T v = ...}: any expression Java assigns to T. */
  Arbitrary<Expr> initializer(JavaType type, int depth) {
    switch (type) {
      case BOOLEAN:
        return expr(Kind.BOOL, depth);
      case LONG:
        return numeric(depth);
      case INT:
        return expr(Kind.SMALL, depth);
      default:
        return exact(type, depth);
    }
  }

  /** Statements for a body returning {@code result}: effects and ifs, nested once. */
  Arbitrary<Stmt> statements(Kind result, int nesting) {
    List<Tuple2<Integer, Arbitrary<Stmt>>> choices = new ArrayList<>();
    choices.add(
        Tuple.of(
            3,
            Arbitraries.of(vars)
                .flatMap(v -> effect(v, effectDepth()))
                .map(e -> (Stmt) new Stmt.Effect(e))));
    if (!records.isEmpty()) {
      choices.add(
          Tuple.of(
              1,
              Arbitraries.of(records).flatMap(r -> recordStore(r.get1(), r.get2(), false, null))));
    }
    if (!arrays.isEmpty()) {
      choices.add(
          Tuple.of(
              2,
              Arbitraries.of(arrays)
                  .flatMap(a -> element(a, 1))
                  .flatMap(e -> effect(e, effectDepth()))
                  .map(e -> (Stmt) new Stmt.Effect(e))));
    }
    if (!helpers.isEmpty()) {
      choices.add(
          Tuple.of(
              1,
              Arbitraries.of(helpers)
                  .flatMap(h -> helperCall(h, 1))
                  .map(e -> (Stmt) new Stmt.Effect(e))));
    }
    if (loop != Loop.NONE) {
      choices.add(
          Tuple.of(
              1,
              Combinators.combine(
                      expr(Kind.BOOL, 1),
                      loop == Loop.FOR ? Arbitraries.of(true, false) : Arbitraries.just(false))
                  .as((c, isContinue) -> (Stmt) new Stmt.Jump(c, isContinue))));
    }
    if (nesting > 1 && loop == Loop.NONE && Features.loops()) {
      choices.add(Tuple.of(1, loop(result, nesting)));
    }
    if (nesting > 0 && Features.switches()) {
      choices.add(Tuple.of(1, switchStatement(result, nesting)));
    }
    if (nesting > 0) {
      choices.add(
          Tuple.of(
              2,
              Combinators.combine(
                      expr(Kind.BOOL, 2),
                      branch(result, nesting, "p" + nesting),
                      expr(result, 2).optional(0.3),
                      branch(result, nesting, "q" + nesting))
                  .as(
                      (c, then, early, otherwise) ->
                          (Stmt)
                              new Stmt.If(
                                  c, then, early, early.isPresent() ? List.of() : otherwise))));
    }
    return Arbitraries.frequencyOf(choices);
  }

  /** How deep the values of assignments are: shallow in loop bodies, which the verifier repeats. */
  private int effectDepth() {
    return loop == Loop.NONE ? 2 : 1;
  }

  /**
   * A counted loop of at most four iterations (the verifier walks every one of them), over a body
   * that can read the counter {@code k}, and leave early with {@code break} (or {@code continue} in
   * a {@code for}: a {@code while} steps its counter last, which {@code continue} would skip).
   */
  private Arbitrary<Stmt> loop(Kind result, int nesting) {
    return Combinators.combine(
            Arbitraries.of(0, 1, -2),
            Arbitraries.integers().between(0, 4),
            Arbitraries.of(1, 1, 2),
            Arbitraries.of(false, false, true))
        .flatAs(
            (from, count, step, isWhile) -> {
              Scope body = reading(new Var("k", JavaType.INT), isWhile ? Loop.WHILE : Loop.FOR);
              // Flat bodies of shallow statements: the verifier walks each iteration, and every
              // data-dependent branch in the body multiplies the paths it walks.
              return body.statements(result, 0)
                  .list()
                  .ofMinSize(1)
                  .ofMaxSize(3)
                  .map(b -> (Stmt) new Stmt.Loop("k", from, from + count * step, step, isWhile, b));
            });
  }

  /** A classic switch statement: up to three groups that fall through or break, and default. */
  private Arbitrary<Stmt> switchStatement(Kind result, int nesting) {
    Arbitrary<List<Stmt>> body = statements(result, nesting - 1).list().ofMaxSize(2);
    return Combinators.combine(
            expr(Kind.SMALL, 1).filter(e -> e.type() == JavaType.INT),
            labels(JavaType.INT, 3),
            body.list().ofSize(3),
            Arbitraries.of(true, false).list().ofSize(3),
            Arbitraries.integers().between(1, 3),
            body)
        .as(
            (selector, labels, bodies, breaks, groups, otherwise) -> {
              List<Stmt.SwitchStmt.Group> list = new ArrayList<>();
              for (int i = 0; i < groups; i++) {
                list.add(new Stmt.SwitchStmt.Group(labels.get(i), bodies.get(i), breaks.get(i)));
              }
              return (Stmt) new Stmt.SwitchStmt(selector, list, otherwise);
            });
  }

  /**
   * The statements of an if branch: sometimes first a local of the branch's own block, named {@code
   * local} (sibling blocks reuse names, as Java allows), which the rest can use.
   */
  private Arbitrary<List<Stmt>> branch(Kind result, int nesting, String local) {
    Arbitrary<List<Stmt>> plain = statements(result, nesting - 1).list().ofMaxSize(2);
    Arbitrary<List<Stmt>> withLocal =
        Arbitraries.of(JavaType.class)
            .flatMap(
                type -> {
                  Var v = new Var(local, type);
                  List<Var> inner = new ArrayList<>(vars);
                  inner.add(v);
                  Scope block =
                      new Scope(List.copyOf(inner), reads, records, arrays, helpers, loop);
                  return Combinators.combine(
                          initializer(type, 2),
                          block.statements(result, nesting - 1).list().ofMinSize(1).ofMaxSize(2))
                      .as(
                          (init, rest) -> {
                            List<Stmt> all = new ArrayList<>();
                            all.add(new Stmt.Decl(v, false, init));
                            all.addAll(rest);
                            return all;
                          });
                });
    return Arbitraries.frequencyOf(Tuple.of(3, plain), Tuple.of(1, withLocal));
  }

  /**
   * A call of {@code m}. Arguments have exactly the parameter types where Java allows no conversion
   * (short, byte, char); a long overload of Math gets a long first argument, so Java picks that
   * overload.
   */
  private Arbitrary<Expr> call(JdkMethod m, int d) {
    List<Arbitrary<Expr>> args = new ArrayList<>();
    for (int i = 0; i < m.params().size(); i++) {
      JavaType p = m.params().get(i);
      Arbitrary<Expr> arg =
          switch (p) {
            case INT -> expr(Kind.SMALL, d);
            case LONG -> m.owner().equals("Math") && i == 0 ? expr(Kind.LONG, d) : numeric(d);
            default -> exact(p, d);
          };
      if (m.divides() && i == 1) {
        arg = arg.filter(e -> Evaluator.foldsCleanly(e) && Evaluator.fold(e).orElse(1L) != 0);
      }
      args.add(arg);
    }
    // The compiler folds a call with constant arguments, and rejects one that would throw.
    return Combinators.combine(args)
        .as(a -> (Expr) new Expr.Call(m, List.copyOf(a)))
        .filter(Evaluator::foldsCleanly);
  }

  /** An assignment, compound assignment or increment of {@code v}, a Var or an Element. */
  private Arbitrary<Expr> effect(Expr v, int d) {
    if (v.type() == JavaType.BOOLEAN) {
      return Combinators.combine(Arbitraries.of("=", "&=", "|=", "^="), expr(Kind.BOOL, d))
          .as((op, e) -> (Expr) new Assign(v, op, e));
    }
    Arbitrary<Expr> value =
        v.type() == JavaType.LONG ? numeric(d) : numeric(d).map(e -> (Expr) new Cast(v.type(), e));
    return Arbitraries.frequencyOf(
        Tuple.of(2, value.map(e -> (Expr) new Assign(v, "=", e))),
        Tuple.of(
            4,
            Combinators.combine(
                    Arbitraries.of("+=", "-=", "*=", "&=", "|=", "^=", "<<=", ">>=", ">>>="),
                    numeric(d))
                .as((op, e) -> (Expr) new Assign(v, op, e))),
        Tuple.of(
            1,
            Combinators.combine(Arbitraries.of("/=", "%="), divisor(true, d))
                .as((op, e) -> (Expr) new Assign(v, op, e))),
        Tuple.of(
            2,
            Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((prefix, up) -> (Expr) new IncDec(v, prefix, up))));
  }

  private List<Var> variables(Kind kind) {
    List<Var> out = new ArrayList<>();
    for (Var v : vars) {
      if (Generators.kindOf(v.type()) == kind) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * A divisor: a non-zero literal (int, or with {@code wide} also long); once the compiler accepts
   * non-constant divisors, sometimes any expression, which may be zero at run time.
   */
  private Arbitrary<Expr> divisor(boolean wide, int d) {
    Arbitrary<Expr> literal =
        wide
            ? Arbitraries.oneOf(
                Literals.nonZero(Literals.intLiteral()), Literals.nonZero(Literals.longLiteral()))
            : Literals.nonZero(Literals.intLiteral());
    if (!Features.nonConstantDivisors()) {
      return literal;
    }
    // Any expression, unless the compiler folds it to zero: it rejects a constant zero divisor.
    Arbitrary<Expr> any =
        (wide ? numeric(d) : expr(Kind.SMALL, d))
            .filter(e -> Evaluator.foldsCleanly(e) && Evaluator.fold(e).orElse(1L) != 0);
    return Arbitraries.frequencyOf(Tuple.of(2, literal), Tuple.of(1, any));
  }

  // -------------------------------------------------------------------------- node makers

  private static Arbitrary<JavaType> smallTypes() {
    return Arbitraries.of(JavaType.BYTE, JavaType.SHORT, JavaType.CHAR);
  }

  private static Arbitrary<Expr> binary(
      Arbitrary<String> ops, Arbitrary<Expr> left, Arbitrary<Expr> right) {
    return Combinators.combine(ops, left, right).as((op, l, r) -> (Expr) new Binary(op, l, r));
  }

  private static Arbitrary<Expr> compare(Arbitrary<Expr> left, Arbitrary<Expr> right) {
    Arbitrary<String> ops = Arbitraries.of("<", "<=", ">", ">=", "==", "!=");
    return Arbitraries.oneOf(
        binary(ops, left, right), binary(ops, right, left), binary(ops, left, left));
  }

  private static Arbitrary<Expr> unary(Arbitrary<String> ops, Arbitrary<Expr> operand) {
    return Combinators.combine(ops, operand).as((op, e) -> (Expr) new Unary(op, e));
  }

  private static Arbitrary<Expr> conditional(
      Arbitrary<Expr> condition, Arbitrary<Expr> whenTrue, Arbitrary<Expr> whenFalse) {
    return Combinators.combine(condition, whenTrue, whenFalse)
        .as((c, t, f) -> (Expr) new Cond(c, t, f));
  }

  /** {@code c ? e : literal} or {@code c ? literal : e}, where the literal is an int. */
  private static Arbitrary<Expr> conditionalWithConstant(
      Arbitrary<Expr> condition, Arbitrary<Expr> operand) {
    return Combinators.combine(
            condition, operand, Literals.intLiteral(), Arbitraries.of(true, false))
        .as((c, e, lit, first) -> (Expr) (first ? new Cond(c, lit, e) : new Cond(c, e, lit)));
  }

  private static Arbitrary<Expr> division(Arbitrary<Expr> dividend, Arbitrary<Expr> divisor) {
    return binary(Arbitraries.of("/", "%"), dividend, divisor);
  }
}
