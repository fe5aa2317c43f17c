package io.sockmap4j.processor.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.sockmap4j.processor.model.ClassModel;
import io.sockmap4j.processor.model.KeyType;
import io.sockmap4j.processor.model.MapDecl;
import io.sockmap4j.processor.model.MapKind;
import io.sockmap4j.processor.model.PrimitiveKind;
import io.sockmap4j.processor.model.ProgramDecl;
import io.sockmap4j.processor.model.RecordLayout;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Writes the generated {@code <Class>Loader}: the only place that uses JavaPoet. The Loader holds
 * no bytecode (that is the {@code .sockmap4j} resource beside the class), no file descriptors and
 * no paths; it opens the resource through the runtime and wraps each map in a typed accessor.
 */
public final class LoaderWriter {
  private static final String RUNTIME = "io.sockmap4j.runtime";
  private static final ClassName BPF_OBJECT = ClassName.get(RUNTIME, "BpfObject");
  private static final ClassName KEY_CODEC = ClassName.get(RUNTIME, "KeyCodec");
  private static final ClassName SOCK_MAP_HANDLE = ClassName.get(RUNTIME, "SockMapHandle");
  private static final ClassName SOCK_HASH_HANDLE = ClassName.get(RUNTIME, "SockHashHandle");
  private static final ClassName STATE_MAP_HANDLE = ClassName.get(RUNTIME, "StateMapHandle");
  private static final ClassName ARRAY_MAP_HANDLE = ClassName.get(RUNTIME, "ArrayMapHandle");
  private static final ClassName PER_CPU_ARRAY_HANDLE = ClassName.get(RUNTIME, "PerCpuArrayHandle");
  private static final ClassName ATTACH_OPTIONS = ClassName.get(RUNTIME, "AttachOptions");
  private static final ClassName BYTE_BUFFER = ClassName.get("java.nio", "ByteBuffer");
  private static final ClassName PATH = ClassName.get("java.nio.file", "Path");

  private final Filer filer;
  private final Elements elements;

  public LoaderWriter(Filer filer, Elements elements) {
    this.filer = filer;
    this.elements = elements;
  }

  /** The generated class's simple name: {@code EchoLoader}, {@code Outer_EchoLoader} if nested. */
  public static String loaderName(TypeElement type, Elements elements) {
    String binary = elements.getBinaryName(type).toString();
    String flat = binary.substring(binary.lastIndexOf('.') + 1);
    return flat.replace('$', '_') + "Loader";
  }

  /** The object resource's name, relative to the class's package. */
  public static String resourceName(TypeElement type, Elements elements) {
    String binary = elements.getBinaryName(type).toString();
    return binary.substring(binary.lastIndexOf('.') + 1) + ".sockmap4j";
  }

