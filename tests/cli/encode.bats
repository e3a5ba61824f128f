#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# encode.bats - `nsboot encode`: byte-for-byte reproduction of the runc captures,
# round trips through decode, named errors for invalid values (exit 1), refusal
# of a terminal and of a failed write (exit 2).
load helpers

EXEC_NS=(--ns ipc:/proc/16551/ns/ipc --ns uts:/proc/16551/ns/uts --ns net:/proc/16551/ns/net
	--ns pid:/proc/16551/ns/pid --ns mnt:/proc/16551/ns/mnt)

# expect_encode_error NAME ARGS...: exit 1, nothing on stdout, NAME on stderr.
expect_encode_error() {
	local name=$1
	shift
	run --separate-stderr encode_to "$TMP/out" "$@"
	[ "$status" -eq 1 ] || { echo "exit $status: $stderr"; return 1; }
	[ ! -s "$TMP/out" ] || { echo "wrote a message"; return 1; }
	[[ "$stderr" == "nsboot encode: "*"$name"* ]] || { echo "stderr: $stderr"; return 1; }
}

@test "encode_reproduces_run_default_byte_for_byte" {
	encode_to "$TMP/m" --clone-flags 'mnt|uts|ipc|pid|net'
	cmp "$TMP/m" "$CORPUS/run-default.bin"
}

@test "encode_reproduces_run_default_exec_byte_for_byte" {
	encode_to "$TMP/m" --clone-flags 0 "${EXEC_NS[@]}"
	cmp "$TMP/m" "$CORPUS/run-default-exec.bin"
}

@test "encode_reproduces_run_userns_byte_for_byte" {
	encode_to "$TMP/m" --clone-flags mnt,uts,ipc,user,pid,net --uid-map '0 100000 65536' \
		--gid-map '0 200000 1000' --gid-map '1000 300000 64536' --setgroups
	cmp "$TMP/m" "$CORPUS/run-userns.bin"
}

@test "encode_reproduces_run_oom_byte_for_byte" {
	encode_to "$TMP/m" --clone-flags 'mnt|uts|ipc|pid|net' --oom-score-adj 500
	cmp "$TMP/m" "$CORPUS/run-oom.bin"
}

@test "encode_output_does_not_depend_on_option_order" {
	encode_to "$TMP/m" --setgroups --gid-map '0 200000 1000' --uid-map '0 100000 65536' \
		--gid-map '1000 300000 64536' --clone-flags 'net|pid|user|ipc|uts|mnt'
	cmp "$TMP/m" "$CORPUS/run-userns.bin"
}

@test "encode_accepts_clone_flags_as_names_or_numbers" {
	encode_to "$TMP/a" --clone-flags 0x6c020000
	cmp "$TMP/a" "$CORPUS/run-default.bin"
	encode_to "$TMP/b" --clone-flags 1812070400
	cmp "$TMP/b" "$CORPUS/run-default.bin"
	encode_to "$TMP/c" --clone-flags 'pid,net|ipc,uts|mnt'
	cmp "$TMP/c" "$CORPUS/run-default.bin"
}

@test "encode_round_trips_every_runc_1_2_attribute" {
	encode_to "$TMP/m" --clone-flags 'user|mnt|time' --seq 7 \
		--uid-map '0 1000 1' --uid-map '1 100000 65536' --gid-map '0 1000 1' \
		--uid-map-helper /usr/bin/newuidmap --gid-map-helper /usr/bin/newgidmap \
		--oom-score-adj -1000 --rootless-euid --time-offset boottime:-5:7
	run --separate-stderr "$NSBOOT" decode --json "$TMP/m"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | json_expect '{
		"dialect": "runc-1.2", "length": 160, "flags": 1, "seq": 7, "pid": 0,
		"clone_flags": 268566656,
		"uid_map": [{"container_id": 0, "host_id": 1000, "size": 1},
		            {"container_id": 1, "host_id": 100000, "size": 65536}],
		"gid_map": [{"container_id": 0, "host_id": 1000, "size": 1}],
		"oom_score_adj": -1000, "rootless_euid": true,
		"uid_map_helper": "/usr/bin/newuidmap", "gid_map_helper": "/usr/bin/newgidmap",
		"time_offsets": [{"clock": "boottime", "secs": -5, "nsecs": 7}]}'
	# seq 7 is in the header, host byte order.
	[ "$(od -An -tu4 -j8 -N4 "$TMP/m" | tr -d ' ')" = 7 ]
}

@test "encode_round_trips_runc_1_1_mount_sources" {
	encode_to "$TMP/m" --dialect runc-1.1 --clone-flags mnt --mount-source '' --mount-source /a/b \
		--mount-source ''
	run --separate-stderr "$NSBOOT" decode --dialect runc-1.1 --json "$TMP/m"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | json_expect '{
		"dialect": "runc-1.1", "length": 44, "flags": 1, "seq": 1, "pid": 0,
		"clone_flags": 131072, "rootless_euid": false, "mount_sources": ["", "/a/b", ""]}'
}

@test "encode_rejects_clone_flags_outside_the_mask_by_name" {
	expect_encode_error CLONE_FLAGS --clone-flags 0x1
	[ "$stderr" = "nsboot encode: --clone-flags: CLONE_FLAGS: clone flags outside the namespace mask 0x7E020080" ]
}

