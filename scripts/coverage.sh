#!/usr/bin/env bash
# scripts/coverage.sh BUILD_DIR: line coverage of a --coverage build after its
# tests ran (`make coverage` runs both). gcovr reads the .gcda files of every
# process the tests started (scoreline-api workers write theirs before _exit,
# see shared/coverage.hpp), then this prints one line per folder and fails when
# a folder is under its gate:
#   shared/ workers/ sse/   COVERAGE_MIN (85 %)
#   migrations/runner/      COVERAGE_MIN_MIGRATE (90 %)
# The summary is also written to BUILD_DIR/coverage.json; an HTML report is
# left in BUILD_DIR/coverage/ for a person to browse.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${1:-build/coverage}"
min="${COVERAGE_MIN:-85}"
min_migrate="${COVERAGE_MIN_MIGRATE:-90}"

if ! command -v gcovr >/dev/null; then
    echo "coverage.sh: gcovr is missing (scripts/install-deps.sh installs it)" >&2
    exit 1
fi
if [[ -z "$(find "$build" -name '*.gcda' -print -quit)" ]]; then
    echo "coverage.sh: no .gcda files under $build: build with -DSCORELINE_COVERAGE=ON and run the tests first" >&2
    exit 1
fi

mkdir -p "$build/coverage"
gcovr --root . --object-directory "$build" -j "${JOBS:-2}" \
    --filter 'shared/' --filter 'workers/' --filter 'sse/' --filter 'migrations/runner/' \
    --exclude-unreachable-branches --gcov-ignore-parse-errors \
    --json-summary "$build/coverage.json" --json-summary-pretty \
    --html-details "$build/coverage/index.html" >/dev/null

python3 - "$build/coverage.json" "$min" "$min_migrate" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
gates = [("shared/", float(sys.argv[2])), ("workers/", float(sys.argv[2])),
         ("sse/", float(sys.argv[2])), ("migrations/runner/", float(sys.argv[3]))]
totals = {prefix: [0, 0] for prefix, _ in gates}
for f in summary["files"]:
    for prefix, _ in gates:
        if f["filename"].startswith(prefix):
            totals[prefix][0] += f["line_covered"]
            totals[prefix][1] += f["line_total"]
covered = sum(c for c, _ in totals.values())
total = sum(t for _, t in totals.values())
failed = False
print(f"{'folder':<20} {'lines':>13} {'coverage':>9} {'gate':>6}")
for prefix, gate in gates:
    c, t = totals[prefix]
    pct = 100.0 * c / t if t else 0.0
    ok = pct >= gate
    failed |= not ok
    print(f"{prefix:<20} {c:>6}/{t:<6} {pct:>8.1f}% {gate:>5.0f}%  {'ok' if ok else 'UNDER THE GATE'}")
print(f"{'all':<20} {covered:>6}/{total:<6} {100.0 * covered / max(total, 1):>8.1f}%")
sys.exit(1 if failed else 0)
PY
