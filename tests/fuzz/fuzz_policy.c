/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy file (/etc/hardrun/policy.json, --policy, HARDRUN_POLICY). */
#include "fuzz.h"

#include "libcontainer/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_diags diags = {0};
	struct hr_policy *policy = hr_policy_parse((const char *)data, size, "policy.json", &diags);

	if (policy != NULL)
		hr_policy_free(policy);
	hr_diags_free(&diags);
	return 0;
}