@test "encode_rejects_invalid_id_maps_naming_the_value" {
	expect_encode_error IDMAP_ZERO_SIZE --clone-flags user --uid-map '0 0 0'
	[ "$stderr" = 'nsboot encode: --uid-map "0 0 0": IDMAP_ZERO_SIZE at position 4: id map extent has size 0' ]
	expect_encode_error IDMAP_OVERLAP --clone-flags user --gid-map '0 0 10' --gid-map '5 100 1'
	[[ "$stderr" == 'nsboot encode: --gid-map "5 100 1": IDMAP_OVERLAP'* ]]
	expect_encode_error IDMAP_SYNTAX --clone-flags user --uid-map '0 0'
	expect_encode_error IDMAP_WITHOUT_NEWUSER --clone-flags 0 --uid-map '0 0 1'
}

@test "encode_rejects_invalid_namespace_paths_naming_the_value" {
	expect_encode_error NSPATH_RELATIVE --clone-flags 0 --ns net:/x --ns uts:rel
	[ "$stderr" = 'nsboot encode: --ns "uts:rel": NSPATH_RELATIVE at position 4: namespace path is not absolute' ]
	expect_encode_error NSPATH_DUPLICATE_TYPE --clone-flags 0 --ns net:/x --ns net:/y
	[[ "$stderr" == 'nsboot encode: --ns "net:/y": NSPATH_DUPLICATE_TYPE'* ]]
	expect_encode_error NSPATH_UNKNOWN_TYPE --clone-flags 0 --ns network:/x
	expect_encode_error NSPATH_NO_SEPARATOR --clone-flags 0 --ns /proc/1/ns/net
	expect_encode_error NS_CLONE_AND_JOIN --clone-flags net --ns uts:/u --ns net:/x
	[ "$stderr" = 'nsboot encode: --ns "net:/x": NS_CLONE_AND_JOIN: namespace both created and joined' ]
}

@test "encode_rejects_cross_attribute_violations" {
	expect_encode_error SETGROUP_WITHOUT_GIDMAP --clone-flags 0 --setgroups
	expect_encode_error HELPER_WITHOUT_MAP --clone-flags user --uid-map '0 0 1' --gid-map-helper /g
	expect_encode_error HELPER_PATH_RELATIVE --clone-flags user --uid-map '0 0 1' --uid-map-helper newuidmap
	expect_encode_error TIMENS_WITHOUT_NEWTIME --clone-flags 0 --time-offset monotonic:1:0
}

@test "encode_rejects_invalid_scalar_and_time_values" {
	expect_encode_error OOM_RANGE --clone-flags 0 --oom-score-adj 1001
	expect_encode_error OOM_SYNTAX --clone-flags 0 --oom-score-adj 5x
	expect_encode_error TIMENS_NSECS_RANGE --clone-flags time --time-offset monotonic:1:1000000000
	[[ "$stderr" == 'nsboot encode: --time-offset "monotonic:1:1000000000": TIMENS_NSECS_RANGE at position 12:'* ]]
	expect_encode_error TIMENS_CLOCK --clone-flags time --time-offset realtime:1:0
	expect_encode_error TIMENS_DUPLICATE_CLOCK --clone-flags time --time-offset boottime:1:0 \
		--time-offset boottime:2:0
	expect_encode_error TIMENS_SYNTAX --clone-flags time --time-offset boottime:1
}

@test "encode_rejects_a_string_too_long_for_an_attribute" {
	long=/$(head -c 65530 /dev/zero | tr '\0' a)
	expect_encode_error STRING_TOO_LONG --clone-flags user --uid-map '0 0 1' --uid-map-helper "$long"
	# 65530 bytes is the longest that fits.
	encode_to "$TMP/m" --clone-flags user --uid-map '0 0 1' --uid-map-helper "${long:0:65530}"
	[ "$(stat -c %s "$TMP/m")" -eq $((16 + 8 + 12 + 65536 + 8)) ]
}

@test "encode_refuses_a_terminal_on_stdout_after_validating" {
	run --separate-stderr python3 "$BATS_TEST_DIRNAME/on_pty.py" "$NSBOOT" encode --clone-flags 0
	[ "$status" -eq 2 ]
	[ "$output" = "tty_bytes=0" ]
	[[ "$stderr" == *"refusing to write a binary message to a terminal"* ]]
	# An invalid value is reported as such even on a terminal.
	run --separate-stderr python3 "$BATS_TEST_DIRNAME/on_pty.py" "$NSBOOT" encode --clone-flags 0x1
	[ "$status" -eq 1 ]
	[ "$output" = "tty_bytes=0" ]
	[[ "$stderr" == *"CLONE_FLAGS"* ]]
}

@test "encode_and_decode_report_a_failed_write" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c '"$0" encode --clone-flags 0 > /dev/full' "$NSBOOT"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"No space left on device"* ]]
	run --separate-stderr bash -c '"$0" decode "$1" > /dev/full' "$NSBOOT" "$CORPUS/run-oom.bin"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"No space left on device"* ]]
	run --separate-stderr bash -c '"$0" decode --json "$1" > /dev/full' "$NSBOOT" "$CORPUS/run-oom.bin"
	[ "$status" -eq 2 ]
}
