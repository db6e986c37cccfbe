/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container IDs: runc's rule, one check for every command. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	cr_assert(strstr(err.msg, "state.json: bundle: missing") != NULL, "%s", err.msg);
	hr_arena_free(&arena);
}

/* A field hardrun reads but finds out of range refuses the state, naming the field; it is
 * never accepted with the diagnostic dropped (the fuzzer found one such field leaking it). */
Test(state_parse, refuses_an_out_of_range_field_naming_it)
{
	static const char text[] =
	    "{\"ociVersion\":\"1.3.0\",\"id\":\"web\",\"pid\":42,\"status\":\"running\","
	    "\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\",\"created\":\"2026-12-07T00:00:00Z\","
	    "\"owner\":0,\"hardrun\":{\"pidStartTime\":7,\"cgroupPath\":\"/hr/web\","
	    "\"cgroupParentsCreated\":99999}}";
	struct hr_arena arena = {0};
	struct hr_state st;
	struct hr_err err = {0};

	cr_assert_eq(hr_state_parse(text, sizeof(text) - 1, "state.json", &arena, &st, &err), -1);
	cr_assert(strstr(err.msg, "cgroupParentsCreated") != NULL, "%s", err.msg);
	cr_assert(strstr(err.msg, "out of range") != NULL, "%s", err.msg);
	hr_arena_free(&arena);
}

/*
 * state.json names the kinds of hooks the config has, and leaves the config's annotations in
 * the copy of config.json beside it: start and delete of a container with a large config read
 * a small state and no config. The OCI state (`state`, hooks) still carries them all.
 */
Test(state_write, keeps_hook_kinds_and_leaves_annotations_in_the_config_copy)
{
	char path[] = "/tmp/hr-state-XXXXXX";
	struct hr_kv annotations[] = {{"org.example.big", "xxxx"}, {"org.example.b", "2"}};
	struct hr_state st = {
	    .id = "web",
	    .bundle = "/b",
	    .rootfs = "/b/rootfs",
	    .pid = 42,
	    .pid_start_time = 7,
	    .created = "2026-12-07T00:00:00Z",
	    .annotations = annotations,
	    .n_annotations = 2,
	    .hook_kinds = (1u << HR_HOOK_POSTSTART) | (1u << HR_HOOK_POSTSTOP),
	    .hook_kinds_known = true,
	    .annotations_in_config = true,
	};
	static const char config[] = "{\"annotations\":{\"org.example.big\":\"xxxx\",\"n\":1}}";
	static const char known_kind[] =
	    "{\"id\":\"x\",\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"c\",\"pid\":1,"
	    "\"owner\":0,\"hardrun\":{\"pidStartTime\":1,\"hooks\":[\"poststart\"]}}";
	static const char unknown_kind[] =
	    "{\"id\":\"x\",\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"c\",\"pid\":1,"
	    "\"owner\":0,\"hardrun\":{\"pidStartTime\":1,\"hooks\":[\"poststart\",\"later\"]}}";
	struct hr_container_dir dir = {.fd = -1};
	struct hr_arena arena = {0};
	struct hr_state back;
	struct hr_err err = {0};
	char text[4096];
	char *oci;
	ssize_t n;
	int fd;

	cr_assert_not_null(mkdtemp(path));
	dir.fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dir.fd, 0);
	snprintf(dir.path, sizeof(dir.path), "%s", path);
	cr_assert_eq(hr_state_write(&dir, &st, &err), 0, "%s", err.msg);
	fd = openat(dir.fd, "state.json", O_RDONLY | O_CLOEXEC);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	cr_assert_gt(n, 0);
	text[n] = '\0';
	cr_assert_null(strstr(text, "org.example.big"), "state.json repeats them: %s", text);
	cr_assert_not_null(strstr(text, "\"hooks\":[\"poststart\",\"poststop\"]"), "%s", text);
	cr_assert_eq(hr_state_read(&dir, &arena, &back, &err), 0, "%s", err.msg);
	cr_assert(back.annotations_in_config);
	cr_assert(back.hook_kinds_known);
	cr_assert_eq(back.hook_kinds, st.hook_kinds);
	cr_assert_eq(back.n_annotations, 0);
	/* loaded from the copy when a command shows them: its string members */
	fd = openat(dir.fd, HR_CONFIG_COPY, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	cr_assert_eq(write(fd, config, sizeof(config) - 1), (ssize_t)sizeof(config) - 1);
	close(fd);
	cr_assert_eq(hr_state_load_annotations(&dir, &arena, &back, &err), 0, "%s", err.msg);
	cr_assert_eq(back.n_annotations, 1);
	cr_assert_str_eq(back.annotations[0].key, "org.example.big");
	oci = hr_state_oci_json(&back, HR_STATUS_RUNNING, false);
	cr_assert_not_null(strstr(oci, "\"annotations\":{\"org.example.big\":\"xxxx\"}"), "%s",
			   oci);
	cr_assert_null(strstr(oci, "\"hardrun\""), "%s", oci);
	free(oci);
	/* a list naming a kind this hardrun does not know is not a state it wrote */
	cr_assert_eq(hr_state_parse(unknown_kind, sizeof(unknown_kind) - 1, "state.json", &arena,
				    &back, &err),
		     -1);
	cr_assert_eq(
	    hr_state_parse(known_kind, sizeof(known_kind) - 1, "state.json", &arena, &back, &err),
	    0, "%s", err.msg);
	cr_assert_eq(back.hook_kinds, 1u << HR_HOOK_POSTSTART);
	unlinkat(dir.fd, "state.json", 0);
	unlinkat(dir.fd, HR_CONFIG_COPY, 0);
	close(dir.fd);
	rmdir(path);
	hr_arena_free(&arena);
}
