#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# decode.bats - `nsboot decode` on valid messages: the runc captures in both
# dialects, text and JSON output, stdin, exact 64-bit integers, hostile strings.
load helpers

CAPTURES=(run-default run-default-exec run-userns run-oom)

@test "decode_json_reports_each_runc_capture_as_its_config_says" {
	for name in "${CAPTURES[@]}"; do
		for dialect in runc-1.2 runc-1.1; do
			echo "# $name, $dialect"
			run --separate-stderr "$NSBOOT" decode --dialect="$dialect" --json "$CORPUS/$name.bin"
			[ "$status" -eq 0 ]
			[ -z "$stderr" ]
			[ "${#lines[@]}" -eq 1 ]
			printf '%s\n' "$output" | json_expect "$EXPECTED/$name.json" "dialect=\"$dialect\""
		done
	done
}

@test "decode_defaults_to_dialect_runc_1_2" {
	run --separate-stderr "$NSBOOT" decode --json "$CORPUS/run-default.bin"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | json_expect "$EXPECTED/run-default.json"
}

@test "decode_text_output_of_run_userns_is_exact" {
	run --separate-stderr "$NSBOOT" decode "$CORPUS/run-userns.bin"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "$(cat "$EXPECTED/run-userns.txt")" ]
}

@test "decode_text_output_lists_every_field_of_each_capture" {
	run --separate-stderr "$NSBOOT" decode "$CORPUS/run-default-exec.bin"
	[ "$status" -eq 0 ]
	[ "${lines[5]}" = "clone_flags:    0x00000000 (none)" ]
	[ "${lines[6]}" = "ns_paths:       ipc /proc/16551/ns/ipc" ]
	[ "${lines[10]}" = "ns_paths:       mnt /proc/16551/ns/mnt" ]
	[ "${lines[11]}" = "rootless_euid:  false" ]
	[ "${#lines[@]}" -eq 12 ]

	run --separate-stderr "$NSBOOT" decode "$CORPUS/run-oom.bin"
	[ "$status" -eq 0 ]
	[ "${lines[5]}" = "clone_flags:    0x6c020000 (ipc|uts|net|pid|mnt)" ]
	[ "${lines[6]}" = "oom_score_adj:  500" ]
	[ "${#lines[@]}" -eq 8 ]
}

@test "decode_reads_stdin_for_dash_and_for_no_file" {
	run --separate-stderr bash -c '"$0" decode --json - < "$1"' "$NSBOOT" "$CORPUS/run-oom.bin"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | json_expect "$EXPECTED/run-oom.json"
	run --separate-stderr bash -c '"$0" decode --json < "$1"' "$NSBOOT" "$CORPUS/run-oom.bin"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | json_expect "$EXPECTED/run-oom.json"
}

@test "decode_max_len_accepts_a_message_of_exactly_the_cap" {
	run --separate-stderr "$NSBOOT" decode --json --max-len 32 "$CORPUS/run-default.bin"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | json_expect "$EXPECTED/run-default.json"
}

@test "decode_json_prints_64_bit_time_offsets_exactly" {
	encode_to "$TMP/t.bin" --clone-flags 'user|time' --uid-map '0 1000 1' \
		--time-offset monotonic:9223372036854775807:999999999 \
		--time-offset boottime:-9223372036854775808:0
	run --separate-stderr "$NSBOOT" decode --json "$TMP/t.bin"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"secs":9223372036854775807,'* ]]
	[[ "$output" == *'"secs":-9223372036854775808,'* ]]
	printf '%s\n' "$output" | json_expect '{
		"dialect": "runc-1.2", "length": 128, "flags": 1, "seq": 1, "pid": 0,
		"clone_flags": 268435584,
		"uid_map": [{"container_id": 0, "host_id": 1000, "size": 1}],
		"rootless_euid": false,
		"time_offsets": [
			{"clock": "monotonic", "secs": 9223372036854775807, "nsecs": 999999999},
			{"clock": "boottime", "secs": -9223372036854775808, "nsecs": 0}]}'
	run --separate-stderr "$NSBOOT" decode "$TMP/t.bin"
	[ "${lines[8]}" = "time_offsets:   monotonic 9223372036854775807 999999999" ]
	[ "${lines[9]}" = "time_offsets:   boottime -9223372036854775808 0" ]
}

@test "decode_runc_1_1_reports_mount_sources_and_empty_entries" {
	encode_to "$TMP/m.bin" --dialect runc-1.1 --clone-flags mnt --mount-source /src --mount-source ''
	run --separate-stderr "$NSBOOT" decode --dialect=runc-1.1 --json "$TMP/m.bin"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | json_expect '{
		"dialect": "runc-1.1", "length": 44, "flags": 1, "seq": 1, "pid": 0,
		"clone_flags": 131072, "rootless_euid": false, "mount_sources": ["/src", ""]}'
	run --separate-stderr "$NSBOOT" decode --dialect=runc-1.1 "$TMP/m.bin"
	[ "${lines[7]}" = 'mount_sources:  "/src"' ]
	[ "${lines[8]}" = 'mount_sources:  "" (not a bind mount)' ]
}

@test "decode_text_escapes_control_and_non_ascii_bytes_in_paths" {
	# A path with ESC, a newline and an invalid UTF-8 byte must not reach the terminal raw
	# nor split the line.
	encode_to "$TMP/e.bin" --clone-flags 0 --ns $'net:/a\x1b[31m\nb\xff\\'
	run --separate-stderr "$NSBOOT" decode "$TMP/e.bin"
	[ "$status" -eq 0 ]
	[ "${lines[6]}" = 'ns_paths:       net /a\x1b[31m\x0ab\xff\\' ]
	[ "${#lines[@]}" -eq 8 ]
}

@test "decode_json_is_valid_utf8_for_any_path_bytes" {
	encode_to "$TMP/e.bin" --clone-flags 0 --ns $'net:/a\x1b\n\xff\xc3\xa9"' --ns $'uts:/\xe2\x82'
	run --separate-stderr "$NSBOOT" decode --json "$TMP/e.bin"
	[ "$status" -eq 0 ]
	# Valid UTF-8 (U+00E9) is kept, control bytes become JSON escapes, and every byte
	# outside a valid UTF-8 sequence (0xff; the truncated 0xe2 0x82) becomes U+FFFD.
	printf '%s\n' "$output" | json_expect '{
		"dialect": "runc-1.2", "length": 60, "flags": 1, "seq": 1, "pid": 0, "clone_flags": 0,
		"ns_paths": [{"type": "net", "path": "/a\u001b\n\ufffd\u00e9\""},
		             {"type": "uts", "path": "/\ufffd\ufffd"}],
		"rootless_euid": false}'
}
