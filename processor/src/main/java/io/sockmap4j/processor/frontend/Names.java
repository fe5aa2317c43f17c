package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import io.sockmap4j.processor.model.ClassModel;
import io.sockmap4j.processor.model.MapDecl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Resolves the names a program body uses. Method bodies are not attributed while annotations are
 * processed, so names are looked up here by Java's rules, restricted to what the subset has:
 * locals, the context parameter, the class's map fields, compile-time constants, the class's own
 * methods, and types (records, enums, {@code Verdict}, {@code Direction}) named directly, through
 * imports, in the same package or fully qualified.
 */
final class Names {
  private final Elements elements;
  private final ClassModel model;
  private final CompilationUnitTree unit;
  private String contextName;

  Names(Elements elements, ClassModel model, CompilationUnitTree unit, String contextName) {
    this.elements = elements;
    this.model = model;
    this.unit = unit;
    this.contextName = contextName;
  }

  boolean isContext(ExpressionTree tree) {
    return contextName != null
        && tree instanceof IdentifierTree id
        && id.getName().contentEquals(contextName);
  }

  /** The context parameter's name in the method being compiled; null if it has none. */
  String contextName() {
    return contextName;
  }

  /**
   * Makes {@code name} the context parameter (null: there is none), as the body of an inlined
   * method names it; returns the previous name, which the caller restores.
   */
  String switchContextName(String name) {
    String previous = contextName;
    contextName = name;
    return previous;
  }

  /** The program's class. */
  TypeElement programClass() {
    return model.type();
  }

  /** The static and instance methods named {@code name} declared in the program's class. */
  List<MethodTree> methods(String name) {
    List<MethodTree> found = new ArrayList<>();
    classTree(unit.getTypeDecls(), model.type())
        .ifPresent(
            c -> {
              for (Tree member : c.getMembers()) {
                if (member instanceof MethodTree m && m.getName().contentEquals(name)) {
                  found.add(m);
                }
              }
            });
    return found;
  }

