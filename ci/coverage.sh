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
# The gate fails below 95 % lines or 90 % branches of core/, and when a
# decoder rule is covered only by the corpus replay or the CLI tests: every
# line and branch of the rule files (RULE_FILES) that any group covers must
# be covered by the unit tests alone, so each rule keeps a named test that
# fails when the rule breaks (deleting one fails this gate).
#
# Exclusions: only gcovr's markers (`GCOVR_EXCL_LINE`, `GCOVR_EXCL_BR_LINE`,
# `GCOVR_EXCL_START`/`_STOP`, `GCOVR_EXCL_BR_START`/`_STOP`) followed by ": "
# and a reason from the fixed vocabulary below (see README, "Coverage"), each
# next to a comment saying why the code cannot run; anything else fails.
#
# NSB_COVERAGE_BUILD / NSB_COVERAGE_OUT move the build tree and the reports
# (default build/coverage-build, build/coverage), e.g. to run the gate in a
# tree of one's own next to other builds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

LINE_MIN=${NSB_COVERAGE_LINE_MIN:-95}
BRANCH_MIN=${NSB_COVERAGE_BRANCH_MIN:-90}
VOCABULARY='DefensiveCoding|OutOfMemory|KernelContract'
# The decoder, its payload parsers, the fd reader, the encoder and the CPU
# list parser: where every error is a named rule.
RULE_FILES='decode.c nspaths.c idmap.c oom.c timens.c mount_sources.c read.c cpulist.c encode.c names.c'

ci/deps.sh build test coverage integration # integration: runc and busybox-static for root.runc

OUT=${NSB_COVERAGE_OUT:-build/coverage}
BLD=${NSB_COVERAGE_BUILD:-build/coverage-build}
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
cmake --preset coverage -B "$BLD" >/dev/null
cmake --build "$BLD" -j "$(nproc)"

gcovr_base=(gcovr --root "$ROOT" --object-directory "$BLD" --filter "$ROOT/core/"
            --exclude-unreachable-branches --exclude-function-lines)

run_group() { # name, ctest regex
  local name=$1 regex=$2
  find "$BLD" -name '*.gcda' -delete
  if ! ctest --test-dir "$BLD" -R "$regex" --output-on-failure -j "$(nproc)"; then
    echo "coverage: tests of group $name failed" >&2; return 1
  fi
  # search only $BLD: other build trees under build/ may hold .gcda files too
  "${gcovr_base[@]}" --json "$OUT/$name.json" "$BLD" >/dev/null
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

# 3b. Every decoder rule has a unit test: what another group covers in the
# rule files, the unit group covers too.
python3 - "$OUT" $RULE_FILES <<'PY'
import json, os, sys
out, rule_files = sys.argv[1], {"core/src/" + f for f in sys.argv[2:]}

def covered(path):
    seen = set()
    for f in json.load(open(path))["files"]:
        if f["file"] not in rule_files:
            continue
        for l in f["lines"]:
            if l["gcovr/noncode"] or l["gcovr/excluded"]:
                continue
            if l["count"] > 0:
                seen.add((f["file"], l["line_number"], "line"))
            for i, b in enumerate(l["branches"]):
                if b["count"] > 0:
                    seen.add((f["file"], l["line_number"], "branch %d" % i))
    return seen

unit = covered(os.path.join(out, "unit.json"))
others = set()
for name in ("replay", "cli", "root"):
    path = os.path.join(out, name + ".json")
    if os.path.exists(path):
        others |= covered(path)
missing = sorted(others - unit)
for f, line, what in missing:
    print("coverage: %s:%d: %s is covered by the corpus or CLI tests but by no unit test" % (f, line, what))
if missing:
    sys.exit("coverage: FAIL: %d decoder rule line(s)/branch(es) without a unit test" % len(missing))
print("coverage: every covered line and branch of the rule files has a unit test")
PY

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
