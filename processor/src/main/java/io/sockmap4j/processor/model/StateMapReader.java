package io.sockmap4j.processor.model;

import io.sockmap4j.BpfArray;
import io.sockmap4j.BpfHash;
import io.sockmap4j.BpfLruHash;
import io.sockmap4j.BpfPerCpuArray;
import io.sockmap4j.SockHash;
import io.sockmap4j.SockMap;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.diag.Reporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Reads the state map declarations ({@link BpfHash}, {@link BpfLruHash}, {@link BpfArray}, {@link
 * BpfPerCpuArray}): a static field of the matching program-side type whose type arguments are a
 * boxed primitive or a record of primitives, laid out as the kernel will store them.
 */
final class StateMapReader {
  private final Reporter reporter;

  StateMapReader(Reporter reporter) {
    this.reporter = reporter;
  }

  /** Whether {@code field} carries one of the state map annotations. */
  static boolean declaresStateMap(VariableElement field) {
    return !kinds(field).isEmpty();
  }

  /** The state map {@code field} declares; every broken rule is reported and gives empty. */
  Optional<MapDecl> read(VariableElement field) {
    List<MapKind> kinds = kinds(field);
    boolean socketMap =
        field.getAnnotation(SockMap.class) != null || field.getAnnotation(SockHash.class) != null;
    if (kinds.size() > 1 || socketMap) {
      return error(
          field,
          "a field declares one map, but this one has "
              + kinds.stream()
                  .map(k -> "@" + k.annotationSimpleName())
                  .collect(Collectors.joining(", "))
              + (socketMap ? " and a socket map annotation" : "")
              + ". Keep one annotation.");
    }
    MapKind kind = kinds.get(0);
    String form =
        kind.fieldSimpleName()
            + (kind == MapKind.HASH || kind == MapKind.LRU_HASH ? "<K, V>" : "<V>");
    if (!field.getModifiers().contains(Modifier.STATIC)) {
      return error(field, "map fields must be static: declare it 'static " + form + " ...'.");
    }
    int maxEntries = maxEntries(field, kind);
    if (maxEntries <= 0) {
      return error(field, "maxEntries must be at least 1, not " + maxEntries + ".");
    }
    TypeMirror type = field.asType();
    if (type.getKind() != TypeKind.DECLARED
        || !((TypeElement) ((DeclaredType) type).asElement())
            .getQualifiedName()
            .contentEquals(kind.fieldType())) {
      return error(
          field,
          "a @"
              + kind.annotationSimpleName()
              + " field must have type "
              + kind.fieldType()
              + form.substring(form.indexOf('<'))
              + ", not "
              + type
              + ".");
    }
    List<? extends TypeMirror> args = ((DeclaredType) type).getTypeArguments();
    boolean hashed = kind == MapKind.HASH || kind == MapKind.LRU_HASH;
    if (args.size() != (hashed ? 2 : 1)) {
      return error(
          field,
          "give "
              + kind.fieldSimpleName()
              + " its "
              + (hashed
                  ? "key and value types, for example StateMap<Integer, Long>."
                  : "value type, for example " + kind.fieldSimpleName() + "<Long>."));
    }
    KeyType key = new KeyType.Primitive(PrimitiveKind.INT);
    if (hashed) {
      Optional<KeyType> k = DeclarationReader.keyType(args.get(0));
      if (k.isEmpty()) {
        return error(field, unsupported("key", args.get(0)));
      }
      key = k.get();
    }
    TypeMirror valueArg = args.get(hashed ? 1 : 0);
    Optional<KeyType> value = DeclarationReader.keyType(valueArg);
    if (value.isEmpty()) {
      return error(field, unsupported("value", valueArg));
    }
    return Optional.of(
        new MapDecl(field.getSimpleName().toString(), kind, key, maxEntries, field, value.get()));
  }

  private static String unsupported(String what, TypeMirror type) {
    return "unsupported "
        + what
        + " type "
        + type
        + ": use Byte, Short, Integer, Long, or a record whose components are boolean, byte,"
        + " short, char, int or long (the kernel stores the bytes; programs and the Loader lay"
        + " them out the same way).";
  }

  private static List<MapKind> kinds(VariableElement field) {
    List<MapKind> kinds = new ArrayList<>();
    if (field.getAnnotation(BpfHash.class) != null) {
      kinds.add(MapKind.HASH);
    }
    if (field.getAnnotation(BpfLruHash.class) != null) {
      kinds.add(MapKind.LRU_HASH);
    }
    if (field.getAnnotation(BpfArray.class) != null) {
      kinds.add(MapKind.ARRAY);
    }
    if (field.getAnnotation(BpfPerCpuArray.class) != null) {
      kinds.add(MapKind.PERCPU_ARRAY);
    }
    return kinds;
  }

  private static int maxEntries(VariableElement field, MapKind kind) {
    switch (kind) {
      case HASH:
        return field.getAnnotation(BpfHash.class).maxEntries();
      case LRU_HASH:
        return field.getAnnotation(BpfLruHash.class).maxEntries();
      case ARRAY:
        return field.getAnnotation(BpfArray.class).maxEntries();
      default:
        return field.getAnnotation(BpfPerCpuArray.class).maxEntries();
    }
  }

  private Optional<MapDecl> error(VariableElement field, String message) {
    reporter.error(DiagnosticId.BadMapDeclaration, field, message);
    return Optional.empty();
  }
}
