package io.sockmap4j.processor.model;

import io.sockmap4j.SkMsgVerdict;
import io.sockmap4j.SkSkbParser;
import io.sockmap4j.SkSkbVerdict;
import io.sockmap4j.SkbVerdict;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.SockOps;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.diag.Reporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Reads the maps and programs an annotated class declares, checking every declaration rule and
 * reporting each broken one at the declaration. The result holds only the declarations that are
 * valid, so later passes never see a half-formed map or program.
 */
public final class DeclarationReader {
  private final Reporter reporter;

  public DeclarationReader(Reporter reporter) {
    this.reporter = reporter;
  }

  /** Reads {@code type}; invalid declarations are reported and left out. */
  public ClassModel read(TypeElement type) {
    List<MapDecl> maps = new ArrayList<>();
    for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
      readMap(field).ifPresent(maps::add);
    }
    ClassModel partial = new ClassModel(type, List.copyOf(maps), List.of());
    List<ProgramDecl> programs = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      Optional<ProgramDecl> program = readProgram(partial, method);
      if (program.isEmpty()) {
        continue;
      }
      ProgramDecl p = program.get();
      Optional<ProgramDecl> first =
          programs.stream()
              .filter(q -> p.map() != null && q.kind() == p.kind())
              .filter(q -> q.map().name().equals(p.map().name()))
              .findFirst();
      if (first.isPresent()) {
        reporter.error(
            DiagnosticId.DuplicateProgram,
            method,
            "map '"
                + p.map().name()
                + "' already has the @"
                + p.kind().annotationSimpleName()
                + " program '"
                + first.get().name()
                + "'; the kernel holds one program of each kind per map. Merge the"
                + " two methods, or attach this one to another map.");
        continue;
      }
      programs.add(p);
    }
    return new ClassModel(type, List.copyOf(maps), SkbAttachRules.check(programs, reporter));
  }

  private Optional<MapDecl> readMap(VariableElement field) {
    if (StateMapReader.declaresStateMap(field)) {
      return new StateMapReader(reporter).read(field);
    }
    SockMap sockMap = field.getAnnotation(SockMap.class);
    SockHash sockHash = field.getAnnotation(SockHash.class);
    if (sockMap == null && sockHash == null) {
      return Optional.empty();
    }
    if (sockMap != null && sockHash != null) {
      return mapError(field, "a field declares one map: use either @SockMap or @SockHash.");
    }
    MapKind kind = sockMap != null ? MapKind.SOCKMAP : MapKind.SOCKHASH;
    int maxEntries = sockMap != null ? sockMap.maxEntries() : sockHash.maxEntries();
    String simple = kind.fieldType().substring(kind.fieldType().lastIndexOf('.') + 1);
    if (!field.getModifiers().contains(Modifier.STATIC)) {
      return mapError(field, "map fields must be static: declare it 'static " + simple + " ...'.");
    }
    if (maxEntries <= 0) {
      return mapError(field, "maxEntries must be at least 1, not " + maxEntries + ".");
    }
    TypeMirror fieldType = field.asType();
    if (fieldType.getKind() != TypeKind.DECLARED
        || !qualifiedName(fieldType).equals(kind.fieldType())) {
      return mapError(
          field,
          "a @"
              + kind.annotation().substring(kind.annotation().lastIndexOf('.') + 1)
              + " field must have type "
              + kind.fieldType()
              + (kind == MapKind.SOCKHASH ? "<K>" : "")
              + ", not "
              + fieldType
              + ".");
    }
    if (kind == MapKind.SOCKMAP) {
      return Optional.of(
          new MapDecl(
              name(field), kind, new KeyType.Primitive(PrimitiveKind.INT), maxEntries, field));
    }
    List<? extends TypeMirror> args = ((DeclaredType) fieldType).getTypeArguments();
    if (args.size() != 1) {
      return mapError(
          field,
          "give SocketHash its key type, for example SocketHash<Long> or SocketHash<MyKey>.");
    }
    Optional<KeyType> key = keyType(args.get(0));
    if (key.isEmpty()) {
      return mapError(
          field,
          "unsupported SOCKHASH key type "
              + args.get(0)
              + ": use Byte, Short, Integer, Long, or a record whose components are"
              + " boolean, byte, short, char, int or long.");
    }
    return Optional.of(new MapDecl(name(field), kind, key.get(), maxEntries, field));
  }

  /** The key type for a SOCKHASH type argument, if the subset supports it. */
  public static Optional<KeyType> keyType(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    PrimitiveKind boxed = PrimitiveKind.ofBoxed(qualifiedName(type));
    if (boxed != null && boxed != PrimitiveKind.BOOLEAN && boxed != PrimitiveKind.CHAR) {
      return Optional.of(new KeyType.Primitive(boxed));
    }
    return recordLayout((TypeElement) ((DeclaredType) type).asElement()).map(KeyType.Record::new);
  }

  /** The C layout of a record of primitives, or empty if {@code type} is not one. */
  public static Optional<RecordLayout> recordLayout(TypeElement type) {
    if (type.getKind() != ElementKind.RECORD) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    List<PrimitiveKind> kinds = new ArrayList<>();
    for (RecordComponentElement component : type.getRecordComponents()) {
      PrimitiveKind kind = PrimitiveKind.of(component.asType().getKind());
      if (kind == null) {
        return Optional.empty();
      }
      names.add(component.getSimpleName().toString());
      kinds.add(kind);
    }
    if (names.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(RecordLayout.of(type.getQualifiedName().toString(), names, kinds));
  }

  private Optional<ProgramDecl> readProgram(ClassModel model, ExecutableElement method) {
    List<ProgramKind> kinds = new ArrayList<>();
    List<String> mapNames = new ArrayList<>();
    SkSkbParser parser = method.getAnnotation(SkSkbParser.class);
    if (parser != null) {
      kinds.add(ProgramKind.SKB_PARSER);
      mapNames.add(parser.map());
    }
    SkSkbVerdict verdict = method.getAnnotation(SkSkbVerdict.class);
    if (verdict != null) {
      kinds.add(ProgramKind.SKB_VERDICT);
      mapNames.add(verdict.map());
    }
    SkMsgVerdict msg = method.getAnnotation(SkMsgVerdict.class);
    if (msg != null) {
      kinds.add(ProgramKind.MSG_VERDICT);
      mapNames.add(msg.map());
    }
    if (method.getAnnotation(SockOps.class) != null) {
      kinds.add(ProgramKind.SOCK_OPS);
      mapNames.add(null); // attached to a cgroup chosen at run time
    }
    SkbVerdict skbVerdict = method.getAnnotation(SkbVerdict.class);
    if (skbVerdict != null) {
      kinds.add(ProgramKind.SKB_SOCKET_VERDICT);
      mapNames.add(skbVerdict.map());
    }
    if (kinds.isEmpty()) {
      return Optional.empty();
    }
    if (kinds.size() > 1) {
      return programError(
          method,
          "a method is one program: it has "
              + kinds.stream()
                  .map(k -> "@" + k.annotationSimpleName())
                  .collect(Collectors.joining(", "))
              + ". Write one method per program.");
    }
    ProgramKind kind = kinds.get(0);
    String expected =
        "static "
            + (kind.returnsVerdict() ? "Verdict" : kind.returnsVoid() ? "void" : "int")
            + " "
            + method.getSimpleName()
            + "("
            + kind.context().simpleName()
            + " "
            + kind.context().parameterName()
            + ")";
    boolean ok = method.getModifiers().contains(Modifier.STATIC);
    ok &=
        method.getParameters().size() == 1
            && isType(method.getParameters().get(0).asType(), kind.context().javaType());
    ok &=
        kind.returnsVerdict()
            ? isType(method.getReturnType(), "io.sockmap4j.Verdict")
            : method.getReturnType().getKind()
                == (kind.returnsVoid() ? TypeKind.VOID : TypeKind.INT);
    ok &= method.getTypeParameters().isEmpty() && method.getThrownTypes().isEmpty();
    if (!ok) {
      return programError(
          method,
          "a @" + kind.annotationSimpleName() + " method must be declared as '" + expected + "'.");
    }
    if (!kind.attachesToMap()) {
      return Optional.of(new ProgramDecl(method, kind, null));
    }
    String mapName = mapNames.get(0);
    Optional<MapDecl> map = model.map(mapName);
    if (map.isEmpty() && isRejectedMap(model.type(), mapName)) {
      return Optional.empty(); // the map's declaration error is reported; do not repeat it here
    }
    if (map.isEmpty()) {
      reporter.error(
          DiagnosticId.BadMapReference,
          method,
          "@"
              + kind.annotationSimpleName()
              + "(map = \""
              + mapName
              + "\") names no map of this class; declared maps: "
              + (model.maps().isEmpty()
                  ? "none (declare one with @SockMap or @SockHash on a static field)"
                  : model.maps().stream().map(MapDecl::name).collect(Collectors.joining(", ")))
              + ".");
      return Optional.empty();
    }
    if (!map.get().kind().holdsSockets()) {
      reporter.error(
          DiagnosticId.BadMapReference,
          method,
          "@"
              + kind.annotationSimpleName()
              + "(map = \""
              + mapName
              + "\") names a @"
              + map.get().kind().annotationSimpleName()
              + " map, which holds values, not sockets: programs attach to a @SockMap or"
              + " @SockHash. Name a socket map here; programs can still use '"
              + mapName
              + "' in their bodies.");
      return Optional.empty();
    }
    return Optional.of(new ProgramDecl(method, kind, map.get()));
  }

  /** Whether {@code type} has a map field {@code name} that {@link #readMap} rejected. */
  private static boolean isRejectedMap(TypeElement type, String name) {
    return ElementFilter.fieldsIn(type.getEnclosedElements()).stream()
        .anyMatch(
            f ->
                f.getSimpleName().contentEquals(name)
                    && (f.getAnnotation(SockMap.class) != null
                        || f.getAnnotation(SockHash.class) != null
                        || StateMapReader.declaresStateMap(f)));
  }

  private Optional<MapDecl> mapError(Element field, String message) {
    reporter.error(DiagnosticId.BadMapDeclaration, field, message);
    return Optional.empty();
  }

  private Optional<ProgramDecl> programError(Element method, String message) {
    reporter.error(DiagnosticId.BadProgramSignature, method, message);
    return Optional.empty();
  }

  private static String name(Element element) {
    return element.getSimpleName().toString();
  }

  private static boolean isType(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED && qualifiedName(type).equals(qualifiedName);
  }

  private static String qualifiedName(TypeMirror type) {
    return ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString();
  }
}
