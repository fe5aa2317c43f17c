package io.sockmap4j.processor.frontend;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import io.sockmap4j.processor.backend.Checker;
import io.sockmap4j.processor.backend.Printer;
import io.sockmap4j.processor.backend.Program;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.SourcePos;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.diag.Reporter;
import io.sockmap4j.processor.model.ClassModel;
import io.sockmap4j.processor.model.ProgramDecl;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import javax.lang.model.util.Elements;

/**
 * Compiles one program method: javac trees in, checked eBPF out. Errors are reported at their
 * trees; a method with any error produces nothing.
 *
 * <p>Register convention: r1 holds the context at entry and is copied to r6, which keeps it for the
 * whole program (helper calls clobber r1-r5); r7-r9 hold expression temporaries; r0 holds helper
 * results and the return value.
 */
public final class ProgramCompiler {
  private final Trees trees;
  private final Elements elements;
  private final Reporter reporter;
  private final boolean debugPrints;

  public ProgramCompiler(Trees trees, Elements elements, Reporter reporter) {
    this(trees, elements, reporter, false);
  }

  /**
   * @param debugPrints whether {@code Debug.print} compiles to {@code bpf_trace_printk} (otherwise
   *     to nothing)
   */
  public ProgramCompiler(Trees trees, Elements elements, Reporter reporter, boolean debugPrints) {
    this.trees = trees;
    this.elements = elements;
    this.reporter = reporter;
    this.debugPrints = debugPrints;
  }

  public Optional<CompiledProgram> compile(ClassModel model, ProgramDecl decl) {
    TreePath path = trees.getPath(decl.method());
    if (path == null) {
      reporter.error(
          DiagnosticId.Environment,
          decl.method(),
          "the source of "
              + decl.name()
              + " is not part of this compilation, so it cannot be compiled to eBPF. Compile"
              + " the class from source with the sockmap4j processor enabled.");
      return Optional.empty();
    }
    CompilationUnitTree unit = path.getCompilationUnit();
    MethodTree method = (MethodTree) path.getLeaf();
    int before = reporter.errorCount();
    String contextName = method.getParameters().get(0).getName().toString();
    Names names = new Names(elements, model, unit, contextName);
    Frame frame = new Frame();
    Emitter out = new Emitter();
    Temps temps = new Temps(out, frame);
    Typer typer = new Typer(names, frame, decl.kind().context());
    ExpressionCompiler exprs =
        new ExpressionCompiler(
            out,
            frame,
            temps,
            typer,
            names,
            new CallCompiler.Target(decl.kind().context(), decl.kind(), debugPrints));
    LineMap lines = unit.getLineMap();
    StatementCompiler.SourcePositions positions =
        tree -> {
          long start = trees.getSourcePositions().getStartPosition(unit, tree);
          return new SourcePos(
              (int) lines.getLineNumber(start), (int) lines.getColumnNumber(start));
        };
    StatementCompiler statements =
        new StatementCompiler(
            exprs,
            decl.kind().returnsVerdict()
                ? JType.VERDICT
                : decl.kind().returnsVoid() ? JType.VOID : JType.INT,
            positions,
            e ->
                reporter.error(e.id(), e.tree() == null ? method : e.tree(), unit, e.getMessage()));
    out.at(positions.of(method.getReturnType())); // the signature line, not its annotations
    out.mov(Width.W64, Register.R6, Register.R1);
    statements.program(method);
    if (out.reachable() && decl.kind().returnsVoid()) {
      statements.voidProgramExit();
    }
    if (out.reachable() && reporter.errorCount() == before) {
      reporter.error(
          DiagnosticId.MissingReturn,
          method,
          unit,
          "a path through " + decl.name() + " ends without a return; every path must return.");
    }
    statements.faultHandler();
    if (reporter.errorCount() != before) {
      return Optional.empty();
    }
    out.assembler().optimize();
    Program program = out.assembler().link();
    List<String> problems = Checker.check(program);
    if (!problems.isEmpty()) {
      reporter.internal(
          decl.method(),
          new IllegalStateException(
              "generated code fails the checker:\n" + String.join("\n", problems)));
      return Optional.empty();
    }
    List<String> source = sourceLines(unit);
    String listing =
        Printer.print(
            program, line -> line >= 1 && line <= source.size() ? source.get(line - 1) : null);
    return Optional.of(new CompiledProgram(decl, program, listing, fileName(unit), source));
  }

  private static List<String> sourceLines(CompilationUnitTree unit) {
    try {
      return unit.getSourceFile().getCharContent(true).toString().lines().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String fileName(CompilationUnitTree unit) {
    String name = unit.getSourceFile().getName();
    return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  }
}
