#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/runc-dropin.sh - build Debian's runc 1.1.5 with nsboot as its nsenter and judge it
# with runc's own tests plus real containers compared against Debian's stock runc.
#
#   ci/runc-dropin.sh [--nsexec stock|nsboot] [--steps LIST]
#
#   --nsexec nsboot  (default) libcontainer/nsenter/nsexec.c is replaced by
#                    core/compat/runc-1.1/ (adapter) + core/src + core/include;
#                    runc's other nsenter files (cloned_binary.c, escape.c, ...) stay.
#   --nsexec stock   runc's own nsexec.c, unmodified: validates this harness.
#   --steps LIST     comma-separated subset of: deps,build,gotest,containers,cve,bats
#                    (default: all, in that order; build is implied by every later step).
#
# Steps (each command under a hard `timeout`):
#   deps        Debian packages (ci/deps.sh runc), a deb-src entry for the machine's own Debian archive,
#               `apt-get source runc` of the exact version of the Go source package.
#   build       copy of /usr/share/gocode/src/github.com/opencontainers/runc into a scratch
#               GOPATH under build/runc-dropin/<mode>/, nsexec swap, `go build -tags seccomp`
#               (GO111MODULE=off GOPROXY=off CGO_ENABLED=1, Go cache in build/ so reruns are fast).
#   gotest      runc's nsenter Go tests (nsenter_test.go re-enabled) and nsenter/test.
#   containers  run, exec, user namespace + bind mount from a 0700 directory (mount sources),
#               join-by-path, --debug, error exits: the rebuilt runc and /usr/sbin/runc on the
#               same bundles must show the same namespaces, maps and exit codes.
#   cve         CVE-2019-5736: init in `runc create` state runs from a sealed memfd or a
#               read-only mount, with _LIBCONTAINER_CLONED_BINARY in its environment.
#   bats        runc's exec/userns/debug/run/mounts/start_hello.bats from the Debian source
#               package, busybox image made from busybox-static.
#
# Failures that this machine causes whatever the nsexec are listed in
# tests/runc-dropin/known-env-failures.tsv with the output that proves the cause; they are
# printed and counted apart, never as passes. Ends with `runc-dropin: P passed, F failed`
# and exits 1 when F > 0.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

MODE=nsboot
STEPS=deps,build,gotest,containers,cve,bats
while [ $# -gt 0 ]; do
	case $1 in
	--nsexec)
		MODE=${2:-}
		shift 2 || true
		;;
	--nsexec=*)
		MODE=${1#*=}
		shift
		;;
	--steps)
		STEPS=${2:-}
		shift 2 || true
		;;
	--steps=*)
		STEPS=${1#*=}
		shift
		;;
	-h | --help)
		sed -n '3,35p' "$0"
		exit 0
		;;
	*)
		echo "runc-dropin: unknown argument '$1'" >&2
		exit 2
		;;
	esac
done
case $MODE in stock | nsboot) ;; *)
	echo "runc-dropin: --nsexec must be stock or nsboot, not '$MODE'" >&2
	exit 2
	;;
esac
want() { [[ ",$STEPS," == *",$1,"* ]]; }

FIX=$REPO/tests/runc-dropin
B=$REPO/build/runc-dropin
W=$B/$MODE # per-mode scratch: GOPATH copy, binaries, bundles, logs
RUNC_PKG=github.com/opencontainers/runc
GOCODE=/usr/share/gocode
STOCK_RUNC=/usr/sbin/runc
SRC_SOURCES=/etc/apt/sources.list.d/nsboot-runc-src.sources
SRC_LIST=/etc/apt/sources.list.d/nsboot-runc-src.list
BATS_FILES="exec userns debug run mounts start_hello"

# ---------------------------------------------------------------- accounting
PASS=0 FAIL=0 KNOWN=0 SKIPPED=0
declare -a FAILED=() KNOWN_LIST=() SKIP_LIST=() TIMES=()
pass() {
	PASS=$((PASS + 1))
	echo "  ok    $1"
}
fail() {
	FAIL=$((FAIL + 1))
	FAILED+=("$1${2:+: $2}")
	echo "  FAIL  $1${2:+: $2}"
}
known() {
	KNOWN=$((KNOWN + 1))
	KNOWN_LIST+=("$1: $2")
	echo "  ENV   $1: $2"
}
skipped() {
	SKIPPED=$((SKIPPED + 1))
	SKIP_LIST+=("$1: $2")
	echo "  skip  $1: $2"
}
# check NAME COMMAND...: one pass or fail.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

