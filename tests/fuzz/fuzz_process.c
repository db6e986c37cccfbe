/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec --process FILE: a process object on its own. */
#include "fuzz.h"

#include "libcontainer/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_diags diags = {0};

	hr_process_doc_free(hr_process_parse((const char *)data, size, "process.json", &diags));
	hr_diags_free(&diags);
	return 0;
}
