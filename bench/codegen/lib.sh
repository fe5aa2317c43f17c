# Shared set-up for run.sh and compile-time.sh: paths, jars, the harness. Sourced, not run.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$HERE/target # ignored by git (target/ in .gitignore)
OUT=$HERE         # where results.json and compile-time.json go (--out=DIR)
M2=${M2_REPO:-$HOME/.m2/repository}
JAR_ROOT=$ROOT # where the annotations, runtime and processor jars come from (see use_commit)

# The benchmark programs, in table order: the examples first, then bench/codegen/java. Each
# Java class X has a C twin c/X.c holding one function per program, named like the Java method.
EXAMPLE_SOURCES=(
  "$ROOT/examples/src/main/java/io/sockmap4j/examples/echo/Echo.java"
  "$ROOT/examples/src/main/java/io/sockmap4j/examples/proxy/Splice.java"
  "$ROOT/examples/src/main/java/io/sockmap4j/examples/bypass/Bypass.java"
)
BENCH_CLASSES=(Selftest PortIndex PortPolicy MsgPolicy MsgTuple HashMix Nested Backends CookieMix MsgBalance)
SOURCES=("${EXAMPLE_SOURCES[@]}")
for c in "${BENCH_CLASSES[@]}"; do SOURCES+=("$HERE/java/io/sockmap4j/bench/$c.java"); done

die() {
  echo "bench: $*" >&2
  exit 1
}

need() { # need <command> <how to get it>
  command -v "$1" >/dev/null 2>&1 || die "$1 not found; $2"
}

pom_property() { # the value of <name> in the root pom
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$JAR_ROOT/pom.xml" | head -1
}

module_jar() { # the main jar of a module, built by mvn package
  local jar
  jar=$(ls "$JAR_ROOT/$1"/target/sockmap4j-"$1"-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -1 || true)
  [ -n "$jar" ] || die "no $1 jar in $JAR_ROOT/$1/target; build it: (cd $JAR_ROOT && mvn -q -DskipTests package), or pass --build"
  echo "$jar"
}

m2_jar() { # m2_jar <group path> <artifact> <version>
  local jar="$M2/$1/$2/$3/$2-$3.jar"
  [ -f "$jar" ] || die "$jar missing; run 'mvn -q -DskipTests install' in $ROOT once to download it"
  echo "$jar"
}

build_modules() {
  echo "bench: building annotations, runtime and processor (mvn -DskipTests package)"
  (cd "$ROOT" && mvn -q -B -DskipTests package -pl annotations,runtime,processor) ||
    die "the build failed"
}

# Measure the processor of a commit instead of the working tree's jars: its sources are
# exported with git archive into target/checkout-<rev> and built there (once). The benchmark
# programs and C twins still come from the working tree.
use_commit() {
  local rev
  rev=$(git -C "$ROOT" rev-parse --short "$1") || die "no commit $1"
  JAR_ROOT=$BUILD/checkout-$rev
  COMMIT=$rev
  if [ ! -f "$JAR_ROOT/.built" ]; then
    echo "bench: building the processor of commit $rev in $JAR_ROOT"
    rm -rf "$JAR_ROOT"
    mkdir -p "$JAR_ROOT"
    git -C "$ROOT" archive "$rev" | tar -x -C "$JAR_ROOT"
    (cd "$JAR_ROOT" && mvn -q -B -DskipTests package -pl annotations,runtime,processor) ||
      die "the build of $rev failed"
    touch "$JAR_ROOT/.built"
  fi
}

setup_jars() {
  need java "install a JDK 17+ (Debian: apt-get install -y openjdk-17-jdk-headless)"
  need javac "install a JDK 17+ (Debian: apt-get install -y openjdk-17-jdk-headless)"
  ANNOTATIONS_JAR=$(module_jar annotations)
  RUNTIME_JAR=$(module_jar runtime)
  PROCESSOR_JAR=$(module_jar processor)
  JNA_JAR=$(m2_jar net/java/dev/jna jna "$(pom_property jna.version)")
  JAVAPOET_JAR=$(m2_jar com/palantir/javapoet javapoet "$(pom_property javapoet.version)")
  # What user code compiles against, and what javac runs the processor from.
  CLASSPATH_USER="$ANNOTATIONS_JAR:$RUNTIME_JAR:$JNA_JAR"
  PROCESSOR_PATH="$PROCESSOR_JAR:$ANNOTATIONS_JAR:$JAVAPOET_JAR"
  [ "$JAR_ROOT" = "$ROOT" ] || return 0
  local newer
  newer=$(find "$ROOT/processor/src/main" -newer "$PROCESSOR_JAR" -type f | head -3)
  if [ -n "$newer" ]; then
    echo "bench: WARNING: processor sources are newer than $PROCESSOR_JAR (e.g. ${newer%%$'\n'*});"
    echo "bench: WARNING: the numbers are for the old jar. Rerun with --build to measure the sources."
  fi
}

compile_harness() {
  mkdir -p "$BUILD/harness"
  javac -nowarn -d "$BUILD/harness" -cp "$CLASSPATH_USER" \
    $(find "$HERE/harness" -name '*.java') || die "the harness does not compile"
  HARNESS_CP="$BUILD/harness:$CLASSPATH_USER"
}
