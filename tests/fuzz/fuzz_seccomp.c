/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp alone: the input is the section's value inside a config that is otherwise
 * valid, so every execution reaches the seccomp reader, and what it accepts is compiled. */
#include "fuzz.h"

#include "libcontainer/arena.h"
#include "libcontainer/config.h"
#include "libcontainer/seccomp_filter.h"

static const char head[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
			   "\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},"
			   "\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = sizeof(head) - 1 + size + sizeof(tail) - 1;
	char *text = malloc(len);
	struct hr_diags diags = {0};
	struct hr_config *config;

	if (text == NULL)
		abort();
	memcpy(text, head, sizeof(head) - 1);
	memcpy(text + sizeof(head) - 1, data, size);
	memcpy(text + sizeof(head) - 1 + size, tail, sizeof(tail) - 1);
	config = hr_config_parse(text, len, "config.json", &diags);
	if (config != NULL) {
		struct hr_arena arena = {0};
		struct hr_seccomp_program *prog = NULL;
		struct hr_err err;

		if (config->linux_cfg.seccomp != NULL)
			(void)hr_seccomp_compile(config->linux_cfg.seccomp, NULL, &arena, &prog,
						 &err);
		hr_arena_free(&arena);
		hr_config_free(config);
	}
	hr_diags_free(&diags);
	free(text);
	return 0;
}
