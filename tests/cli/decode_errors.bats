#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# decode_errors.bats - `nsboot decode` on invalid messages: exit 1, the error's
# name, byte offset and attribute (JSON on stdout with --json, a line on stderr
# without), and the read cap that refuses a huge input without reading it all.
#
# Messages are spelled in hex, little-endian (x86_64): header
#   LEN(4) 30f2=INIT_MSG 0100=flags 01000000=seq 00000000=pid
# then attributes LEN(2) TYPE(2) PAYLOAD: 916a=CLONE_FLAGS 926a=NS_PATHS
# 956a=SETGROUP 966a=OOM_SCORE_ADJ 976a=ROOTLESS_EUID.
load helpers

HDR_TAIL='30f20100 01000000 00000000'
CLONE0='0800916a 00000000'
ROOTLESS0='0800976a 00000000'

@test "decode_rejects_input_shorter_than_a_header" {
	hexfile "$TMP/m" "20000000 30f2"
	expect_decode_error "$TMP/m" SHORT_HEADER 0 null
	: >"$TMP/empty"
	expect_decode_error "$TMP/empty" SHORT_HEADER 0 null
}

@test "decode_rejects_nlmsg_len_below_16" {
	hexfile "$TMP/m" "0f000000 $HDR_TAIL"
	expect_decode_error "$TMP/m" MSG_LEN_SMALL 0 null
}

@test "decode_rejects_a_message_over_max_len" {
	expect_decode_error "$CORPUS/run-default.bin" MSG_TOO_BIG 0 null --max-len 31
}

@test "decode_rejects_a_truncated_file_at_its_length" {
	head -c 20 "$CORPUS/run-default.bin" >"$TMP/m"
	expect_decode_error "$TMP/m" TRUNCATED 20 null
}

@test "decode_rejects_bytes_after_the_message" {
	cat "$CORPUS/run-default.bin" "$CORPUS/run-default.bin" >"$TMP/m"
	expect_decode_error "$TMP/m" TRAILING_DATA 32 null
}

@test "decode_rejects_a_wrong_message_type_at_offset_4" {
	hexfile "$TMP/m" "20000000 10000100 01000000 00000000 $CLONE0 $ROOTLESS0"
	expect_decode_error "$TMP/m" BAD_MSG_TYPE 4 null
}

@test "decode_rejects_an_attribute_header_cut_short" {
	hexfile "$TMP/m" "12000000 $HDR_TAIL 0800"
	expect_decode_error "$TMP/m" ATTR_HEADER_SHORT 16 null
}

@test "decode_rejects_zero_nla_len_naming_the_type_read" {
	hexfile "$TMP/m" "18000000 $HDR_TAIL 0000916a 00000000"
	expect_decode_error "$TMP/m" ATTR_LEN_SMALL 16 27281
}

@test "decode_rejects_an_attribute_running_past_the_message" {
	hexfile "$TMP/m" "18000000 $HDR_TAIL 0c00916a 00000000"
	run --separate-stderr "$NSBOOT" decode --json "$TMP/m"
	[ "$status" -eq 1 ]
	[[ "$output" == '{"error":"ATTR_OVERRUN","offset":16,'* ]]
}

@test "decode_rejects_missing_padding_at_the_end_of_the_attribute" {
	hexfile "$TMP/m" "15000000 $HDR_TAIL 0500966a 35"
	expect_decode_error "$TMP/m" PADDING_MISSING 21 27286
}

@test "decode_rejects_nonzero_padding_at_the_byte" {
	hexfile "$TMP/m" "18000000 $HDR_TAIL 0600966a 350000ff"
	expect_decode_error "$TMP/m" PADDING_NONZERO 23 27286
}

@test "decode_rejects_unknown_types_reporting_the_raw_type" {
	hexfile "$TMP/m" "18000000 $HDR_TAIL 08009b6a 00000000"
	expect_decode_error "$TMP/m" ATTR_UNKNOWN 16 27291
	# CLONE_FLAGS with the NLA_F_NESTED bit (0x8000) is not CLONE_FLAGS.
	hexfile "$TMP/m" "18000000 $HDR_TAIL 080091ea 00000000"
	expect_decode_error "$TMP/m" ATTR_UNKNOWN 16 60049
	run --separate-stderr "$NSBOOT" decode "$TMP/m"
	[[ "$stderr" == *"attribute unknown (60049)"* ]]
}

@test "decode_rejects_a_duplicate_at_the_second_copy" {
	hexfile "$TMP/m" "28000000 $HDR_TAIL $CLONE0 $CLONE0 $ROOTLESS0"
	expect_decode_error "$TMP/m" ATTR_DUPLICATE 24 27281
	run --separate-stderr "$NSBOOT" decode "$TMP/m"
	[ "$stderr" = "nsboot decode: $TMP/m: ATTR_DUPLICATE at offset 24, attribute CLONE_FLAGS (27281): attribute appears more than once" ]
}

@test "decode_rejects_missing_clone_flags_then_missing_rootless_euid" {
	hexfile "$TMP/m" "18000000 $HDR_TAIL $ROOTLESS0"
	expect_decode_error "$TMP/m" ATTR_MISSING 24 27281
	hexfile "$TMP/m" "18000000 $HDR_TAIL $CLONE0"
	expect_decode_error "$TMP/m" ATTR_MISSING 24 27287
}

@test "decode_rejects_fixed_size_payload_of_the_wrong_size" {
	hexfile "$TMP/m" "20000000 $HDR_TAIL 0600916a 00000000 $ROOTLESS0"
	expect_decode_error "$TMP/m" PAYLOAD_SIZE 16 27281
}

