package io.sockmap4j.processor.semantics;

import io.sockmap4j.processor.semantics.Expr.Var;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Random programs of the subset: bare expressions over the inputs {@code long a, b} and {@code int
 * c, d}, and statement sequences with record locals, other locals (explicitly typed and {@code
 * var}), assignments, compound assignments, increments and {@code if}s with block locals and early
 * returns. {@link Scope} builds the expressions and statements, {@link Literals} the values.
 *
 * <p>Every generated program compiles with javac and with sockmap4j: operands have the types their
 * operators accept, assignments cast to the variable's type, and nothing the compiler folds to a
 * constant zero divisor or to a throwing JDK call (it rejects both at compile time, where Java
 * would throw at run time). Divisors are non-zero literals unless {@link
 * Features#nonConstantDivisors()}; JDK methods are those {@link Features#supportedMethods()} lists.
 */
final class Generators {

  static final Var A = new Var("a", JavaType.LONG);
  static final Var B = new Var("b", JavaType.LONG);
  static final Var C = new Var("c", JavaType.INT);
  static final Var D = new Var("d", JavaType.INT);
  static final List<Var> INPUTS = List.of(A, B, C, D);

  /** What an operand position accepts: a boolean, an int-like value, or a long. */
  enum Kind {
    BOOL,
    SMALL,
    LONG
  }

  /** A generated body: statements, then the returned expression. */
  record Program(List<Stmt> statements, Expr result) {
    Case toCase(String label) {
      return Case.generated(label, statements, result);
    }

    /** The Java source, for jqwik's reports of falsified and shrunk samples. */
    @Override
    public String toString() {
      return "\n" + toCase("program").javaSource();
    }
  }

  private Generators() {}

  // ---------------------------------------------------------------------------- programs

  /**
   * A batch: the bodies of the {@link Helper}s, then the programs, which may call the helpers.
   *
   * @param helpers one body per {@link Helper#ALL} entry, in that order
   */
  record Batch(List<Program> helpers, List<Program> programs) {
    /** The helper methods' declarations, for the generated class. */
    String helperDeclarations() {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < helpers.size(); i++) {
        Helper h = Helper.ALL.get(i);
        s.append('\n')
            .append(h.declaration(helpers.get(i).toCase(h.name()).body().apply(Returns.PLAIN)));
      }
      return s.toString();
    }

    @Override
    public String toString() {
      return helperDeclarations() + programs;
    }
  }

  /** Batches of one to {@code maxPrograms} programs, with helper bodies when calls compile. */
  static Arbitrary<Batch> batches(int maxPrograms) {
    // Uniform sizes: large batches keep javac's share small, and a failing batch can still
    // shrink to the one program that fails.
    Arbitrary<List<Program>> programs =
        programs()
            .list()
            .ofMinSize(1)
            .ofMaxSize(maxPrograms)
            .withSizeDistribution(RandomDistribution.uniform());
    if (!Features.helperCalls()) {
      return programs.map(p -> new Batch(List.of(), p));
    }
    List<Arbitrary<Program>> helpers = new ArrayList<>();
    for (int i = 0; i < Helper.ALL.size(); i++) {
      Helper h = Helper.ALL.get(i);
      helpers.add(helperBodies(h.parameters(), Helper.ALL.subList(0, i), kindOf(h.result())));
    }
    return Combinators.combine(Combinators.combine(helpers).as(List::copyOf), programs)
        .as(Batch::new);
  }

  /** A program: a bare expression over the inputs, or statements with locals. */
  static Arbitrary<Program> programs() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, expressionPrograms()),
        Tuple.of(
            1, Arbitraries.of(Kind.class).flatMap(k -> statementPrograms(INPUTS, Helper.ALL, k))));
  }

  /** {@code return e;} for a random e of any result type. */
  static Arbitrary<Program> expressionPrograms() {
    Scope scope = new Scope(INPUTS, List.of(), List.of(), List.of(), Helper.ALL, Scope.Loop.NONE);
    // Deep trees: more live values than expression registers, so values spill. Without calls,
    // whose inlined bodies would make the trees too large for the verifier.
    Scope plain = new Scope(INPUTS);
    return Arbitraries.frequencyOf(
            Tuple.of(4, scope.expr(Kind.LONG, 4)),
            Tuple.of(4, scope.expr(Kind.SMALL, 4)),
            Tuple.of(2, scope.expr(Kind.BOOL, 3)),
            Tuple.of(1, plain.expr(Kind.LONG, 7)),
            Tuple.of(1, plain.expr(Kind.SMALL, 7)))
        .map(e -> new Program(List.of(), e));
  }

  /**
   * A body over {@code params} (the inputs, or a helper's parameters) that may call {@code
   * helpers}: up to two record locals, up to two arrays, up to four other locals, up to four
   * statements, then a return of {@code result}.
   */
  static Arbitrary<Program> statementPrograms(List<Var> params, List<Helper> helpers, Kind result) {
    Arbitrary<Tuple2<JavaType, Boolean>> local =
        Combinators.combine(Arbitraries.of(JavaType.class), Arbitraries.of(false, false, true))
            .as(Tuple::of);
    Arbitrary<List<RecordType>> records =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(List.<RecordType>of())),
            Tuple.of(1, Arbitraries.of(RecordType.class).list().ofMinSize(1).ofMaxSize(2)));
    Arbitrary<List<Expr.ArrayLocal>> arrays =
        Features.arrays()
            ? Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(List.<Expr.ArrayLocal>of())),
                Tuple.of(
                    1,
                    Combinators.combine(
                            Arbitraries.of(JavaType.class), Arbitraries.of(1, 2, 3, 4, 4, 8))
                        .as(Tuple::of)
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(2)
                        .map(Generators::arrayLocals)))
            : Arbitraries.just(List.of());
    return Combinators.combine(records, arrays, local.list().ofMaxSize(4))
        .flatAs((r, a, l) -> statementProgram(params, helpers, r, a, l, result, 2));
  }

  /**
   * A helper's body: at most two locals, no records or arrays, because each call inlines the body
   * and the locals of every method on a call chain share the program's 512 bytes of stack; and no
   * ifs, loops or switch statements, because every inlined copy multiplies the paths the verifier
   * walks (within its budget of a million instructions).
   */
  static Arbitrary<Program> helperBodies(List<Var> params, List<Helper> helpers, Kind result) {
    Arbitrary<Tuple2<JavaType, Boolean>> local =
        Combinators.combine(Arbitraries.of(JavaType.class), Arbitraries.of(false, true))
            .as(Tuple::of);
    return local
        .list()
        .ofMaxSize(2)
        .flatMap(l -> statementProgram(params, helpers, List.of(), List.of(), l, result, 0));
  }

  private static List<Expr.ArrayLocal> arrayLocals(List<Tuple2<JavaType, Integer>> specs) {
    List<Expr.ArrayLocal> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      out.add(new Expr.ArrayLocal("arr" + i, specs.get(i).get1(), specs.get(i).get2()));
    }
    return out;
  }

  private static Arbitrary<Program> statementProgram(
      List<Var> params,
      List<Helper> helpers,
      List<RecordType> records,
      List<Expr.ArrayLocal> arrays,
      List<Tuple2<JavaType, Boolean>> locals,
      Kind result,
      int nesting) {
    List<Var> vars = new ArrayList<>(params);
    List<Expr> reads = new ArrayList<>();
    List<Arbitrary<Stmt>> decls = new ArrayList<>();
    List<Tuple2<String, RecordType>> recordLocals = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      String name = "r" + i;
      RecordType type = records.get(i);
      Scope before = scope(vars, reads, List.of(), List.of(), helpers);
      String copyable =
          recordLocals.stream()
              .filter(r -> r.get2() == type)
              .map(Tuple2::get1)
              .findFirst()
              .orElse(null);
      decls.add(before.recordStore(name, type, true, copyable));
      recordLocals.add(Tuple.of(name, type));
      for (RecordType.Component c : type.components()) {
        reads.add(new Expr.Component(name, c.name(), c.type()));
      }
    }
    for (Expr.ArrayLocal a : arrays) {
      Scope before = scope(vars, reads, List.of(), List.of(), helpers);
      Arbitrary<List<Expr>> init =
          a.length() <= 4
              ? Arbitraries.frequencyOf(
                  Tuple.of(1, Arbitraries.just(List.<Expr>of())),
                  Tuple.of(1, before.initializer(a.element(), 1).list().ofSize(a.length())))
              : Arbitraries.just(List.of());
      decls.add(init.map(values -> new Stmt.ArrayDecl(a, values)));
    }
    for (int i = 0; i < locals.size(); i++) {
      Var v = new Var("v" + i, locals.get(i).get1());
      boolean inferred = locals.get(i).get2();
      Scope before = scope(vars, reads, List.of(), arrays, helpers);
      Arbitrary<Expr> init = inferred ? before.exact(v.type(), 2) : before.initializer(v.type(), 2);
      decls.add(init.map(e -> new Stmt.Decl(v, inferred, e)));
      vars.add(v);
    }
    Scope scope = scope(vars, reads, recordLocals, arrays, helpers);
    Arbitrary<Expr> returned = result == Kind.LONG ? scope.numeric(3) : scope.expr(result, 3);
    return Combinators.combine(
            Combinators.combine(decls).as(List::copyOf),
            scope.statements(result, nesting).list().ofMaxSize(4),
            returned)
        .as(
            (d, s, r) -> {
              List<Stmt> all = new ArrayList<>(d);
              all.addAll(s);
              return new Program(all, r);
            });
  }

  private static Scope scope(
      List<Var> vars,
      List<Expr> reads,
      List<Tuple2<String, RecordType>> records,
      List<Expr.ArrayLocal> arrays,
      List<Helper> helpers) {
    return new Scope(
        List.copyOf(vars),
        List.copyOf(reads),
        List.copyOf(records),
        arrays,
        helpers,
        Scope.Loop.NONE);
  }

  static Kind kindOf(JavaType type) {
    return type == JavaType.BOOLEAN ? Kind.BOOL : type == JavaType.LONG ? Kind.LONG : Kind.SMALL;
  }
}
