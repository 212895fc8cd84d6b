#!/usr/bin/env bash
# tests/fuzz/run.sh: runs libFuzzer targets built in BUILD_DIR (SCORELINE_FUZZ=ON)
# for FUZZ_SECONDS each (default 60), FUZZ_JOBS of them at a time (default: the
# number of cores; each fuzzer uses one), and fails when any of them reports a
# crash, leak, UB report, timeout or memory overrun. The committed corpus
# (tests/fuzz/corpus/<target>/) is only read: new inputs go to a temporary
# directory, crash inputs to BUILD_DIR/fuzz-artifacts/, logs to BUILD_DIR/fuzz-logs/.
# A dictionary tests/fuzz/<target>.dict, when there is one, is passed with -dict.
#
# Usage: tests/fuzz/run.sh BUILD_DIR [TARGET...]   (default: every corpus/<target>)
# Environment: FUZZ_SECONDS (60), FUZZ_JOBS (nproc), FUZZ_RSS_MB (2048),
#              FUZZ_TIMEOUT (10 s per input)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
build="${1:?usage: tests/fuzz/run.sh BUILD_DIR [TARGET...]}"
shift
seconds="${FUZZ_SECONDS:-60}"
rss_mb="${FUZZ_RSS_MB:-2048}"
timeout="${FUZZ_TIMEOUT:-10}"
jobs_max="${FUZZ_JOBS:-$(nproc)}"

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for dir in "$here"/corpus/*/; do
        targets+=("$(basename "$dir")")
    done
fi

artifacts="$build/fuzz-artifacts"
logs="$build/fuzz-logs"
mkdir -p "$artifacts" "$logs"
work="$(mktemp -d /tmp/scoreline-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# fuzz TARGET: one fuzzer run; its verdict line goes to $work/TARGET.result.
fuzz() {
    local target="$1" binary="$build/tests/fuzz/fuzz_$1" corpus="$here/corpus/$1"
    local log="$logs/$target.log" dict=()
    mkdir -p "$work/$target"
    if [[ -f "$here/$target.dict" ]]; then
        dict=(-dict="$here/$target.dict")
    fi
    # The first corpus directory is the one libFuzzer writes to; the
    # committed one comes second, read only.
    if ! "$binary" "$work/$target" "$corpus" -max_total_time="$seconds" \
        -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" -timeout="$timeout" \
        -artifact_prefix="$artifacts/$target-" -print_final_stats=1 "${dict[@]}" >"$log" 2>&1; then
        echo "FAILED" >"$work/$target.result"
        return
    fi
    local runs cov
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)"
    echo "ok (${runs:-?} runs, ${cov:-cov: ?})" >"$work/$target.result"
}

for target in "${targets[@]}"; do
    [[ -x "$build/tests/fuzz/fuzz_$target" ]] || { echo "run.sh: $build/tests/fuzz/fuzz_$target not built" >&2; exit 1; }
    [[ -d "$here/corpus/$target" ]] || { echo "run.sh: no corpus at $here/corpus/$target" >&2; exit 1; }
done
for target in "${targets[@]}"; do
    while [[ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]]; do
        wait -n
    done
    fuzz "$target" &
done
wait

failed=0
for target in "${targets[@]}"; do
    result="$(cat "$work/$target.result" 2>/dev/null || echo "FAILED (no result)")"
    printf 'fuzz_%s: %ss on %s seed(s) ... %s\n' "$target" "$seconds" \
        "$(find "$here/corpus/$target" -type f | wc -l)" "$result"
    if [[ "$result" != ok* ]]; then
        log="$logs/$target.log"
        tail -n 60 "$log" >&2 || true
        input="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" 2>/dev/null | tail -n 1)"
        echo "run.sh: fuzz_$target failed; full log $log" >&2
        echo "run.sh: reproduce with $build/tests/fuzz/fuzz_$target ${input:-$artifacts/$target-<file>}" >&2
        failed=1
    fi
done
exit "$failed"