@test "decode_rejects_a_bool_that_is_not_0_or_1" {
	hexfile "$TMP/m" "20000000 $HDR_TAIL $CLONE0 0800976a 02000000"
	expect_decode_error "$TMP/m" BOOL_VALUE 24 27287
}

@test "decode_rejects_clone_flags_outside_the_namespace_mask" {
	hexfile "$TMP/m" "20000000 $HDR_TAIL 0800916a 01000000 $ROOTLESS0"
	expect_decode_error "$TMP/m" CLONE_FLAGS 16 27281
}

@test "decode_rejects_empty_and_unterminated_strings" {
	hexfile "$TMP/m" "24000000 $HDR_TAIL $CLONE0 0400966a $ROOTLESS0"
	expect_decode_error "$TMP/m" STRING_EMPTY 24 27286
	hexfile "$TMP/m" "28000000 $HDR_TAIL $CLONE0 0700966a 35303000 $ROOTLESS0"
	expect_decode_error "$TMP/m" STRING_UNTERMINATED 24 27286
}

@test "decode_reports_payload_errors_with_attribute_name_and_position" {
	# run-oom.bin with OOM_SCORE_ADJ "500" changed to "5x0".
	python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[29] = ord("x"); open(sys.argv[2], "wb").write(d)' \
		"$CORPUS/run-oom.bin" "$TMP/m"
	expect_decode_error "$TMP/m" OOM_SYNTAX 24 27286
	run --separate-stderr "$NSBOOT" decode "$TMP/m"
	[ "$stderr" = "nsboot decode: $TMP/m: OOM_SYNTAX at offset 24, attribute OOM_SCORE_ADJ (27286), payload position 1: oom_score_adj is not a decimal integer" ]
	run --separate-stderr "$NSBOOT" decode --json "$TMP/m"
	[ "$output" = '{"error":"OOM_SYNTAX","offset":24,"attr":27286,"message":"oom_score_adj is not a decimal integer (payload position 1)"}' ]
}

@test "decode_rejects_a_relative_namespace_path" {
	# NS_PATHS "net:x"
	hexfile "$TMP/m" "2c000000 $HDR_TAIL $CLONE0 0a00926a 6e65743a 78000000 $ROOTLESS0"
	expect_decode_error "$TMP/m" NSPATH_RELATIVE 24 27282
}

@test "decode_rejects_an_id_map_syntax_error_in_a_capture" {
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read().replace(b"65536\n", b"6553x\n"); open(sys.argv[2], "wb").write(d)' \
		"$CORPUS/run-userns.bin" "$TMP/m"
	expect_decode_error "$TMP/m" IDMAP_SYNTAX 24 27283
}

@test "decode_rejects_a_namespace_both_created_and_joined" {
	# CLONE_NEWNET and NS_PATHS "net:/x"
	hexfile "$TMP/m" "2c000000 $HDR_TAIL 0800916a 00000040 0b00926a 6e65743a 2f780000 $ROOTLESS0"
	expect_decode_error "$TMP/m" NS_CLONE_AND_JOIN 24 27282
}

@test "decode_rejects_setgroup_without_gidmap" {
	hexfile "$TMP/m" "28000000 $HDR_TAIL $CLONE0 0800956a 01000000 $ROOTLESS0"
	expect_decode_error "$TMP/m" SETGROUP_WITHOUT_GIDMAP 24 27285
}

@test "decode_dialect_decides_the_meaning_of_27290" {
	# A runc-1.1 MOUNT_SOURCES payload "/src\0" + NUL is not a runc-1.2 TIMENSOFFSET.
	encode_to "$TMP/m" --dialect runc-1.1 --clone-flags mnt --mount-source /src
	run --separate-stderr "$NSBOOT" decode --dialect=runc-1.1 --json "$TMP/m"
	[ "$status" -eq 0 ]
	expect_decode_error "$TMP/m" STRING_EMBEDDED_NUL 32 27290 --dialect=runc-1.2
	run --separate-stderr "$NSBOOT" decode "$TMP/m"
	[[ "$stderr" == *"attribute TIMENSOFFSET (27290), payload position 4:"* ]]
}

@test "decode_refuses_an_endless_stream_without_reading_it_all" {
	# "y\ny\n" as nlmsg_len is far above the 1 MiB cap.
	run --separate-stderr bash -c 'yes | timeout 20 "$0" decode --json -' "$NSBOOT"
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | json_expect '{"error":"MSG_TOO_BIG","offset":0,"attr":null,"message":""}' 'message=*'
	# A valid header followed by endless zeros: read cap + 1 bytes, then TRAILING_DATA.
	run --separate-stderr bash -c 'cat "$1" /dev/zero | timeout 20 "$0" decode --json' "$NSBOOT" "$CORPUS/run-default.bin"
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | json_expect '{"error":"TRAILING_DATA","offset":32,"attr":null,"message":""}' 'message=*'
}

@test "decode_honours_a_raised_max_len" {
	# A 2 MiB message (header, then zero bytes): over the default 1 MiB cap it is
	# MSG_TOO_BIG; with --max-len raised it is read whole and fails on its first
	# attribute instead (nla_len 0, type 0).
	python3 -c '
import struct, sys
n = 2 * 1024 * 1024
msg = struct.pack("<IHHII", n, 62000, 1, 1, 0) + bytes(n - 16)
open(sys.argv[1], "wb").write(msg)' "$TMP/big"
	expect_decode_error "$TMP/big" MSG_TOO_BIG 0 null
	expect_decode_error "$TMP/big" ATTR_LEN_SMALL 16 0 --max-len 4194304
}
