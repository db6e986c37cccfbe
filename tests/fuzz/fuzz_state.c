/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.json as hardrun reads it back (a file on disk anyone with root may have edited), then
 * written out again as `hardrun state` prints it. */
#include "fuzz.h"

#include "libcontainer/arena.h"
#include "libcontainer/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_arena arena = {0};
	struct hr_state state;
	struct hr_err err;

	if (hr_state_parse((const char *)data, size, "state.json", &arena, &state, &err) == 0)
		free(hr_state_oci_json(&state, HR_STATUS_STOPPED, true));
	hr_arena_free(&arena);
	return 0;
}
