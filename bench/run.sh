#!/usr/bin/env bash
# The whole benchmark suite of sockmap4j in one command, printing one table:
#   1. code generation: instructions and verifier work of the generated programs against clang -O2
#      on their C twins, and the processor's compile time per program (bench/codegen/run.sh);
#   2. the data path: the kernel-spliced proxy and the same-host bypasses against a direct
#      connection, a Java NIO proxy and plain loopback; socket inserts from Java against C;
#      attach() time (bench/dataplane/run.sh), with the results of 1. folded into its table.
# Every ratio is against a baseline measured in the same run. See docs/BENCHMARKS.md.
#
# Usage: bench/run.sh [--quick | --full] [--no-build] [data-path options...]
#   --quick      a few minutes (the default)
#   --full       every size and connection count; about 45 minutes on 2 cores, for a quiet machine
#   --no-build   use the jars already under */target
#   anything else goes to the data-path benchmark (bench/dataplane/run.sh --help lists it)
# Writes bench/target/codegen/{results,compile-time}.json and bench/dataplane/target/results.{json,svg}.
# Needs root, a JDK 17+ and Maven; clang (bpf target), llvm-objdump and bpftool for the code
# generation part (skipped with a note when missing: apt-get install -y clang llvm bpftool), gcc
# for the C insert reference.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/target/codegen

MODE=--quick
BUILD=1
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --quick | --full) MODE=$arg ;;
    --no-build) BUILD= ;;
    *) ARGS+=("$arg") ;;
  esac
done

if [ -n "$BUILD" ]; then
  echo "bench: building annotations, runtime, processor and examples (package, no tests)"
  (cd "$HERE/.." && mvn -B -ntp -q -pl examples -am package -DskipTests -Dfmt.skip)
fi

CODEGEN_ARGS=()
if command -v clang >/dev/null && command -v llvm-objdump >/dev/null &&
  command -v bpftool >/dev/null && clang -print-targets 2>/dev/null | grep -qw bpf; then
  rm -rf "$OUT"
  # Compile time with its full warm-up in both modes: it takes under a minute, and fewer warm-up
  # rounds measure the JIT rather than the processor.
  "$HERE/codegen/run.sh" "--out=$OUT"
  CODEGEN_ARGS=(--codegen "$OUT")
else
  echo "bench: code generation skipped: needs clang with the bpf target, llvm-objdump and bpftool" \
    "(apt-get install -y clang llvm bpftool)" >&2
fi

echo
exec "$HERE/dataplane/run.sh" "$MODE" --no-build "${CODEGEN_ARGS[@]}" "${ARGS[@]}"
