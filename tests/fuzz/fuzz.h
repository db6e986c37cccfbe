/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_FUZZ_H
#define HR_FUZZ_H

/*
 * What every libFuzzer harness of tests/fuzz shares. Each harness feeds one parser of outside
 * input the bytes libFuzzer gives it, as hardrun's commands would (the parsers take a
 * (data, len) buffer that need not be NUL-terminated: the harness passes it as it is), and
 * frees what the parser returned, so that AddressSanitizer's leak check judges the error
 * paths too. See tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data (the parsers of command-line values take C strings). */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
