#!/usr/bin/env bash
# The code-generation benchmark of sockmap4j: for every program in bench/codegen (the examples
# and programs in the style of the kernel's sockmap selftests), the instruction count and the
# verifier's processed-instruction count of what the sockmap4j processor emits, next to clang -O2
# on the equivalent C (bench/codegen/c). Then the processor's compile-time cost
# (compile-time.sh). See docs/BENCHMARKS.md for the method and the last results.
#
# Usage: bench/codegen/run.sh [--build] [--mcpu=CPU] [--codegen-only | --compile-time-only] [--quick]
#                            [--out=DIR]
#   --build              rebuild annotations, runtime and processor with Maven first
#   --out=DIR            write results.json and compile-time.json into DIR instead of bench/codegen
#                        (bench/run.sh uses this, so the recorded results stay as they are)
#   --commit=REV         measure the processor of commit REV (built once under target/), not
#                        the working tree's jars
#   --mcpu=CPU           pass -mcpu=CPU to clang (default: clang's default, "generic" = v1;
#                        the kernel selftests build with v3)
#   --codegen-only       skip the compile-time measurement
#   --compile-time-only  only the compile-time measurement
#   --quick              fewer compile-time runs
# Needs root (loading programs), a JDK 17+, clang with the BPF target, llvm-objdump and bpftool.
# Writes bench/codegen/results.json (and compile-time.json) unless --out; everything else goes under
# bench/codegen/target. Every program, map and pin it creates is removed before it exits.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MCPU=
CODEGEN=1
COMPILE_TIME=1
QUICK=
for arg in "$@"; do
  case "$arg" in
    --build) build_modules ;;
    --commit=*) use_commit "${arg#--commit=}" ;;
    --mcpu=*) MCPU=${arg#--mcpu=} ;;
    --codegen-only) COMPILE_TIME= ;;
    --compile-time-only) CODEGEN= ;;
    --quick) QUICK=--quick ;;
    --out=*) OUT=${arg#--out=} ;;
    *) die "unknown option $arg (see the header of $0)" ;;
  esac
done

PIN_PREFIX=/sys/fs/bpf/sm4jbench_

remove_pins() {
  rm -rf "$PIN_PREFIX"* 2>/dev/null || true
}

# Program ids of loaded socket programs, for the before/after line.
socket_programs() {
  bpftool prog show 2>/dev/null | grep -cE '^[0-9]+: (sk_skb|sk_msg) ' || true
}

