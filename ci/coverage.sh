#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/coverage.sh - the coverage gate on core/.
#
# A gcc --coverage build (preset `coverage`); each group of tests runs on
# zeroed counters and leaves its own gcovr JSON tracefile; the tracefiles are
# merged (--add-tracefile) into reports on core/ only:
#   build/coverage/index.html     detailed HTML
#   build/coverage/cobertura.xml  Cobertura XML
#   build/coverage/summary.json   gcovr's JSON summary
# The gate fails below 95 % lines or 90 % branches of core/.
#
# Exclusions: only `GCOVR_EXCL_LINE`/`GCOVR_EXCL_BR_LINE` followed by a reason
# from the fixed vocabulary below (see README, "Coverage"); anything else fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

LINE_MIN=${NSB_COVERAGE_LINE_MIN:-95}
BRANCH_MIN=${NSB_COVERAGE_BRANCH_MIN:-90}
VOCABULARY='DefensiveCoding|OutOfMemory|KernelContract'

ci/deps.sh build test coverage

OUT=build/coverage
BLD=build/coverage-build
rm -rf "$OUT"; mkdir -p "$OUT"

# 1. Exclusions: every marker must carry a reason from the vocabulary.
bad=0
echo "coverage: exclusions in core/ (marker: reason):"
while IFS= read -r hit; do
  if [[ $hit =~ GCOVR_EXCL_(BR_)?(LINE|START|STOP):\ ($VOCABULARY) ]]; then
    echo "  $hit"
  else
    echo "  NOT ALLOWED (no reason from $VOCABULARY): $hit"; bad=1
  fi
done < <(grep -rn "GCOVR_EXCL" core/ || true)
[ $bad -eq 0 ] || { echo "coverage: exclusion without an allowed reason" >&2; exit 1; }

# 2. Build.
cmake --preset coverage >/dev/null
cmake --build --preset coverage -j "$(nproc)"

gcovr_base=(gcovr --root "$ROOT" --object-directory "$BLD" --filter "$ROOT/core/"
            --exclude-unreachable-branches --exclude-function-lines)

run_group() { # name, ctest regex
  local name=$1 regex=$2
  find "$BLD" -name '*.gcda' -delete
  if ! ctest --test-dir "$BLD" -R "$regex" --output-on-failure -j "$(nproc)"; then
    echo "coverage: tests of group $name failed" >&2; return 1
  fi
  "${gcovr_base[@]}" --json "$OUT/$name.json" >/dev/null
  tracefiles+=(--add-tracefile "$OUT/$name.json")
}

tracefiles=()
run_group unit   '^unit\.'
run_group replay '^replay\.'
if ctest --test-dir "$BLD" -N -R '^cli\.' | grep -q 'Total Tests: [1-9]'; then
  run_group cli '^cli\.'
fi
if [ "$(id -u)" -eq 0 ]; then
  if ctest --test-dir "$BLD" -N -R '^(root|integration)\.' | grep -q 'Total Tests: [1-9]'; then
    run_group root '^(root|integration)\.'
  fi
else
  echo "coverage: SKIP privileged suites: not root"
fi

# 3. Merge and report; gcovr applies the thresholds.
gcovr --root "$ROOT" "${tracefiles[@]}" \
  --html-details "$OUT/index.html" --html-title "nsboot core coverage" \
  --cobertura "$OUT/cobertura.xml" \
  --json-summary-pretty --json-summary "$OUT/summary.json" \
  --print-summary \
  --fail-under-line "$LINE_MIN" --fail-under-branch "$BRANCH_MIN" || {
    echo "coverage: FAIL: below ${LINE_MIN}% lines or ${BRANCH_MIN}% branches of core/" >&2
    gcovr --root "$ROOT" "${tracefiles[@]}" --txt - --sort-percentage | head -40 >&2
    exit 1
  }

# 4. The report covers core/ only.
python3 - "$OUT/summary.json" "$LINE_MIN" "$BRANCH_MIN" <<'PY'
import json, sys
LINE, BRANCH = sys.argv[2], sys.argv[3]
s = json.load(open(sys.argv[1]))
bad = [f["filename"] for f in s["files"] if not f["filename"].startswith("core/")]
if bad:
    sys.exit("coverage: files outside core/ in the summary: %s" % bad)
print("coverage: %d files, lines %.1f%%, branches %.1f%% (gate %s%% / %s%%)" % (
    len(s["files"]), s["line_percent"], s["branch_percent"], LINE, BRANCH))
PY
echo "coverage: gate passed; report at $OUT/index.html"
