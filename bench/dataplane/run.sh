#!/usr/bin/env bash
# The data-path benchmark of sockmap4j: the kernel-spliced proxy and the same-host bypass against
# a direct connection, a well-tuned Java NIO proxy and a plain loopback connection, measured in
# the same run; socket inserts from Java against C; a Loader's attach() time.
# See docs/BENCHMARKS.md ("Data path") for the method.
#
# Usage: bench/dataplane/run.sh [--quick | --full] [--no-build] [Bench options...]
#   --quick      a few minutes (the default)
#   --full       every size (64 B .. 1 MiB) and connection count (1 .. 1000), 5 runs of each;
#                about 40 minutes on 2 cores, for a quiet machine
#   --no-build   use the jars already under */target
#   anything else goes to the benchmark (e.g. --only rr,inserts --runs 5; --help lists them)
# Writes bench/dataplane/target/results.json and results.svg. Needs root (loading programs),
# a JDK 17+, Maven, gcc for the C insert reference, and clang (BPF target) plus bpftool for the
# splice-clang topology (each skipped with a note when missing).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$HERE/target
mkdir -p "$OUT"

die() { echo "bench/dataplane: $*" >&2; exit 1; }

BUILD=1
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD= ;;
    *) ARGS+=("$arg") ;;
  esac
done

[ "$(id -u)" = 0 ] || die "loading programs needs root (CAP_BPF + CAP_NET_ADMIN)"
command -v java >/dev/null || die "no java on PATH (JDK 17+)"

cd "$ROOT"
if [ -n "$BUILD" ]; then
  command -v mvn >/dev/null || die "no mvn on PATH (or pass --no-build)"
  echo "bench/dataplane: building annotations, runtime, processor and examples (package, no tests)"
  mvn -B -ntp -q -pl examples -am package -DskipTests -Dfmt.skip
fi
if [ -n "$BUILD" ] || [ ! -s "$OUT/classpath" ] || [ "$ROOT/pom.xml" -nt "$OUT/classpath" ] ||
  [ "$ROOT/examples/pom.xml" -nt "$OUT/classpath" ]; then
  mvn -B -ntp -q -pl examples dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$OUT/classpath" >/dev/null
fi
# The reactor's own modules come from their target directories, never from ~/.m2.
CP=$ROOT/examples/target/classes:$ROOT/runtime/target/classes:$ROOT/annotations/target/classes
CP=$CP:$(tr ':' '\n' <"$OUT/classpath" | grep -v '/io/sockmap4j/' | paste -sd: -)

C_ARGS=()
if command -v gcc >/dev/null; then
  gcc -O2 -Wall -Wextra -o "$OUT/inserts" "$HERE/c/inserts.c"
  C_ARGS=(--c-inserts "$OUT/inserts")
else
  echo "bench/dataplane: no gcc: the C insert reference is skipped (apt-get install -y gcc)" >&2
fi

# splice-clang: the proxy over clang's build of Splice's C twin (the codegen benchmark's flags).
if command -v clang >/dev/null && command -v bpftool >/dev/null &&
  clang -print-targets 2>/dev/null | grep -qw bpf; then
  MULTIARCH=$(clang -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
  clang -O2 -g -target bpf -I"/usr/include/$MULTIARCH" -Wall -Werror \
    -c "$ROOT/bench/codegen/c/Splice.c" -o "$OUT/Splice.clang.o"
  C_ARGS+=(--clang-splice "$OUT/Splice.clang.o")
else
  echo "bench/dataplane: no clang with the bpf target, or no bpftool: splice-clang is skipped" \
    "(apt-get install -y clang bpftool)" >&2
fi

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec java -XX:MaxDirectMemorySize=2g \
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.net=ALL-UNNAMED \
  --add-opens java.base/java.io=ALL-UNNAMED \
  -cp "$CP" io.sockmap4j.examples.bench.Bench \
  --json "$OUT/results.json" --svg "$OUT/results.svg" "${C_ARGS[@]}" "${ARGS[@]}"
