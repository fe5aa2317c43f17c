package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import io.sockmap4j.processor.model.PrimitiveKind;
import java.util.List;
import java.util.Optional;

/**
 * Fixed-size local arrays of primitives. An array is a block of the stack frame, its elements
 * packed at their C size; its length is a compile-time constant, so {@code a.length} is folded.
 *
 * <pre>
 *   int[] a = new int[3];       r10-16: a[0] a[1]   r10-8: a[2] (padding)     zeroed first
 * </pre>
 *
 * A constant index is checked at compile time ({@link DiagnosticId#IndexOutOfRange}). A variable
 * index is checked at run time, where Java would throw, ending the program with its {@linkplain
 * Faults fault result}; the element's address is then computed from r10:
 *
 * <pre>
 *   if i >= length (unsigned, so negative ints fail too) goto fault
 *   i <<= log2(element size) (0 for bytes);  i += r10;  value = *(size *)(i + offset of a)
 * </pre>
 *
 * The verifier accepts a stack access at a variable offset when the offset has bounds (here from
 * the check) and, for reads, every byte in range is initialised (hence the zeroing): Linux 5.12.
 */
final class ArrayCompiler {
  private final ExpressionCompiler exprs;

  ArrayCompiler(ExpressionCompiler exprs) {
    this.exprs = exprs;
  }

  /** Declares the array local {@code v} ({@code declared} is its declared type, null for var). */
  void declare(VariableTree v, JType declared) {
    ExpressionTree init = unparen(v.getInitializer());
    if (init == null) {
      throw CompileError.unsupported(
          v,
          "an array without an initialiser",
          "Give it its elements or a constant length: '"
              + declared
              + " "
              + v.getName()
              + " = new "
              + declared.primitive().javaName()
              + "[8];'.");
    }
    if (!(init instanceof NewArrayTree na)) {
      throw CompileError.unsupported(
          init,
          "an array initialised from '" + init + "'",
          "Arrays cannot be copied or shared: create it with 'new' or '{...}'.");
    }
    JType type = exprs.typer.newArrayType(na, declared);
    if (declared != null && declared.primitive() != type.primitive()) {
      throw CompileError.unsupported(
          init, "a " + declared.element() + "[] initialised with " + type, "Match the types.");
    }
    int offset = exprs.frame.allocate(type.stackSize(), v);
    List<? extends ExpressionTree> elements = na.getInitializers();
    if (elements == null) {
      for (int i = 0; i < type.stackSize(); i += 8) {
        exprs.out.storeImm(Size.DW, Register.R10, offset + i, 0);
      }
    } else {
      Size size = CallCompiler.size(type.primitive());
      for (int i = 0; i < elements.size(); i++) {
        storeElement(elements.get(i), type.element(), size, offset + i * size.bytes());
      }
    }
    exprs.frame.declareAt(v.getName().toString(), type, offset);
  }

  private void storeElement(ExpressionTree e, JType type, Size size, int at) {
    Optional<Constant> c = exprs.typer.constant(e);
    long value = c.map(k -> ConstantFolder.narrow(type, k.value())).orElse(0L);
    if (c.isPresent() && c.get().type().isScalar() && value == (int) value) {
      exprs.out.storeImm(size, Register.R10, at, (int) value);
      return;
    }
    Temp t = exprs.evalAs(e, type);
    exprs.out.store(size, Register.R10, at, exprs.use(t, e));
    exprs.temps.release(t);
  }

  /** Reads {@code a[i]} into a new temporary. */
  Temp read(ArrayAccessTree access) {
    Assignments.Place element = element(access);
    Temp t = element.load(access);
    element.release();
    return t;
  }

