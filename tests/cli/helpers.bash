# SPDX-License-Identifier: Apache-2.0
# helpers.bash - shared by the CLI suites (load helpers).
#
# Environment (set by tests/cli/CMakeLists.txt for ctest):
#   NSBOOT          the nsboot binary under test (required: the suite fails without it)
#   NSB_SOURCE_DIR  the repository (default: two levels above this file)
bats_require_minimum_version 1.5.0

setup() {
	if [ -z "${NSBOOT:-}" ] || [ ! -x "$NSBOOT" ]; then
		echo "NSBOOT must name the nsboot binary (got '${NSBOOT:-}')" >&2
		return 1
	fi
	NSB_SOURCE_DIR=${NSB_SOURCE_DIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
	CORPUS=$NSB_SOURCE_DIR/corpus/runc
	EXPECTED=$BATS_TEST_DIRNAME/expected
	TMP=$BATS_TEST_TMPDIR
}

# json_expect EXPECTED [KEY=JSON]... < ACTUAL: strict typed comparison (json_expect.py).
json_expect() {
	python3 "$BATS_TEST_DIRNAME/json_expect.py" "$@"
}

# hexfile PATH HEX...: write the bytes spelled by HEX (spaces allowed) to PATH.
hexfile() {
	local path=$1
	shift
	python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes.fromhex("".join(sys.argv[2:])))' "$path" "$@"
}

# encode_to FILE ARGS...: nsboot encode ARGS > FILE (stderr stays visible to `run`).
encode_to() {
	local out=$1
	shift
	"$NSBOOT" encode "$@" >"$out"
}

# expect_decode_error FILE NAME OFFSET ATTR [DECODE OPTIONS...]
# The message in FILE is invalid: exit 1; --json prints exactly
# {"error":NAME,"offset":OFFSET,"attr":ATTR,"message":"..."} on stdout and nothing on
# stderr; the text mode prints nothing on stdout and names NAME and the offset on stderr.
# ATTR is a number or null.
expect_decode_error() {
	local file=$1 name=$2 offset=$3 attr=$4
	shift 4
	run --separate-stderr "$NSBOOT" decode --json "$@" "$file"
	[ "$status" -eq 1 ] || { echo "exit $status: $output $stderr"; return 1; }
	[ -z "$stderr" ] || { echo "stderr: $stderr"; return 1; }
	printf '%s\n' "$output" |
		json_expect "{\"error\":\"$name\",\"offset\":$offset,\"attr\":$attr,\"message\":\"\"}" 'message=*'
	run --separate-stderr "$NSBOOT" decode "$@" "$file"
	[ "$status" -eq 1 ] || { echo "text mode: exit $status"; return 1; }
	[ -z "$output" ] || { echo "text mode stdout: $output"; return 1; }
	[[ "$stderr" == *"$name at offset $offset"* ]] || { echo "text mode stderr: $stderr"; return 1; }
}
