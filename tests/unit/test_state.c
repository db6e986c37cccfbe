/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container IDs: runc's rule, one check for every command. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libcontainer/arena.h"
#include "libcontainer/state.h"

#define RULE "letters, digits and _+-."

Test(id_validate, accepts_runc_ids)
{
	static const char *const ok[] = {"a", "web-1", "A_b+c.d", "..a", "a..", "...", "0"};
	char longest[HR_ID_MAX + 1];
	struct hr_err err = {0};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert_eq(hr_id_validate(ok[i], &err), 0, "%s refused: %s", ok[i], err.msg);
	memset(longest, 'x', HR_ID_MAX);
	longest[HR_ID_MAX] = '\0';
	cr_assert_eq(hr_id_validate(longest, &err), 0);
}

Test(id_validate, refuses_naming_the_id_and_the_rule)
{
	static const char *const bad[] = {"",	 ".",	"..",  "../x", "a/b", "/",
					  "a b", "a:b", "a\n", "é",    "a*",  "$x"};
	struct hr_err err = {0};
	char quoted[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(hr_id_validate(bad[i], &err), -1, "\"%s\" accepted", bad[i]);
		cr_assert_eq(err.errnum, EINVAL);
		snprintf(quoted, sizeof(quoted), "invalid container ID \"%s\"", bad[i]);
		cr_assert(strstr(err.msg, quoted) != NULL, "%s", err.msg);
		cr_assert(strstr(err.msg, RULE) != NULL, "%s", err.msg);
		cr_assert(strstr(err.msg, "Invalid argument") == NULL, "%s", err.msg);
	}
}

Test(id_validate, refuses_too_long_quoting_its_start)
{
	char id[HR_ID_MAX + 2];
	struct hr_err err = {0};

	memset(id, 'x', HR_ID_MAX + 1);
	id[HR_ID_MAX + 1] = '\0';
	cr_assert_eq(hr_id_validate(id, &err), -1);
	cr_assert(strstr(err.msg, "invalid container ID \"xxxxxxxx") != NULL, "%s", err.msg);
	cr_assert(strstr(err.msg, "(shortened)") != NULL, "%s", err.msg);
	cr_assert(strstr(err.msg, "1 to 1024 bytes") != NULL, "%s", err.msg);
	cr_assert(strstr(err.msg, RULE) != NULL, "%s", err.msg);
}

/* The state as hr_state_read takes it after reading: a (data, len) buffer, not a C string. */
Test(state_parse, reads_a_buffer_without_its_terminator_and_names_what_is_wrong)
{
	static const char text[] =
	    "{\"ociVersion\":\"1.3.0\",\"id\":\"web\",\"pid\":42,\"status\":\"running\","
	    "\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\",\"created\":\"2026-12-07T00:00:00Z\","
	    "\"owner\":0,\"annotations\":{\"a\":\"1\",\"n\":2},"
	    "\"hardrun\":{\"pidStartTime\":7,\"cgroupPath\":\"/hr/web\",\"systemdCgroup\":true}}";
	/* what follows the document in memory is not part of it */
	char buf[sizeof(text) + 8];
	struct hr_arena arena = {0};
	struct hr_state st;
	struct hr_err err = {0};

	memcpy(buf, text, sizeof(text) - 1);
	memset(buf + sizeof(text) - 1, '}', sizeof(buf) - (sizeof(text) - 1));
	cr_assert_eq(hr_state_parse(buf, sizeof(text) - 1, "state.json", &arena, &st, &err), 0,
		     "%s", err.msg);
	cr_assert_str_eq(st.id, "web");
	cr_assert_eq(st.pid, 42);
	cr_assert_eq(st.pid_start_time, 7);
	cr_assert_eq(st.cgroup_manager, HR_CGROUP_SYSTEMD);
	cr_assert_str_eq(st.cgroup_path, "/hr/web");
	cr_assert_eq(st.n_annotations, 1, "a non-string annotation is not kept");
	/* cut short: an error naming the document, never a crash */
	cr_assert_eq(hr_state_parse(buf, 40, "state.json", &arena, &st, &err), -1);
	cr_assert(strncmp(err.msg, "state.json: ", 12) == 0, "%s", err.msg);
	/* a whole document without the fields hardrun needs */
	cr_assert_eq(hr_state_parse("{\"id\":\"x\"}", 10, "state.json", &arena, &st, &err), -1);
	cr_assert(strstr(err.msg, "state.json") != NULL, "%s", err.msg);
	hr_arena_free(&arena);
}
