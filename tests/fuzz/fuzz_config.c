/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json: parsed and validated as create does, then judged by audit and, when it has a
 * seccomp section, compiled to BPF (without the cache). */
#include "fuzz.h"

#include "libcontainer/arena.h"
#include "libcontainer/audit.h"
#include "libcontainer/config.h"
#include "libcontainer/seccomp_filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_diags diags = {0};
	struct hr_config *config = hr_config_parse((const char *)data, size, "config.json", &diags);

	if (config != NULL) {
		struct hr_audit_report report = {0};
		struct hr_arena arena = {0};
		struct hr_seccomp_program *prog = NULL;
		struct hr_err err;

		hr_audit_run(config, NULL, &report);
		hr_audit_report_free(&report);
		if (config->has_linux && config->linux_cfg.seccomp != NULL)
			(void)hr_seccomp_compile(config->linux_cfg.seccomp, NULL, &arena, &prog,
						 &err);
		hr_arena_free(&arena);
		hr_config_free(config);
	}
	hr_diags_free(&diags);
	return 0;
}
