#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/test.sh - the test command: install what is missing, configure, build and
# run every test with gcc (preset `default`), then again under clang
# ASan+UBSan (preset `asan`). As root it also runs the privileged
# integration suite (ci/integration.sh), then the attacker's suite
# (tests/hostile/run.sh) once, against the default preset's nsboot.
#
#   ci/test.sh            # everything
#   ci/test.sh --quick    # default preset only
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = --quick ] && quick=1

ci/deps.sh build test integration hostile

presets=(default)
[ $quick -eq 1 ] || presets+=(asan)

for p in "${presets[@]}"; do
  echo "=== test: preset $p"
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" -j "$(nproc)"
  # ASan's leak checker cannot ptrace under some sandboxes; it works here, keep it on.
  # The hostile suite runs once, below, not once per preset.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    ctest --preset "$p" -j "$(nproc)" -LE hostile
done
if [ "$(id -u)" -eq 0 ]; then
  echo "=== test: privileged integration suite (root)"
  ci/integration.sh
  echo "=== test: the attacker's suite (root, tests/hostile)"
  tests/hostile/run.sh build/default/tools/nsboot/nsboot
else
  echo "test: SKIP privileged integration suite and hostile suite: not root (run ci/integration.sh and tests/hostile/run.sh as root)"
  [ "${NSB_MUST_WORK:-0}" = 1 ] && { echo "test: NSB_MUST_WORK=1 forbids that skip" >&2; exit 1; }
fi
echo "test: all presets passed (${presets[*]})"