codegen() {
  need clang "Debian: apt-get install -y clang (clang 14 has the bpf target)"
  need llvm-objdump "Debian: apt-get install -y llvm"
  need bpftool "Debian: apt-get install -y bpftool"
  [ "$(id -u)" = 0 ] || die "loading programs needs root (CAP_BPF + CAP_NET_ADMIN)"
  clang -print-targets 2>/dev/null | grep -qw bpf || die "this clang has no bpf target"
  mountpoint -q /sys/fs/bpf || die "/sys/fs/bpf is not mounted: mount -t bpf bpf /sys/fs/bpf"

  local out=$BUILD/codegen
  rm -rf "$out"
  mkdir -p "$out/classes" "$out/generated" "$out/clang"

  echo "bench: compiling ${#SOURCES[@]} Java classes through the sockmap4j processor"
  javac -nowarn -d "$out/classes" -s "$out/generated" -cp "$CLASSPATH_USER" \
    -processorpath "$PROCESSOR_PATH" "${SOURCES[@]}" || die "javac failed"

  local cflags=(-O2 -g -target bpf)
  [ -n "$MCPU" ] && cflags+=("-mcpu=$MCPU")
  local multiarch
  multiarch=$(clang -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
  echo "bench: compiling the C twins with clang ${cflags[*]} -c"

  local objects=() before
  before=$(socket_programs)
  trap remove_pins EXIT
  : >"$out/clang.tsv"
  local created=()
  for source in "${SOURCES[@]}"; do
    local class
    class=$(basename "$source" .java)
    local c=$HERE/c/$class.c obj=$out/clang/$class.o
    [ -f "$c" ] || die "no C twin $c for $source"
    clang "${cflags[@]}" -I"/usr/include/$multiarch" -Wall -Werror -c "$c" -o "$obj" ||
      die "clang failed on $c"
    llvm-objdump -d --no-show-raw-insn "$obj" >"${obj%.o}.s" # to read beside ours (.sockmap4j.txt)
    objects+=("$(find "$out/classes" -name "$class.sockmap4j")")
    # Load every program of the object and pin it as <dir>/<function name>.
    bpftool prog loadall "$obj" "$PIN_PREFIX$class" || die "bpftool could not load $obj"
    # Function symbols: "<addr> g F <section> <size> <name>"; size in bytes, 8 per slot.
    while read -r size name; do
      local show id
      show=$(bpftool prog show pinned "$PIN_PREFIX$class/$name") ||
        die "no pinned program $name from $obj"
      id=${show%%:*}
      created+=("prog $id")
      for map in $(echo "$show" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr , ' '); do
        created+=("map $map")
      done
      printf '%s\t%d\t%d\n' "$class.$name" $((16#$size / 8)) "$id" >>"$out/clang.tsv"
    done < <(llvm-objdump -t "$obj" | awk '$3 == "F" { print $5, $6 }')
  done

  {
    printf 'kernel\t%s\n' "$(uname -r)"
    printf 'clang\t%s\n' "$(clang --version | head -1)"
    printf 'cflags\t%s%s\n' "${cflags[*]}" "$([ -z "$MCPU" ] && echo ' (default cpu: generic = v1)')"
    if [ -n "${COMMIT:-}" ]; then
      printf 'commit\t%s\n' "$COMMIT (processor built from git archive)"
    else
      printf 'commit\t%s\n' "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
        [ -n "$(git -C "$ROOT" status --porcelain processor 2>/dev/null)" ] && echo ' + uncommitted processor/ changes')"
    fi
    printf 'jar\t%s\n' "$(basename "$PROCESSOR_JAR"), built $(date -r "$PROCESSOR_JAR" '+%Y-%m-%d %H:%M')"
    printf 'date\t%s\n' "$(date '+%Y-%m-%d %H:%M')"
  } >"$out/meta.tsv"

  echo
  java -cp "$HARNESS_CP" io.sockmap4j.bench.harness.CodegenBench \
    "$out/clang.tsv" "$OUT/results.json" "$out/ours-ids.txt" "$out/meta.tsv" "${objects[@]}" ||
    die "the comparison failed"

  remove_pins
  trap - EXIT
  mapfile -t ours <"$out/ours-ids.txt"
  created+=("${ours[@]}")
  # The kernel frees programs and maps after an RCU grace period; wait for every id to go.
  local left=() kind id
  for _ in $(seq 50); do
    left=()
    for entry in "${created[@]}"; do
      read -r kind id <<<"$entry"
      bpftool "$kind" show id "$id" >/dev/null 2>&1 && left+=("$entry")
    done
    [ ${#left[@]} -eq 0 ] && break
    sleep 0.1
  done
  echo
  if [ ${#left[@]} -ne 0 ]; then
    die "still loaded after clean-up: ${left[*]}"
  fi
  echo "cleanup: ${#created[@]} programs and maps created, all freed;" \
    "loaded sk_skb/sk_msg programs before $before, after $(socket_programs)"
  echo "results: $OUT/results.json"
}

mkdir -p "$OUT"
setup_jars
compile_harness
[ -n "$CODEGEN" ] && codegen
if [ -n "$COMPILE_TIME" ]; then
  echo
  "$HERE/compile-time.sh" $QUICK ${COMMIT:+--commit=$COMMIT} "--out=$OUT"
fi
