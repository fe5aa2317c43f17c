#!/usr/bin/env bash
# The sockmap4j processor's compile-time cost, per benchmark source and on generated programs of
# growing size (the linearity check). See docs/BENCHMARKS.md.
#
# Usage: bench/codegen/compile-time.sh [--build] [--quick]
#   --build   rebuild annotations, runtime and processor with Maven first
#   --commit=REV  measure the processor of commit REV (see run.sh)
#   --quick   fewer warm-up and measured runs (noisier; for trying things out)
#   --out=DIR write compile-time.json into DIR
# Writes bench/codegen/compile-time.json unless --out.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

WARMUP=10
RUNS=15
for arg in "$@"; do
  case "$arg" in
    --build) build_modules ;;
    --commit=*) use_commit "${arg#--commit=}" ;;
    --quick) WARMUP=3; RUNS=5 ;;
    --out=*) OUT=${arg#--out=} ;;
    *) die "unknown option $arg (see the header of $0)" ;;
  esac
done

mkdir -p "$OUT"
setup_jars
compile_harness
rm -rf "$BUILD/compile-time"
java -cp "$HARNESS_CP" io.sockmap4j.bench.harness.CompileTime \
  --processor-path "$PROCESSOR_PATH" --classpath "$CLASSPATH_USER" \
  --work "$BUILD/compile-time" --json "$OUT/compile-time.json" \
  --warmup "$WARMUP" --runs "$RUNS" --sizes 10,20,40,80,160,320,640 \
  "${SOURCES[@]}"
