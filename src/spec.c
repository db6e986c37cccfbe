/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PLACEHOLDER: being written in this session; replaced before commit. */
#include "cli.h"
static int run(struct hr_context *ctx, int argc, char **argv, struct hr_err *err)
{
	(void)ctx; (void)argc; (void)argv;
	return hr_err_set(err, 0, "not built yet");
}
const struct hr_command hr_cmd_spec = {.name = "spec", .summary = "", .usage = "", .run = run};
