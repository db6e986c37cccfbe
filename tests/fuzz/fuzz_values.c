/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line's values: the first byte chooses the parser (a size, a CPU quota, a pids
 * limit, a user, a volume, a hostname, a duration, a profile, a CPU or node list of each
 * syntax), the rest is the value. */
#include "fuzz.h"

#include "libcontainer/health.h"
#include "libcontainer/id_list.h"
#include "libcontainer/spec.h"

static void id_list(const char *s, const struct hr_id_list_syntax *syntax)
{
	unsigned long mask[4096 / (8 * sizeof(unsigned long))];
	struct hr_id_list_error e;

	(void)hr_id_list_parse(s, syntax, mask, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hr_id_list_syntax syntaxes[] = {
	    {.max = 4095, .spaces = true, .strides = true},
	    {.max = 1023, .empty = true},
	    {.max = 4095, .spaces = true},
	};
	char *s;
	int64_t i64;
	uint64_t u64;
	uint32_t uid, gid;
	enum hr_spec_profile profile;
	struct hr_spec_volume vol = {0};
	struct hr_err err;

	if (size == 0)
		return 0;
	s = fuzz_cstring(data + 1, size - 1);
	switch (data[0] % 11) {
	case 0:
		(void)hr_spec_parse_size(s, &i64, &err);
		break;
	case 1:
		(void)hr_spec_parse_cpus(s, &i64, &err);
		break;
	case 2:
		(void)hr_spec_parse_pids(s, &i64, &err);
		break;
	case 3:
		(void)hr_spec_parse_user(s, &uid, &gid, &err);
		break;
	case 4:
		if (hr_spec_parse_volume(s, &vol, &err) == 0)
			hr_spec_volume_free(&vol);
		break;
	case 5:
		(void)hr_spec_check_hostname(s, &err);
		break;
	case 6:
		(void)hr_duration_parse(s, &u64);
		break;
	case 7:
		(void)hr_spec_parse_profile(s, &profile, &err);
		break;
	default:
		id_list(s, &syntaxes[data[0] % 11 - 8]);
		break;
	}
	free(s);
	return 0;
}
