/* SPDX-License-Identifier: Apache-2.0 */
/*
 * afl_main.c - the AFL++ driver: persistent mode with shared-memory test
 * cases, built with afl-clang-fast (fuzz/CMakeLists.txt, NSB_BUILD_AFL=ON;
 * ci/fuzz.sh builds it twice: ASan+UBSan for finding bugs, and a CMPLOG
 * build for afl-fuzz -c).
 *
 * Each test case is copied into a heap buffer of exactly its size before the
 * harness runs, so ASan sees a one-byte overread just as under libFuzzer.
 * Outside afl-fuzz the binary runs once on stdin:  decode < crash-file
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* read(2), used by __AFL_FUZZ_TESTCASE_LEN outside afl-fuzz */

#ifndef __AFL_FUZZ_TESTCASE_LEN
#error "afl_main.c needs afl-clang-fast (or afl-clang-lto): configure with CMAKE_C_COMPILER=afl-clang-fast"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

__AFL_FUZZ_INIT();

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	/* Fork server starts here: everything above runs once. */
	__AFL_INIT();
	const unsigned char *shared = __AFL_FUZZ_TESTCASE_BUF;
	static uint8_t empty_input[1];
	while (__AFL_LOOP(100000)) {
		size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		uint8_t *copy = len == 0 ? empty_input : malloc(len);
		if (copy == NULL)
			abort();
		memcpy(copy, shared, len);
		(void)LLVMFuzzerTestOneInput(copy, len);
		if (copy != empty_input)
			free(copy);
	}
	return 0;
}