  /** The declaration of {@code type} among {@code trees} and the classes nested in them. */
  private static Optional<ClassTree> classTree(List<? extends Tree> trees, TypeElement type) {
    Element enclosing = type.getEnclosingElement();
    List<? extends Tree> candidates = trees;
    if (enclosing instanceof TypeElement outer) {
      Optional<ClassTree> outerTree = classTree(trees, outer);
      if (outerTree.isEmpty()) {
        return Optional.empty();
      }
      candidates = outerTree.get().getMembers();
    }
    for (Tree t : candidates) {
      if (t instanceof ClassTree c && c.getSimpleName().contentEquals(type.getSimpleName())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The constants of an enum type in ordinal order. */
  static JType.EnumInfo enumInfo(TypeElement type) {
    List<String> constants = new ArrayList<>();
    for (Element e : type.getEnclosedElements()) {
      if (e.getKind() == ElementKind.ENUM_CONSTANT) {
        constants.add(e.getSimpleName().toString());
      }
    }
    return new JType.EnumInfo(
        type.getQualifiedName().toString(), type.getSimpleName().toString(), constants);
  }

  /** The map a receiver names: {@code sockets} or {@code Echo.sockets}. */
  Optional<MapDecl> map(ExpressionTree tree, Frame frame) {
    if (tree instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (frame.lookup(name).isPresent() || name.equals(contextName)) {
        return Optional.empty();
      }
      return model.map(name);
    }
    if (tree instanceof MemberSelectTree ms
        && type(ms.getExpression()).filter(t -> t.equals(model.type())).isPresent()) {
      return model.map(ms.getIdentifier().toString());
    }
    return Optional.empty();
  }

  /** A static final compile-time constant field of {@code owner}. */
  Optional<Constant> constantField(TypeElement owner, String name) {
    for (VariableElement field : ElementFilter.fieldsIn(owner.getEnclosedElements())) {
      if (field.getSimpleName().contentEquals(name)
          && field.getModifiers().contains(Modifier.STATIC)
          && field.getConstantValue() != null) {
        return constantOf(field.getConstantValue());
      }
    }
    return Optional.empty();
  }

  /**
   * A field constant visible by simple name: in the class or its enclosing classes, then through a
   * single static import, then through a static import on demand, as Java shadows them.
   */
  Optional<Constant> constant(String name) {
    for (Element e = model.type(); e instanceof TypeElement t; e = t.getEnclosingElement()) {
      Optional<Constant> c = constantField(t, name);
      if (c.isPresent()) {
        return c;
      }
    }
    for (boolean onDemand : new boolean[] {false, true}) {
      for (ImportTree imp : unit.getImports()) {
        if (imp.isStatic()
            && imp.getQualifiedIdentifier() instanceof MemberSelectTree q
            && q.getIdentifier().contentEquals(onDemand ? "*" : name)) {
          TypeElement owner = elements.getTypeElement(q.getExpression().toString());
          Optional<Constant> c = owner == null ? Optional.empty() : constantField(owner, name);
          if (c.isPresent()) {
            return c;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The type a name expression denotes, if it denotes one. */
  Optional<TypeElement> type(ExpressionTree tree) {
    if (tree instanceof IdentifierTree id) {
      return typeBySimpleName(id.getName().toString());
    }
    if (tree instanceof MemberSelectTree ms) {
      TypeElement qualified = elements.getTypeElement(ms.toString());
      if (qualified != null) {
        return Optional.of(qualified);
      }
      return type(ms.getExpression())
          .flatMap(owner -> memberType(owner, ms.getIdentifier().toString()));
    }
    return Optional.empty();
  }

  /** The type a declaration's type tree names. */
  Optional<TypeElement> type(Tree tree) {
    return tree instanceof ExpressionTree e ? type(e) : Optional.empty();
  }

  private Optional<TypeElement> typeBySimpleName(String name) {
    for (Element e = model.type(); e instanceof TypeElement t; e = t.getEnclosingElement()) {
      if (t.getSimpleName().contentEquals(name)) {
        return Optional.of(t);
      }
      Optional<TypeElement> member = memberType(t, name);
      if (member.isPresent()) {
        return member;
      }
    }
    for (ImportTree imp : unit.getImports()) {
      if (imp.isStatic() || !(imp.getQualifiedIdentifier() instanceof MemberSelectTree q)) {
        continue;
      }
      if (q.getIdentifier().contentEquals(name)) {
        TypeElement t = elements.getTypeElement(q.toString());
        if (t != null) {
          return Optional.of(t);
        }
      }
    }
    PackageElement pkg = elements.getPackageOf(model.type());
    String samePackage = pkg.isUnnamed() ? name : pkg.getQualifiedName() + "." + name;
    TypeElement local = elements.getTypeElement(samePackage);
    if (local != null) {
      return Optional.of(local);
    }
    for (ImportTree imp : unit.getImports()) {
      if (!imp.isStatic()
          && imp.getQualifiedIdentifier() instanceof MemberSelectTree q
          && q.getIdentifier().contentEquals("*")) {
        TypeElement t = elements.getTypeElement(q.getExpression() + "." + name);
        if (t != null) {
          return Optional.of(t);
        }
      }
    }
    return Optional.ofNullable(elements.getTypeElement("java.lang." + name));
  }

  private static Optional<TypeElement> memberType(TypeElement owner, String name) {
    return owner.getEnclosedElements().stream()
        .filter(
            e ->
                e.getKind().isClass()
                    || e.getKind().isInterface()
                    || e.getKind() == ElementKind.RECORD)
        .filter(e -> e.getSimpleName().contentEquals(name))
        .map(TypeElement.class::cast)
        .findFirst();
  }

  private static Optional<Constant> constantOf(Object value) {
    if (value instanceof Integer i) {
      return Optional.of(new Constant(JType.INT, i));
    }
    if (value instanceof Long l) {
      return Optional.of(new Constant(JType.LONG, l));
    }
    if (value instanceof Boolean b) {
      return Optional.of(new Constant(JType.BOOLEAN, b ? 1 : 0));
    }
    if (value instanceof Character c) {
      return Optional.of(
          new Constant(JType.primitive(io.sockmap4j.processor.model.PrimitiveKind.CHAR), c));
    }
    if (value instanceof Short s) {
      return Optional.of(
          new Constant(JType.primitive(io.sockmap4j.processor.model.PrimitiveKind.SHORT), s));
    }
    if (value instanceof Byte b) {
      return Optional.of(
          new Constant(JType.primitive(io.sockmap4j.processor.model.PrimitiveKind.BYTE), b));
    }
    return Optional.empty();
  }
}
