/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mounts[].options: the input is the option list, one option a line. */
#include "fuzz.h"

#include "libcontainer/arena.h"
#include "libcontainer/mountopts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	char *options[256];
	size_t n = 0;
	struct hr_arena arena = {0};
	struct hr_mountopts out;
	struct hr_err err;

	for (char *line = text; line != NULL && n < sizeof(options) / sizeof(options[0]);) {
		char *next = strchr(line, '\n');

		if (next != NULL)
			*next++ = '\0';
		options[n++] = line;
		line = next;
	}
	(void)hr_mountopts_parse(options, n, &arena, &out, &err);
	hr_arena_free(&arena);
	free(text);
	return 0;
}
