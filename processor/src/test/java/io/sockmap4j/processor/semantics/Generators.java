package io.sockmap4j.processor.semantics;

import io.sockmap4j.processor.semantics.Expr.Var;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
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

  /** A program: a bare expression over the inputs, or statements with locals. */
  static Arbitrary<Program> programs() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, expressionPrograms()), Tuple.of(1, statementPrograms()));
  }

  /** {@code return e;} for a random e of any result type. */
  static Arbitrary<Program> expressionPrograms() {
    Scope scope = new Scope(INPUTS, List.of());
    return Arbitraries.frequencyOf(
            Tuple.of(4, scope.expr(Kind.LONG, 4)),
            Tuple.of(4, scope.expr(Kind.SMALL, 4)),
            Tuple.of(2, scope.expr(Kind.BOOL, 3)),
            // Deep trees: more live values than expression registers, so values spill.
            Tuple.of(1, scope.expr(Kind.LONG, 7)),
            Tuple.of(1, scope.expr(Kind.SMALL, 7)))
        .map(e -> new Program(List.of(), e));
  }

  /** Up to two record locals, up to four other locals, up to four statements, then a return. */
  static Arbitrary<Program> statementPrograms() {
    Arbitrary<Tuple2<JavaType, Boolean>> local =
        Combinators.combine(Arbitraries.of(JavaType.class), Arbitraries.of(false, false, true))
            .as(Tuple::of);
    Arbitrary<List<RecordType>> records =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(List.<RecordType>of())),
            Tuple.of(1, Arbitraries.of(RecordType.class).list().ofMinSize(1).ofMaxSize(2)));
    return Combinators.combine(records, local.list().ofMaxSize(4), Arbitraries.of(Kind.class))
        .flatAs(Generators::statementProgram);
  }

  private static Arbitrary<Program> statementProgram(
      List<RecordType> records, List<Tuple2<JavaType, Boolean>> locals, Kind result) {
    List<Var> vars = new ArrayList<>(INPUTS);
    List<Expr> reads = new ArrayList<>();
    List<Arbitrary<Stmt>> decls = new ArrayList<>();
    List<Tuple2<String, RecordType>> recordLocals = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      String name = "r" + i;
      RecordType type = records.get(i);
      Scope before = new Scope(List.copyOf(vars), List.copyOf(reads));
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
    for (int i = 0; i < locals.size(); i++) {
      Var v = new Var("v" + i, locals.get(i).get1());
      boolean inferred = locals.get(i).get2();
      Scope before = new Scope(List.copyOf(vars), List.copyOf(reads));
      Arbitrary<Expr> init = inferred ? before.exact(v.type(), 2) : before.initializer(v.type(), 2);
      decls.add(init.map(e -> new Stmt.Decl(v, inferred, e)));
      vars.add(v);
    }
    Scope scope = new Scope(List.copyOf(vars), List.copyOf(reads), List.copyOf(recordLocals));
    return Combinators.combine(
            Combinators.combine(decls).as(List::copyOf),
            scope.statements(result, 2).list().ofMaxSize(4),
            scope.expr(result, 3))
        .as(
            (d, s, r) -> {
              List<Stmt> all = new ArrayList<>(d);
              all.addAll(s);
              return new Program(all, r);
            });
  }

  static Kind kindOf(JavaType type) {
    return type == JavaType.BOOLEAN ? Kind.BOOL : type == JavaType.LONG ? Kind.LONG : Kind.SMALL;
  }
}