  /** The element {@code a[i]}: its index is evaluated and checked now, as Java does. */
  Assignments.Place element(ArrayAccessTree access) {
    Frame.Local array = arrayLocal(access.getExpression());
    JType type = array.type();
    ExpressionTree index = access.getIndex();
    exprs.typer.typeOf(access);
    Optional<Constant> c = exprs.typer.constant(index);
    if (c.isPresent()) {
      long i = c.get().value();
      if (i < 0 || i >= type.length()) {
        throw new CompileError(
            DiagnosticId.IndexOutOfRange,
            index,
            "index "
                + i
                + " is outside "
                + array.name()
                + " (length "
                + type.length()
                + "): Java would throw ArrayIndexOutOfBoundsException. Use an index from 0 to "
                + (type.length() - 1)
                + ".");
      }
      return new Element(type, Register.R10, null, array.offset() + (int) i * elementSize(type));
    }
    Temp address = exprs.evalAs(index, JType.INT);
    return new Element(
        type, null, address(address, type, access, exprs.faults.label()), array.offset());
  }

  /** Reads the element whose {@link #address} is in {@code address}, which is released. */
  Temp loadAt(Temp address, Frame.Local array, Tree at) {
    Element element = new Element(array.type(), null, address, array.offset());
    Temp t = element.load(at);
    element.release();
    return t;
  }

  /**
   * Turns the temporary holding an int index into the address of its element, relative to the
   * array's offset; out-of-range indexes go to {@code outOfRange}.
   */
  Temp address(Temp index, JType array, Tree at, io.sockmap4j.processor.backend.Label outOfRange) {
    Register r = exprs.use(index, at);
    exprs.out.jumpIfImm(Width.W64, JumpOp.JGE, r, array.length(), outOfRange);
    // Scale by the element size, also for bytes (a shift by 0): the verifier remembers that an
    // index computed as 'other + constant' is linked to the other register and keeps the constant
    // as the register's offset, and it refuses adding such a register to r10 ("fp pointer offset
    // ... is not allowed", Linux 6.18). Any ALU operation other than an addition drops the link.
    exprs.out.aluImm(Width.W64, AluOp.LSH, r, Integer.numberOfTrailingZeros(elementSize(array)));
    exprs.out.alu(Width.W64, AluOp.ADD, r, Register.R10);
    exprs.temps.unpin(index);
    return exprs.temps.retype(index, JType.LONG);
  }

  /** The local array variable {@code e} names. */
  Frame.Local arrayLocal(ExpressionTree e) {
    exprs.typer.arrayOf(e);
    return exprs.frame.lookup(((IdentifierTree) unparen(e)).getName().toString()).orElseThrow();
  }

  private static int elementSize(JType array) {
    return array.primitive().size();
  }

  /** An element at {@code base + offset}: base is r10, or the computed address in a temporary. */
  private final class Element implements Assignments.Place {
    private final JType array;
    private final Register fixedBase;
    private final Temp address;
    private final int offset;

    Element(JType array, Register fixedBase, Temp address, int offset) {
      this.array = array;
      this.fixedBase = fixedBase;
      this.address = address;
      this.offset = offset;
    }

    @Override
    public JType type() {
      return array.element();
    }

    private Register base(Tree at) {
      return address == null ? fixedBase : exprs.use(address, at);
    }

    @Override
    public Temp load(Tree at) {
      Register base = base(at);
      Temp t = exprs.temps.acquire(type(), at);
      Register r = exprs.use(t, at);
      exprs.out.load(CallCompiler.size(array.primitive()), r, base, offset);
      PrimitiveKind kind = array.primitive();
      if (kind == PrimitiveKind.BYTE || kind == PrimitiveKind.SHORT) {
        int shift = kind == PrimitiveKind.BYTE ? 24 : 16;
        exprs.out.aluImm(Width.W32, AluOp.LSH, r, shift);
        exprs.out.aluImm(Width.W32, AluOp.ARSH, r, shift);
      }
      exprs.temps.unpin(t);
      if (address != null) {
        exprs.temps.unpin(address);
      }
      return t;
    }

    @Override
    public void store(Temp value, Tree at) {
      Register v = exprs.use(value, at);
      exprs.out.store(CallCompiler.size(array.primitive()), base(at), offset, v);
      exprs.temps.unpin(value);
      if (address != null) {
        exprs.temps.unpin(address);
      }
    }

    @Override
    public void release() {
      if (address != null) {
        exprs.temps.release(address);
      }
    }
  }

  private static ExpressionTree unparen(ExpressionTree e) {
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    return e;
  }
}
