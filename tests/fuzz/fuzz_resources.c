/* SPDX-License-Identifier: GPL-2.0-or-later */
/* update --resources FILE: a linux.resources object on its own. */
#include "fuzz.h"

#include "libcontainer/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_diags diags = {0};

	hr_resources_doc_free(
	    hr_resources_parse((const char *)data, size, "resources.json", &diags));
	hr_diags_free(&diags);
	return 0;
}