  public void write(ClassModel model) throws IOException {
    TypeElement type = model.type();
    String pkg = elements.getPackageOf(type).getQualifiedName().toString();
    ClassName loader = ClassName.get(pkg, loaderName(type, elements));
    ClassName source = ClassName.get(type);
    TypeSpec.Builder spec =
        TypeSpec.classBuilder(loader)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(AutoCloseable.class)
            .addOriginatingElement(type)
            .addAnnotation(
                AnnotationSpec.builder(ClassName.get("javax.annotation.processing", "Generated"))
                    .addMember("value", "$S", "io.sockmap4j.processor.SockmapProcessor")
                    .build())
            .addJavadoc(classDoc(model, source))
            .addField(
                FieldSpec.builder(
                        String.class,
                        "OBJECT_RESOURCE",
                        Modifier.PUBLIC,
                        Modifier.STATIC,
                        Modifier.FINAL)
                    .initializer("$S", resourceName(type, elements))
                    .addJavadoc(
                        "The compiled object (maps and programs), a resource beside this class.\n")
                    .build())
            .addField(BPF_OBJECT, "object", Modifier.PRIVATE, Modifier.FINAL);

    MethodSpec.Builder constructor =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameter(BPF_OBJECT, "object")
            .addStatement("this.object = object");
    Map<String, TypeSpec> codecs = new LinkedHashMap<>();
    for (MapDecl map : model.maps()) {
      TypeName handle = handleType(map);
      spec.addField(handle, map.name(), Modifier.PRIVATE, Modifier.FINAL);
      constructor.addStatement("this.$N = $L", map.name(), handleInitializer(map, codecs));
      spec.addMethod(
          MethodSpec.methodBuilder(map.name())
              .addModifiers(Modifier.PUBLIC)
              .returns(handle)
              .addJavadoc(accessorDoc(map))
              .addStatement("return $N", map.name())
              .build());
    }
    spec.addMethod(constructor.build());
    spec.addMethod(
        MethodSpec.methodBuilder("attach")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(loader)
            .addJavadoc(
                "Creates the maps, loads every program through the kernel verifier and attaches\n"
                    + "each to its map (through a bpf_link where the kernel has sockmap links,\n"
                    + "6.10+). All or nothing: on failure everything created is freed and the\n"
                    + "exception ({@code BpfException}, or {@code VerifierException} with the\n"
                    + "verifier's log) names the cause.\n")
            .addStatement("return attach($T.defaults())", ATTACH_OPTIONS)
            .build());
    spec.addMethod(
        MethodSpec.methodBuilder("attach")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(loader)
            .addParameter(ATTACH_OPTIONS, "options")
            .addJavadoc(
                "Like {@link #attach()}, attaching and pinning as {@code options} say: with\n"
                    + "{@code options.pinTo(dir)} the setup outlives this process, and\n"
                    + "{@link #openPinned} reopens it later.\n")
            .addStatement(
                "return new $T($T.load($T.class, OBJECT_RESOURCE, options))",
                loader,
                BPF_OBJECT,
                loader)
            .build());
    spec.addMethod(
        MethodSpec.methodBuilder("openPinned")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(loader)
            .addParameter(PATH, "directory")
            .addJavadoc(
                "Reopens what {@code attach(AttachOptions.defaults().pinTo(directory))} pinned,\n"
                    + "from this or another process, after checking every map's shape and every\n"
                    + "program's type against this class's declarations. {@link #close()} then\n"
                    + "leaves the setup running; {@link #remove()} tears it down.\n")
            .addStatement(
                "return new $T($T.openPinned($T.class, OBJECT_RESOURCE, directory))",
                loader,
                BPF_OBJECT,
                loader)
            .build());
    spec.addMethod(
        MethodSpec.methodBuilder("object")
            .addModifiers(Modifier.PUBLIC)
            .returns(BPF_OBJECT)
            .addJavadoc("The loaded object: kernel ids of the maps and programs, raw map access.\n")
            .addStatement("return object")
            .build());
    spec.addMethod(
        MethodSpec.methodBuilder("listing")
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addJavadoc(
                "The eBPF each program compiled to, one instruction per line, each Java source line"
                    + "\nas a {@code ; source} comment above its instructions. The same listing is"
                    + " written\nbeside this generated file as {@code $L.txt} (and packaged as a"
                    + " resource).\nThe kernel's own view: {@code bpftool prog dump xlated id N"
                    + " linum}, with the\nprogram ids of {@link #object()}.\n",
                resourceName(model.type(), elements))
            .addStatement("return object.listing()")
            .build());
    spec.addMethod(
        MethodSpec.methodBuilder("close")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Detaches the programs and frees every map and program; for a pinned setup, only\n"
                    + "releases this process's handles. Idempotent.\n")
            .addStatement("object.close()")
            .build());
    spec.addMethod(
        MethodSpec.methodBuilder("remove")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Tears the setup down, pinned or not: detaches the programs, empties the maps,\n"
                    + "frees everything and removes the pins.\n")
            .addStatement("object.remove()")
            .build());
    codecs.values().forEach(spec::addType);
    JavaFile.builder(pkg, spec.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build()
        .writeTo(filer);
  }

  private static TypeName handleType(MapDecl map) {
    if (!map.kind().holdsSockets()) {
      return stateHandleType(map);
    }
    if (map.kind() == MapKind.SOCKMAP) {
      return SOCK_MAP_HANDLE;
    }
    return ParameterizedTypeName.get(SOCK_HASH_HANDLE, keyTypeName(map.key()));
  }

  private static TypeName keyTypeName(KeyType key) {
    if (key instanceof KeyType.Record r) {
      return ClassName.bestGuess(r.layout().qualifiedName());
    }
    return primitiveType(((KeyType.Primitive) key).kind()).box();
  }

  private static CodeBlock handleInitializer(MapDecl map, Map<String, TypeSpec> codecs) {
    if (!map.kind().holdsSockets()) {
      return stateHandleInitializer(map, codecs);
    }
    if (map.kind() == MapKind.SOCKMAP) {
      return CodeBlock.of("new $T(object.map($S))", SOCK_MAP_HANDLE, map.name());
    }
    CodeBlock codec;
    if (map.key() instanceof KeyType.Record r) {
      String codecName = r.layout().simpleName() + "Codec";
      codecs.computeIfAbsent(codecName, n -> recordCodec(n, r.layout()));
      codec = CodeBlock.of("new $N()", codecName);
    } else {
      codec = CodeBlock.of("$T.$L", KEY_CODEC, ((KeyType.Primitive) map.key()).kind().name());
    }
    return CodeBlock.of("new $T<>(object.map($S), $L)", SOCK_HASH_HANDLE, map.name(), codec);
  }

  /** StateMapHandle for the hashes, ArrayMapHandle, PerCpuArrayHandle. */
  private static TypeName stateHandleType(MapDecl map) {
    TypeName value = keyTypeName(map.value());
    switch (map.kind()) {
      case ARRAY:
        return ParameterizedTypeName.get(ARRAY_MAP_HANDLE, value);
      case PERCPU_ARRAY:
        return ParameterizedTypeName.get(PER_CPU_ARRAY_HANDLE, value);
      default:
        return ParameterizedTypeName.get(STATE_MAP_HANDLE, keyTypeName(map.key()), value);
    }
  }

  private static CodeBlock stateHandleInitializer(MapDecl map, Map<String, TypeSpec> codecs) {
    CodeBlock value = codec(map.value(), codecs);
    switch (map.kind()) {
      case ARRAY:
        return CodeBlock.of("new $T<>(object.map($S), $L)", ARRAY_MAP_HANDLE, map.name(), value);
      case PERCPU_ARRAY:
        return CodeBlock.of(
            "new $T<>(object.map($S), $L)", PER_CPU_ARRAY_HANDLE, map.name(), value);
      default:
        return CodeBlock.of(
            "new $T<>(object.map($S), $L, $L)",
            STATE_MAP_HANDLE,
            map.name(),
            codec(map.key(), codecs),
            value);
    }
  }

  /** The codec of a key or value type: a KeyCodec constant, or a generated record codec. */
  private static CodeBlock codec(KeyType type, Map<String, TypeSpec> codecs) {
    if (type instanceof KeyType.Record r) {
      String codecName = r.layout().simpleName() + "Codec";
      codecs.computeIfAbsent(codecName, n -> recordCodec(n, r.layout()));
      return CodeBlock.of("new $N()", codecName);
    }
    return CodeBlock.of("$T.$L", KEY_CODEC, ((KeyType.Primitive) type).kind().name());
  }

  /** A KeyCodec laying the record out exactly as programs build it on their stack. */
  private static TypeSpec recordCodec(String name, RecordLayout layout) {
    ClassName record = ClassName.bestGuess(layout.qualifiedName());
    MethodSpec.Builder encode =
        MethodSpec.methodBuilder("encode")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(record, "key")
            .addParameter(BYTE_BUFFER, "out");
    CodeBlock.Builder decodeArgs = CodeBlock.builder();
    for (int i = 0; i < layout.fields().size(); i++) {
      RecordLayout.Field f = layout.fields().get(i);
      encode.addStatement("out.$L($L, $L)", put(f.kind()), f.offset(), encodedValue(f));
      decodeArgs.add(i == 0 ? "" : ", ").add(decodedValue(f));
    }
    return TypeSpec.classBuilder(name)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(ParameterizedTypeName.get(KEY_CODEC, record))
        .addJavadoc(
            "C layout of {@link $T}: $L, $L bytes.\n",
            record,
            layout.fields().stream()
                .map(f -> f.name() + " at " + f.offset())
                .collect(Collectors.joining(", ")),
            layout.size())
        .addMethod(
            MethodSpec.methodBuilder("size")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(int.class)
                .addStatement("return $L", layout.size())
                .build())
        .addMethod(encode.build())
        .addMethod(
            MethodSpec.methodBuilder("decode")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(record)
                .addParameter(BYTE_BUFFER, "in")
                .addStatement("return new $T($L)", record, decodeArgs.build())
                .build())
        .build();
  }

  private static String put(PrimitiveKind kind) {
    switch (kind) {
      case BOOLEAN:
      case BYTE:
        return "put";
      case SHORT:
        return "putShort";
      case CHAR:
        return "putChar";
      case INT:
        return "putInt";
      default:
        return "putLong";
    }
  }

  private static CodeBlock encodedValue(RecordLayout.Field f) {
    if (f.kind() == PrimitiveKind.BOOLEAN) {
      return CodeBlock.of("(byte) (key.$N() ? 1 : 0)", f.name());
    }
    return CodeBlock.of("key.$N()", f.name());
  }

  private static CodeBlock decodedValue(RecordLayout.Field f) {
    switch (f.kind()) {
      case BOOLEAN:
        return CodeBlock.of("in.get($L) != 0", f.offset());
      case BYTE:
        return CodeBlock.of("in.get($L)", f.offset());
      default:
        return CodeBlock.of("in.$L($L)", put(f.kind()).replace("put", "get"), f.offset());
    }
  }

  private static TypeName primitiveType(PrimitiveKind kind) {
    switch (kind) {
      case BOOLEAN:
        return TypeName.BOOLEAN;
      case BYTE:
        return TypeName.BYTE;
      case SHORT:
        return TypeName.SHORT;
      case CHAR:
        return TypeName.CHAR;
      case INT:
        return TypeName.INT;
      default:
        return TypeName.LONG;
    }
  }

  private static CodeBlock classDoc(ClassModel model, ClassName source) {
    CodeBlock.Builder doc =
        CodeBlock.builder()
            .add(
                "Loads the eBPF programs of {@link $T} into the kernel and gives typed access to its\n",
                source)
            .add("maps. Generated by sockmap4j; do not edit.\n\n<ul>\n");
    for (ProgramDecl p : model.programs()) {
      if (p.map() == null) {
        doc.add(
            "  <li>{@code $L}: @$L on the cgroup given by {@code AttachOptions.cgroup(path)}\n",
            p.name(),
            p.kind().annotationSimpleName());
        continue;
      }
      doc.add(
          "  <li>{@code $L}: @$L on map {@code $L}\n",
          p.name(),
          p.kind().annotationSimpleName(),
          p.map().name());
    }
    return doc.add("</ul>\n").build();
  }

  private static CodeBlock accessorDoc(MapDecl map) {
    if (!map.kind().holdsSockets()) {
      return CodeBlock.of(
          "The $L {@code $L} ($L entries): read and change the values the programs use.\n",
          map.kind(),
          map.name(),
          map.maxEntries());
    }
    return CodeBlock.of(
        "The $L {@code $L} ($L entries): put sockets in it to run the programs attached to it.\n",
        map.kind(),
        map.name(),
        map.maxEntries());
  }
}
