/* The interface between a fuzz target and its driver: libFuzzer's entry
 * point, which tests/fuzz/fuzz_main.c also calls when libFuzzer is not
 * used. */
#ifndef SPOTAGENT_FUZZ_H
#define SPOTAGENT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Run the parser under test on size bytes at data. Returns 0. A fault
 * (a sanitizer report, or a broken invariant through fuzz_check) aborts
 * the process. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with message when condition is false: an invariant the parser
 * promises for every input. */
#define fuzz_check(condition, message)                                  \
	do {                                                            \
		if (!(condition))                                       \
			fuzz_fail(__FILE__, __LINE__, (message));       \
	} while (0)

/* Print where an invariant broke and abort. */
_Noreturn void fuzz_fail(const char *file, int line, const char *message);

#endif
