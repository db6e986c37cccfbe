/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --env-file FILE: KEY=VALUE lines. */
#include "fuzz.h"

#include "libcontainer/envfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_env_list env = {0};
	struct hr_err err;

	(void)hr_envfile_parse((const char *)data, size, "env", &env, &err);
	hr_env_list_free(&env);
	return 0;
}
