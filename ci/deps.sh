#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/deps.sh [GROUP...] - install the Debian packages nsboot needs, idempotently.
#
# Groups: build (default), test, fuzz, lint, coverage, integration, hostile,
# kernels, bench, runc, all. Only missing packages are installed; `apt-get update` runs
# once, and only when something is missing. Needs root when it installs.
set -euo pipefail

declare -A GROUP=(
  [build]="cmake ninja-build gcc clang libclang-rt-14-dev libcmocka-dev libcjson-dev libmnl-dev pkg-config"
  [test]="bats python3 util-linux procps valgrind"
  [fuzz]="afl++ llvm-14 zip unzip gnuplot-nox"
  [lint]="clang-tidy clang-format cppcheck git"
  [coverage]="gcovr"
  [integration]="busybox-static runc util-linux python3"
  [hostile]="busybox-static util-linux gcc libc6-dev binutils strace"
  [kernels]="qemu-system-x86 busybox-static cpio"
  [bench]="libmnl-dev hyperfine runc busybox-static valgrind"
  [runc]="golang-go libseccomp-dev pkg-config golang-github-opencontainers-runc-dev bats gawk busybox-static
          jq runc gcc libc6-dev dpkg-dev xz-utils bsdutils"
)

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(build)
if [ "${groups[0]}" = all ]; then groups=("${!GROUP[@]}"); fi

want=()
for g in "${groups[@]}"; do
  [ -n "${GROUP[$g]+x}" ] || { echo "deps: unknown group '$g' (known: ${!GROUP[*]} all)" >&2; exit 2; }
  for p in ${GROUP[$g]}; do want+=("$p"); done
done

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# De-duplicate while keeping order.
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: ${groups[*]}: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing ${missing[*]} and not root: install them first" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