summary() {
	echo "::: runc-dropin ($MODE) step times"
	printf '  %s\n' "${TIMES[@]}"
	if [ ${#KNOWN_LIST[@]} -gt 0 ]; then
		echo "::: environmental failures (this machine, not the nsexec; see $FIX/known-env-failures.tsv)"
		printf '  %s\n' "${KNOWN_LIST[@]}"
	fi
	if [ ${#SKIP_LIST[@]} -gt 0 ]; then
		echo "::: skipped by runc's own requirements"
		printf '  %s\n' "${SKIP_LIST[@]}"
	fi
	if [ ${#FAILED[@]} -gt 0 ]; then
		echo "::: failures"
		printf '  %s\n' "${FAILED[@]}"
	fi
	echo "runc-dropin: $PASS passed, $FAIL failed, $((KNOWN + SKIPPED)) skipped"
}

# step NAME FUNCTION: times a step; a step function returns non-zero only when the
# steps after it cannot run (the build failed), never for an ordinary test failure.
step() {
	local name=$1 t0=$SECONDS rc=0
	echo "::: step $name ($MODE)"
	"$2" || rc=$?
	TIMES+=("$(printf '%-11s %4ds%s' "$name" $((SECONDS - t0)) "$([ $rc -eq 0 ] || echo ' (aborted)')")")
	if [ $rc -ne 0 ]; then
		fail "$name" "step aborted, later steps cannot run"
		summary
		exit 1
	fi
}

# ---------------------------------------------------------------- deps
# The deb-src entries mirror the machine's own Debian entries (URIs, suites, components,
# keyring), so `apt-get source` gets the source of exactly the archive the binaries came from.
derive_deb_src() {
	local f
	: >"$SRC_SOURCES.new"
	: >"$SRC_LIST.new"
	for f in /etc/apt/sources.list.d/*.sources; do
		if [ ! -f "$f" ] || [ "$f" = "$SRC_SOURCES" ]; then continue; fi
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			deb = 0; debian = 0; out = ""
			for (i = 1; i <= NF; i++) {
				l = $i
				if (l ~ /^#/) continue
				if (l ~ /^Types:/) { if (l ~ /[ \t]deb([ \t]|$)/) deb = 1; l = "Types: deb-src" }
				if (l ~ /^URIs:/ && l ~ /debian/) debian = 1
				if (l ~ /^Enabled:[ \t]*no/) deb = 0
				out = out l "\n"
			}
			if (deb && debian) printf "%s\n", out
		}' "$f" >>"$SRC_SOURCES.new"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		if [ ! -f "$f" ] || [ "$f" = "$SRC_LIST" ]; then continue; fi
		sed -n 's/^[[:space:]]*deb[[:space:]]\+\(.*debian.*\)$/deb-src \1/p' "$f" >>"$SRC_LIST.new"
	done
	local changed=0 dst
	for dst in "$SRC_SOURCES" "$SRC_LIST"; do
		if [ -s "$dst.new" ] && ! cmp -s "$dst.new" "$dst"; then
			mv "$dst.new" "$dst"
			changed=1
		fi
		rm -f "$dst.new"
	done
	if [ ! -s "$SRC_SOURCES" ] && [ ! -s "$SRC_LIST" ]; then
		echo "runc-dropin: no Debian 'deb' entry in /etc/apt/sources.list* to derive deb-src from" >&2
		return 1
	fi
	return $((1 - changed)) # 0 = changed: apt-get update needed
}

step_deps() {
	# A new deb-src entry needs an apt-get update of its own: ci/deps.sh updates only
	# when a package is missing.
	if [ "$(id -u)" -eq 0 ] && derive_deb_src; then
		echo "  apt-get update"
		timeout 300 apt-get update -qq || return 1
	fi
	# The packages: group `runc` of ci/deps.sh (not root: fails when one is missing).
	timeout 900 "$REPO/ci/deps.sh" runc || return 1
	# The bats files must come from the same version as the Go tree we build.
	local ver
	ver=$(dpkg-query -W -f='${Version}' golang-github-opencontainers-runc-dev)
	SRC_DIR=$B/src/runc-${ver%-*}
	if [ ! -f "$B/src/.done-$ver" ]; then
		rm -rf "$B/src"
		mkdir -p "$B/src"
		# A deb-src entry left by an earlier run may have no package lists yet: update once.
		(cd "$B/src" && timeout 300 apt-get source -qq "runc=$ver" >"$B/apt-source.log" 2>&1) ||
			{ [ "$(id -u)" -eq 0 ] && timeout 300 apt-get update -qq &&
				(cd "$B/src" && timeout 300 apt-get source -qq "runc=$ver" >"$B/apt-source.log" 2>&1); } || {
			tail -20 "$B/apt-source.log" >&2
			return 1
		}
		[ -d "$SRC_DIR/tests/integration" ] || {
			echo "runc-dropin: apt-get source did not give $SRC_DIR/tests/integration" >&2
			return 1
		}
		touch "$B/src/.done-$ver"
	fi
	echo "  runc source $ver in $SRC_DIR"
}

# ---------------------------------------------------------------- build
go_env() {
	export GOPATH=$W/gopath:$GOCODE GO111MODULE=off GOPROXY=off CGO_ENABLED=1 GOCACHE=$B/gocache
	unset GOFLAGS GOROOT
}

# The nsboot swap: runc's nsexec.c goes, the adapter and core's sources and headers come in.
# cgo compiles every .c file of the package directory, so core's sources are copied flat
# (their names are unique) and the headers keep their nsboot/ include path.
swap_nsexec() {
	local ns=$1
	local adapter=$REPO/core/compat/runc-1.1
	[ -f "$adapter/nsexec_adapter.c" ] || {
		echo "runc-dropin: $adapter/nsexec_adapter.c does not exist yet (use --nsexec stock)" >&2
		return 1
	}
	rm -f "$ns/nsexec.c"
	cp "$adapter"/*.c "$ns/"
	[ -z "$(ls "$adapter"/*.h 2>/dev/null)" ] || cp "$adapter"/*.h "$ns/"
	local f
	for f in "$REPO"/core/src/*.c; do
		[ ! -e "$ns/$(basename "$f")" ] || {
			echo "runc-dropin: name clash: $(basename "$f") already in nsenter/" >&2
			return 1
		}
		cp "$f" "$ns/"
	done
	[ -z "$(ls "$REPO"/core/src/*.h 2>/dev/null)" ] || cp "$REPO"/core/src/*.h "$ns/"
	mkdir -p "$ns/include"
	cp -r "$REPO/core/include/nsboot" "$ns/include/"
	# cgo flags for the package: C11 + GNU, include path of core's headers.
	cat >"$ns/nsboot_cgo.go" <<-'EOF'
		// Generated by ci/runc-dropin.sh: build flags for nsboot's sources in this package.

		package nsenter

		// #cgo CFLAGS: -std=gnu11 -D_GNU_SOURCE= -I${SRCDIR}/include -fvisibility=hidden
		import "C"
	EOF
}

step_build() {
	go_env
	mkdir -p "$W"
	local tree=$W/gopath/src/$RUNC_PKG
	rm -rf "$W/gopath"
	mkdir -p "$(dirname "$tree")"
	cp -a "$GOCODE/src/$RUNC_PKG" "$tree"
	# Debian disables nsenter_test.go with a `// +build ignore` line: re-enable it.
	sed -i '/^\/\/ +build ignore$/d' "$tree/libcontainer/nsenter/nsenter_test.go"
	grep -q '+build ignore' "$tree/libcontainer/nsenter/nsenter_test.go" && {
		echo "runc-dropin: could not re-enable nsenter_test.go" >&2
		return 1
	}
	if [ "$MODE" = nsboot ]; then swap_nsexec "$tree/libcontainer/nsenter" || return 1; fi
	local ldflags="-X main.version=1.1.5+nsboot-$MODE -X main.gitCommit=runc-dropin"
	(cd "$tree" && timeout 600 nice go build -p 2 -buildmode=pie -tags seccomp -ldflags "$ldflags" \
		-o "$W/runc" .) || return 1
	# recvtty (runc's console-socket receiver, used by the bats helpers) from the same source.
	mkdir -p "$tree/contrib/cmd"
	cp -a "$SRC_DIR/contrib/cmd/recvtty" "$tree/contrib/cmd/"
	(cd "$tree/contrib/cmd/recvtty" && timeout 300 nice go build -p 2 -o "$W/recvtty" .) || return 1
	gcc -std=c11 -O2 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wformat=2 \
		-Wstrict-prototypes -Wmissing-prototypes -Werror -o "$W/exe_check" "$FIX/exe_check.c" || return 1
	"$W/runc" --version | sed 's/^/  /'
	pass "build runc ($MODE nsexec)"
}

# ---------------------------------------------------------------- gotest
step_gotest() {
	go_env
	local tree=$W/gopath/src/$RUNC_PKG log=$W/gotest.log rc=0
	(cd "$tree" && timeout -k 5 180 go test -p 2 -count=1 -v -tags seccomp \
		./libcontainer/nsenter ./libcontainer/nsenter/test) >"$log" 2>&1 || rc=$?
	local t
	while read -r t; do pass "go test $t"; done < <(sed -n 's/^--- PASS: \([^ ]*\).*/\1/p' "$log")
	local nfail=0
	while read -r t; do
		fail "go test $t" "see $log"
		nfail=$((nfail + 1))
	done < <(sed -n 's/^--- FAIL: \([^ ]*\).*/\1/p' "$log")
	# A package that fails without a failing test (build error, panic, timeout) is one failure.
	if [ $rc -ne 0 ] && [ $nfail -eq 0 ]; then
		fail "go test nsenter packages" "exit $rc without a failing test (build error, panic or timeout); see $log"
		tail -20 "$log" | sed 's/^/    /'
	fi
}

# ---------------------------------------------------------------- rootfs and bundles
# A busybox rootfs from busybox-static: /bin/busybox, one link per applet, a minimal /etc.
make_rootfs_tar() {
	local out=$1 r
	r=$(mktemp -d "$B/rootfs.XXXXXX")
	chmod 0755 "$r" # the archive's "./" entry: a userns root must be able to enter it
	mkdir -p "$r"/{bin,dev,etc,home,proc,root,sys,tmp,usr/bin,usr/sbin,var/tmp}
	chmod 1777 "$r/tmp" "$r/var/tmp"
	chmod 0700 "$r/root"
	cp /bin/busybox "$r/bin/busybox"
	local a
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	cp "$FIX/rootfs/etc/passwd" "$FIX/rootfs/etc/group" "$r/etc/"
	tar --numeric-owner --owner=0 --group=0 -C "$r" -cJf "$out.tmp" . && mv "$out.tmp" "$out"
	rm -rf "$r"
}

# new_bundle DIR JQ-FILTER: bundle with a fresh rootfs and `runc spec` adjusted by the filter.
new_bundle() {
	local dir=$1 filter=$2
	rm -rf "$dir"
	mkdir -p "$dir/rootfs"
	chmod 0755 "$dir"
	tar -C "$dir/rootfs" -xf "$B/busybox.tar.xz"
	(cd "$dir" && "$W/runc" spec) || return 1
	jq "$filter" "$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}

# ---------------------------------------------------------------- containers
NS_TYPES="cgroup ipc mnt net pid user uts"
# Inside the container: one `ns <type> <link>` line per namespace, then the maps, then $$.
# shellcheck disable=SC2016 # expanded by the container's shell, not here
PROBE='for n in '$NS_TYPES'; do echo "ns $n $(readlink /proc/self/ns/$n)"; done;
while read -r a b c; do echo "uid_map $a $b $c"; done </proc/self/uid_map;
while read -r a b c; do echo "gid_map $a $b $c"; done </proc/self/gid_map;
echo "pid $$"'

# facts FILE: the host-independent facts of a probe's output: which namespaces differ from
# the host's (this script's), the maps, and whether the process is pid 1.
facts() {
	local out=$1 n link host newns="" line
	for n in $NS_TYPES; do
		link=$(sed -n "s/^ns $n //p" "$out")
		host=$(readlink "/proc/$$/ns/$n")
		[ -n "$link" ] || {
			echo "no-ns-line-$n"
			return
		}
		[ "$link" = "$host" ] || newns+="$n,"
	done
	echo "newns=${newns%,}"
	grep -E '^(uid_map|gid_map) ' "$out" | tr '\n' ';'
	echo
	[ "$(sed -n 's/^pid //p' "$out")" = 1 ] && echo pid1 || echo "not-pid1"
}

# ctr RUNC-PATH STATE-NAME ARGS...: runc with its own state root, hard timeout.
ctr() {
	local bin=$1 state=$2
	shift 2
	timeout -k 5 60 "$bin" --root "$W/state-$state" "$@"
}

# One scenario with both binaries; results in $W/ct/<scenario>.<new|stock>.{out,err,rc}.
both() {
	local sc=$1
	shift
	local which bin
	for which in new stock; do
		bin=$W/runc
		[ $which = new ] || bin=$STOCK_RUNC
		"$@" "$bin" "$which" "$W/ct/$sc.$which" || true
	done
}

sc_run_exit() { # bin state prefix
	local rc=0
	ctr "$1" "$2" run -b "$W/bundles/plain" "dropin-run-$2" >"$3.out" 2>"$3.err" </dev/null || rc=$?
	echo $rc >"$3.rc"
}
sc_run_userns() {
	local rc=0
	ctr "$1" "$2" run -b "$W/bundles/userns" "dropin-userns-$2" >"$3.out" 2>"$3.err" </dev/null || rc=$?
	echo $rc >"$3.rc"
}
sc_run_missing_binary() {
	local rc=0
	ctr "$1" "$2" run -b "$W/bundles/missing" "dropin-missing-$2" >"$3.out" 2>"$3.err" </dev/null || rc=$?
	echo $rc >"$3.rc"
	ctr "$1" "$2" delete -f "dropin-missing-$2" >/dev/null 2>&1 || true
}
sc_run_badns() {
	local rc=0
	ctr "$1" "$2" run -b "$W/bundles/badns" "dropin-badns-$2" >"$3.out" 2>"$3.err" </dev/null || rc=$?
	echo $rc >"$3.rc"
	ctr "$1" "$2" delete -f "dropin-badns-$2" >/dev/null 2>&1 || true
}
sc_debug() {
	local rc=0
	ctr "$1" "$2" --debug run -b "$W/bundles/hello" "dropin-debug-$2" >"$3.out" 2>"$3.err" </dev/null || rc=$?
	echo $rc >"$3.rc"
}
# exec into a detached container (plain or userns bundle), then join its netns by path.
sc_exec() {
	local bin=$1 state=$2 p=$3 bundle=$4 rc=0 id="dropin-exec-$4-$2"
	ctr "$bin" "$state" run -d -b "$W/bundles/$bundle-sleep" "$id" >/dev/null 2>"$p.run.err" </dev/null ||
		echo "run -d failed: $(cat "$p.run.err")" >"$p.err"
	local pid
	pid=$(ctr "$bin" "$state" state "$id" | jq -r .pid) || pid=0
	echo "$pid" >"$p.initpid"
	for n in $NS_TYPES; do echo "ns $n $(readlink "/proc/$pid/ns/$n")"; done >"$p.initns"
	ctr "$bin" "$state" exec "$id" sh -c "$PROBE; exit 7" >"$p.out" 2>>"$p.err" </dev/null || rc=$?
	echo $rc >"$p.rc"
	rc=0
	ctr "$bin" "$state" exec "$id" /no-such-binary >/dev/null 2>"$p.nobin.err" </dev/null || rc=$?
	echo $rc >"$p.nobin.rc"
	if [ "$bundle" = plain ]; then
		# A second container that joins the first one's network namespace by path.
		jq --arg p "/proc/$pid/ns/net" \
			'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
			"$W/bundles/plain/config.json" >"$W/bundles/joinnet-$state/config.json"
		rc=0
		ctr "$bin" "$state" run -b "$W/bundles/joinnet-$state" "dropin-join-$state" >"$p.join.out" \
			2>"$p.join.err" </dev/null || rc=$?
		echo $rc >"$p.join.rc"
	fi
	ctr "$bin" "$state" delete -f "$id" >/dev/null 2>&1 || true
}
sc_exec_plain() { sc_exec "$1" "$2" "$3" plain; }
sc_exec_userns() { sc_exec "$1" "$2" "$3" userns; }

# same_and_expected NAME FILE-SUFFIX EXPECTED: the new runc's value equals stock's and EXPECTED.
same_and_expected() {
	local name=$1 sc=$2 what=$3 expected=$4 new stock
	case $what in
	rc)
		new=$(cat "$W/ct/$sc.new.rc")
		stock=$(cat "$W/ct/$sc.stock.rc")
		;;
	*)
		new=$("$what" "$W/ct/$sc.new")
		stock=$("$what" "$W/ct/$sc.stock")
		;;
	esac
	if [ "$new" != "$stock" ]; then
		fail "$name" "nsexec=$MODE gives [$new], stock runc gives [$stock]"
	elif [ -n "$expected" ] && [ "$new" != "$expected" ]; then
		fail "$name" "both give [$new], expected [$expected]"
	else
		pass "$name [$new]"
	fi
}
facts_of() { facts "$1.out" | tr '\n' ' ' | sed 's/ $//'; }
join_facts() { # the joined container's netns equals the first container's, other namespaces new
	local net first
	net=$(sed -n 's/^ns net //p' "$1.join.out")
	first=$(sed -n 's/^ns net //p' "$1.initns")
	[ -n "$net" ] && [ "$net" = "$first" ] && echo -n "net-joined" || echo -n "net=[$net] first=[$first]"
	echo " rc=$(cat "$1.join.rc")"
}
nobin_rc() { cat "$1.nobin.rc"; }
exec_joins_all() { # the exec'd process is in every namespace of the container's init
	local n a b out=""
	for n in $NS_TYPES; do
		a=$(sed -n "s/^ns $n //p" "$1.out")
		b=$(sed -n "s/^ns $n //p" "$1.initns")
		[ -n "$a" ] && [ "$a" = "$b" ] || out+="$n:[$a]!=[$b] "
	done
	echo "${out:-all-joined}"
}
debug_facts() { # which nsexec log prefixes and milestones the --debug output shows
	local f=$1.err s out=""
	for s in 'nsexec\[' 'nsexec-0\[' 'nsexec-1\[' 'nsexec-2\['; do
		if grep -q "${s}[0-9]*\]: " "$f"; then out+="${s//\\/} "; fi
	done
	grep -q 'nsexec container setup' "$f" && out+="'nsexec container setup' "
	grep -q 'child process in init()' "$f" && out+="'child process in init()'"
	echo "$out"
}
stderr_mentions() { grep -c "$2" "$1.err" | sed 's/^[1-9][0-9]*$/yes/;s/^0$/no/'; }
badns_facts() {
	echo "rc=$(cat "$1.rc") mentions-path=$(stderr_mentions "$1" /proc/999999/ns/net)"
}

step_containers() {
	mkdir -p "$W/ct" "$W/bundles"
	rm -f "$W"/ct/*
	[ -s "$B/busybox.tar.xz" ] || make_rootfs_tar "$B/busybox.tar.xz"
	local sleep_args='.process.terminal = false | .process.args = ["sleep", "120"]'
	local probe_args
	probe_args=$(jq -n --arg p "$PROBE; exit 3" '["sh", "-c", $p]')
	# runc 1.1's `runc spec` has no cgroup namespace; add one: 1.1 unshares it in stage-2.
	local cgns='.linux.namespaces += [{"type": "cgroup"}]'
	new_bundle "$W/bundles/plain" "$cgns | .process.terminal = false | .process.args = $probe_args" || return 1
	new_bundle "$W/bundles/plain-sleep" "$cgns | $sleep_args" || return 1
	new_bundle "$W/bundles/hello" '.process.terminal = false | .process.args = ["/bin/echo", "hello"]' || return 1
	new_bundle "$W/bundles/missing" '.process.terminal = false | .process.args = ["/no-such-binary"]' || return 1
	new_bundle "$W/bundles/badns" '.process.terminal = false | .process.args = ["true"]
		| .linux.namespaces |= map(if .type == "network" then .path = "/proc/999999/ns/net" else . end)' || return 1
	local st
	for st in new stock; do
		new_bundle "$W/bundles/joinnet-$st" '.' || return 1
	done
	# User namespace + bind mounts whose sources sit in a 0700 directory that the
	# container's root (host uid 100000) cannot traverse: runc 1.1 opens them in stage-0
	# with host credentials and passes the fds (MOUNT_SOURCES, _LIBCONTAINER_MOUNT_FDS).
	local secret=$W/bundles/secret
	rm -rf "$secret"
	mkdir -p "$secret/a" "$secret/b"
	echo "secret-a" >"$secret/a/file"
	echo "secret-b" >"$secret/b/file"
	chmod 0700 "$secret"
	local userns=$cgns' | .linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"hostID": 100000, "containerID": 0, "size": 65536}]
		| .linux.gidMappings = [{"hostID": 100000, "containerID": 0, "size": 65536}]
		| .mounts += [{"source": "'$secret/a'", "destination": "/mnt/a", "options": ["bind"]},
		              {"source": "'$secret/b'", "destination": "/mnt/b", "options": ["bind", "ro"]}]'
	probe_args=$(jq -n --arg p "cat /mnt/a/file /mnt/b/file; $PROBE; exit 5" '["sh", "-c", $p]')
	new_bundle "$W/bundles/userns" "$userns | .process.terminal = false | .process.args = $probe_args" || return 1
	new_bundle "$W/bundles/userns-sleep" "$userns | $sleep_args" || return 1
	# The container's root (host uid 100000) cannot create mount points in a root-owned rootfs.
	mkdir -p "$W"/bundles/userns{,-sleep}/rootfs/mnt/{a,b}
	chmod 0755 "$W/bundles"/*/rootfs

	local host_default="cgroup,ipc,mnt,net,pid,uts"
	both run sc_run_exit
	same_and_expected "run: exit code of the container process" run rc 3
	same_and_expected "run: namespaces, maps, pid 1" run facts_of \
		"newns=$host_default uid_map 0 0 4294967295;gid_map 0 0 4294967295; pid1"

	both userns sc_run_userns
	same_and_expected "run userns: exit code" userns rc 5
	same_and_expected "run userns: namespaces, maps, pid 1" userns facts_of \
		"newns=cgroup,ipc,mnt,net,pid,user,uts uid_map 0 100000 65536;gid_map 0 100000 65536; pid1"
	local v
	for v in new stock; do
		if grep -q '^secret-a$' "$W/ct/userns.$v.out" && grep -q '^secret-b$' "$W/ct/userns.$v.out"; then
			pass "run userns ($v): bind mounts from a 0700 directory readable"
		else
			fail "run userns ($v): bind mounts from a 0700 directory readable" "$(head -c 300 "$W/ct/userns.$v.err")"
		fi
	done

	both exec sc_exec_plain
	same_and_expected "exec: exit code" exec rc 7
	same_and_expected "exec: namespaces and maps" exec facts_of \
		"newns=$host_default uid_map 0 0 4294967295;gid_map 0 0 4294967295; not-pid1"
	same_and_expected "exec: joins every namespace of the init" exec exec_joins_all all-joined
	same_and_expected "exec: missing binary exit code" exec nobin_rc 255
	same_and_expected "run: join a network namespace by path" exec join_facts "net-joined rc=3"

	both execu sc_exec_userns
	same_and_expected "exec userns: exit code" execu rc 7
	same_and_expected "exec userns: namespaces and maps" execu facts_of \
		"newns=cgroup,ipc,mnt,net,pid,user,uts uid_map 0 100000 65536;gid_map 0 100000 65536; not-pid1"
	same_and_expected "exec userns: joins every namespace of the init" execu exec_joins_all all-joined

	both debug sc_debug
	same_and_expected "--debug: exit code" debug rc 0
	same_and_expected "--debug: nsexec log lines" debug debug_facts \
		"nsexec[ nsexec-0[ nsexec-1[ nsexec-2[ 'nsexec container setup' 'child process in init()'"

	both missing sc_run_missing_binary
	same_and_expected "run: missing binary exit code" missing rc ""
	both badns sc_run_badns
	same_and_expected "run: unjoinable namespace path fails and names it" badns badns_facts "rc=1 mentions-path=yes"
}

# ---------------------------------------------------------------- cve
step_cve() {
	mkdir -p "$W/bundles"
	[ -s "$B/busybox.tar.xz" ] || make_rootfs_tar "$B/busybox.tar.xz"
	new_bundle "$W/bundles/cve" '.process.terminal = false | .process.args = ["true"]' || return 1
	local which bin id out rc pid
	for which in new stock; do
		bin=$W/runc
		[ $which = new ] || bin=$STOCK_RUNC
		id=dropin-cve-$which
		rc=0
		ctr "$bin" "$which" create -b "$W/bundles/cve" "$id" >/dev/null 2>"$W/cve.$which.err" </dev/null || rc=$?
		if [ $rc -ne 0 ]; then
			fail "cve ($which): runc create" "exit $rc: $(head -c 300 "$W/cve.$which.err")"
			continue
		fi
		pid=$(ctr "$bin" "$which" state "$id" | jq -r .pid)
		rc=0
		out=$("$W/exe_check" "$pid" 2>&1) || rc=$?
		ctr "$bin" "$which" delete -f "$id" >/dev/null 2>&1 || true
		if [ $rc -eq 0 ]; then
			pass "cve-2019-5736 ($which): init exe protected, _LIBCONTAINER_CLONED_BINARY set [$out]"
		else
			fail "cve-2019-5736 ($which): init exe protected, _LIBCONTAINER_CLONED_BINARY set" "$out"
		fi
	done
}

# ---------------------------------------------------------------- bats
# is_known FILE TEST OUTPUT-FILE: prints the reason when the failure is a listed
# environmental one AND its output shows the listed cause.
is_known() {
	local file=$1 test=$2 out=$3 kf kt kre reason
	while IFS=$'\t' read -r kf kt kre reason; do
		if [ -z "$kf" ] || [ "${kf#\#}" != "$kf" ]; then continue; fi
		if [ "$kf" = "$file" ] && [ "$kt" = "$test" ] && grep -qE -- "$kre" "$out"; then
			echo "$reason"
			return 0
		fi
	done <"$FIX/known-env-failures.tsv"
	return 1
}

# Reads bats' TAP output; one result per test, the `#` lines after a result are its output.
tally_tap() {
	local file=$1 tap=$2 planned=0 seen=0 line cur="" status="" detail
	detail=$(mktemp "$W/bats-detail.XXXXXX")
	finish() {
		[ -n "$cur" ] || return 0
		seen=$((seen + 1))
		local name="bats $file: $cur" reason
		case $status in
		ok) pass "$name" ;;
		skip) skipped "$name" "$skipwhy" ;;
		notok)
			if reason=$(is_known "$file" "$cur" "$detail"); then
				known "$name" "$reason"
			else
				fail "$name" "output in $tap"
				sed 's/^/    /' "$detail" | tail -15
			fi
			;;
		esac
		cur=""
		: >"$detail"
	}
	local skipwhy=""
	while IFS= read -r line; do
		case $line in
		1..*) planned=${line#1..} ;;
		"ok "*)
			finish
			cur=${line#ok }
			cur=${cur#* }
			status=ok
			if [[ "$cur" == *" # skip"* ]]; then
				status=skip
				skipwhy=${cur#* # skip}
				skipwhy=${skipwhy# }
				cur=${cur%% # skip*}
			fi
			;;
		"not ok "*)
			finish
			cur=${line#not ok }
			cur=${cur#* }
			status=notok
			;;
		"#"*) echo "${line#\#}" >>"$detail" ;;
		esac
	done <"$tap"
	finish
	rm -f "$detail"
	if [ "$seen" -lt "$planned" ]; then
		fail "bats $file" "$((planned - seen)) of $planned tests never reported (timeout or crash); see $tap"
	elif [ "$planned" -eq 0 ]; then
		fail "bats $file" "no test ran; see $tap"
	fi
}

step_bats() {
	local it=$SRC_DIR/tests/integration
	mkdir -p "$it/testdata"
	[ -s "$B/busybox.tar.xz" ] || make_rootfs_tar "$B/busybox.tar.xz"
	cp "$B/busybox.tar.xz" "$it/testdata/busybox-amd64.tar.xz"
	# get-images.sh also fetches a Debian image, used only by hooks.bats (not run here): an
	# empty archive in its place keeps it from going to the network.
	[ -s "$it/testdata/debian-amd64.tar.xz" ] || tar -C /var/empty -cJf "$it/testdata/debian-amd64.tar.xz" . 2>/dev/null ||
		{ mkdir -p "$B/empty" && tar -C "$B/empty" -cJf "$it/testdata/debian-amd64.tar.xz" .; }
	# helpers.bash finds recvtty relative to the tree.
	mkdir -p "$SRC_DIR/contrib/cmd/recvtty"
	cp "$W/recvtty" "$SRC_DIR/contrib/cmd/recvtty/recvtty"
	local tmp=$W/bats-tmp f rc
	rm -rf "$tmp"
	mkdir -p "$tmp"
	for f in $BATS_FILES; do
		local t0=$SECONDS tap=$W/bats-$f.tap
		rc=0
		# Foreground `runc run` with a terminal needs a controlling tty (runc opens /dev/tty when
		# no standard stream is one): `script` gives bats a pty, TAP goes to a file. Inside it,
		# `timeout --foreground`: a plain timeout moves bats to a background process group of
		# that tty, and runc's reads of the tty then loop on SIGTTIN forever.
		(cd "$it" && RUNC=$W/runc TMPDIR=$tmp timeout -k 20 200 \
			script -qec "timeout --foreground -k 10 150 bats --tap $f.bats >$tap 2>&1" /dev/null </dev/null >/dev/null) || rc=$?
		echo "  ($f.bats: exit $rc, $((SECONDS - t0))s)"
		tally_tap "$f" "$tap"
	done
}

# ---------------------------------------------------------------- cleanup
# Containers left by a timeout: delete them from every state root this run used.
cleanup() {
	local root id bin
	for root in "$W"/state-* "$W"/bats-tmp/bats-run-*/runc.*/state; do
		[ -d "$root" ] || continue
		bin=$W/runc
		[[ "$root" != *state-stock ]] || bin=$STOCK_RUNC
		[ -x "$bin" ] || bin=$STOCK_RUNC
		for id in $(timeout 10 "$bin" --root "$root" list -q 2>/dev/null); do
			timeout 10 "$bin" --root "$root" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	# recvtty daemons the bats helpers started and a timeout left behind.
	for id in "$W"/bats-tmp/bats-run-*/runc.*/tty/pid; do
		if [ -f "$id" ]; then kill -9 "$(cat "$id")" 2>/dev/null || true; fi
	done
}

mkdir -p "$B" "$W"
trap cleanup EXIT
SRC_DIR=""
if want deps; then
	step deps step_deps
else
	ver=$(dpkg-query -W -f='${Version}' golang-github-opencontainers-runc-dev)
	SRC_DIR=$B/src/runc-${ver%-*}
fi
if want build || want gotest || want containers || want cve || want bats; then
	if want build || [ ! -x "$W/runc" ]; then step build step_build; fi
fi
if want gotest; then step gotest step_gotest; fi
if want containers; then step containers step_containers; fi
if want cve; then step cve step_cve; fi
if want bats; then step bats step_bats; fi
summary
[ "$FAIL" -eq 0 ]
