/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The features document and the mount option table. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "libcontainer/capabilities.h"
#include "libcontainer/features.h"
#include "libcontainer/json.h"
#include "libcontainer/mountopts.h"

static char *doc_text;
static yajl_val doc;

/* What the kernel says, read here rather than through the code under test. */
static bool host_apparmor_enabled(void)
{
	FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
	int c = f != NULL ? fgetc(f) : EOF;

	if (f != NULL)
		fclose(f);
	return c == 'Y';
}

static void load_doc(void)
{
	char errbuf[256] = "";

	doc_text = hr_features_json();
	cr_assert_not_null(doc_text);
	doc = yajl_tree_parse(doc_text, errbuf, sizeof(errbuf));
	cr_assert_not_null(doc, "the features document does not parse: %s\n%s", errbuf, doc_text);
}

static void free_doc(void)
{
	if (doc != NULL)
		yajl_tree_free(doc);
	free(doc_text);
	doc = NULL;
	doc_text = NULL;
}

TestSuite(features, .init = load_doc, .fini = free_doc);

/* The value at a path of object keys, e.g. get("linux", "seccomp", "archs", NULL). */
static yajl_val get(const char *first, ...)
{
	const char *path[8];
	size_t n = 0;
	va_list ap;

	va_start(ap, first);
	for (const char *k = first; k != NULL && n < 7; k = va_arg(ap, const char *))
		path[n++] = k;
	va_end(ap);
	path[n] = NULL;
	return yajl_tree_get(doc, path, yajl_t_any);
}

static bool array_has(yajl_val array, const char *s)
{
	cr_assert(YAJL_IS_ARRAY(array), "expected an array");
	for (size_t i = 0; i < array->u.array.len; i++) {
		const char *v = YAJL_GET_STRING(array->u.array.values[i]);

		cr_assert_not_null(v, "array element %zu is not a string", i);
		if (strcmp(v, s) == 0)
			return true;
	}
	return false;
}

static void expect_string(yajl_val v, const char *expected, const char *what)
{
	cr_assert(YAJL_IS_STRING(v), "%s is not a string", what);
	cr_expect_str_eq(YAJL_GET_STRING(v), expected, "%s", what);
}

static void expect_bool(yajl_val v, bool expected, const char *what)
{
	cr_assert(v != NULL && (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)), "%s is not a boolean", what);
	cr_expect_eq(YAJL_IS_TRUE(v), expected, "%s should be %s", what,
		     expected ? "true" : "false");
}

Test(features, ends_with_one_newline)
{
	size_t len = strlen(doc_text);

	cr_assert_gt(len, 2);
	cr_expect_eq(doc_text[len - 1], '\n');
	cr_expect_neq(doc_text[len - 2], '\n');
}

Test(features, versions)
{
	expect_string(get("ociVersionMin", NULL), "1.0.0", "ociVersionMin");
	expect_string(get("ociVersionMax", NULL), "1.3.0", "ociVersionMax");
}

Test(features, hooks_in_spec_order)
{
	static const char *const expected[] = {"prestart",	 "createRuntime", "createContainer",
					       "startContainer", "poststart",	  "poststop"};
	yajl_val hooks = get("hooks", NULL);

	cr_assert(YAJL_IS_ARRAY(hooks));
	cr_assert_eq(hooks->u.array.len, 6);
	for (size_t i = 0; i < 6; i++)
		expect_string(hooks->u.array.values[i], expected[i], "hooks[i]");
}

Test(features, every_namespace)
{
	static const char *const names[] = {"cgroup", "ipc",  "mount", "network",
					    "pid",    "time", "user",  "uts"};
	yajl_val ns = get("linux", "namespaces", NULL);

	cr_assert(YAJL_IS_ARRAY(ns));
	cr_expect_eq(ns->u.array.len, 8);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_expect(array_has(ns, names[i]), "namespace %s missing", names[i]);
}

Test(features, every_capability)
{
	yajl_val caps = get("linux", "capabilities", NULL);

	cr_assert(YAJL_IS_ARRAY(caps));
	cr_expect(array_has(caps, "CAP_SYS_ADMIN"));
	cr_expect(array_has(caps, "CAP_CHOWN"));
	cr_expect(array_has(caps, "CAP_CHECKPOINT_RESTORE"));
	cr_expect_eq(caps->u.array.len, hr_cap_count());
	for (size_t i = 0; i < caps->u.array.len; i++)
		cr_expect_eq(hr_cap_from_name(YAJL_GET_STRING(caps->u.array.values[i])), (int)i,
			     "capabilities[%zu] is out of CAP_* order", i);
}

Test(features, seccomp)
{
	expect_bool(get("linux", "seccomp", "enabled", NULL), true, "seccomp.enabled");
	cr_expect(array_has(get("linux", "seccomp", "actions", NULL), "SCMP_ACT_ALLOW"));
	cr_expect(array_has(get("linux", "seccomp", "actions", NULL), "SCMP_ACT_KILL_PROCESS"));
	/* user notification needs the kernel's NEW_LISTENER (libseccomp API level 5) */
	cr_expect_eq(array_has(get("linux", "seccomp", "actions", NULL), "SCMP_ACT_NOTIFY"),
		     seccomp_api_get() >= 5, "SCMP_ACT_NOTIFY listed iff API level %u >= 5",
		     seccomp_api_get());
	cr_expect(array_has(get("linux", "seccomp", "operators", NULL), "SCMP_CMP_MASKED_EQ"));
	cr_expect(array_has(get("linux", "seccomp", "archs", NULL), "SCMP_ARCH_X86_64"));
	cr_expect(array_has(get("linux", "seccomp", "archs", NULL), "SCMP_ARCH_AARCH64"));
	cr_expect(
	    array_has(get("linux", "seccomp", "knownFlags", NULL), "SECCOMP_FILTER_FLAG_LOG"));
}

Test(features, seccomp_supported_flags_are_known)
{
	yajl_val known = get("linux", "seccomp", "knownFlags", NULL);
	yajl_val supported = get("linux", "seccomp", "supportedFlags", NULL);

	cr_assert(YAJL_IS_ARRAY(supported));
	for (size_t i = 0; i < supported->u.array.len; i++) {
		const char *flag = YAJL_GET_STRING(supported->u.array.values[i]);

		cr_assert_not_null(flag);
		cr_expect(array_has(known, flag), "supported flag %s is not a known flag", flag);
	}
	/* with a listener, the kernel takes WAIT_KILLABLE_RECV since Linux 5.19 */
	cr_expect_eq(
	    array_has(supported, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
	    seccomp_api_get() >= 5 &&
		syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
			NULL) < 0 &&
		errno == EFAULT);
}

Test(features, cgroup_and_disabled_features)
{
	expect_bool(get("linux", "cgroup", "v1", NULL), false, "cgroup.v1");
	expect_bool(get("linux", "cgroup", "v2", NULL), true, "cgroup.v2");
	expect_bool(get("linux", "cgroup", "systemd", NULL), true, "cgroup.systemd");
	/* rootless, the systemd manager is the user's (cgroup_systemd.c) */
	expect_bool(get("linux", "cgroup", "systemdUser", NULL), true, "cgroup.systemdUser");
	expect_bool(get("linux", "cgroup", "rdma", NULL), true, "cgroup.rdma");
	expect_bool(get("linux", "apparmor", "enabled", NULL), host_apparmor_enabled(),
		    "apparmor.enabled");
	expect_bool(get("linux", "selinux", "enabled", NULL),
		    access("/sys/fs/selinux/enforce", F_OK) == 0, "selinux.enabled");
	expect_bool(get("linux", "intelRdt", "enabled", NULL), false, "intelRdt.enabled");
}

Test(features, annotations)
{
	const struct scmp_version *v = seccomp_version();
	char scmp[48];

	snprintf(scmp, sizeof(scmp), "%u.%u.%u", v->major, v->minor, v->micro);
	expect_string(get("annotations", "io.github.seccomp.libseccomp.version", NULL), scmp,
		      "libseccomp version");
	expect_string(get("annotations", "org.hardrun.version", NULL), PACKAGE_VERSION,
		      "hardrun version");
}

Test(features, mount_options_are_the_accepted_ones)
{
	yajl_val opts = get("mountOptions", NULL);
	size_t accepted = 0;

	cr_assert(YAJL_IS_ARRAY(opts));
	for (size_t i = 0; i < hr_mount_option_count(); i++) {
		const struct hr_mountopt *o = hr_mount_option_at(i);
		bool listed = array_has(opts, o->name);

		if (o->kind == HR_MOUNTOPT_REFUSED) {
			cr_expect(!listed, "%s is refused by hardrun but listed", o->name);
		} else {
			cr_expect(listed, "%s is accepted by hardrun but not listed", o->name);
			accepted++;
		}
	}
	cr_expect_eq(opts->u.array.len, accepted, "mountOptions lists options outside the table");
	cr_expect(array_has(opts, "ro"));
	cr_expect(array_has(opts, "rbind"));
	cr_expect(array_has(opts, "rprivate"));
	cr_expect(array_has(opts, "rro"));
	cr_expect(!array_has(opts, "mode=755"));
}

Test(features, idmap_extension_matches_mount_options)
{
	bool idmap = array_has(get("mountOptions", NULL), "idmap");

	expect_bool(get("linux", "mountExtensions", "idmap", "enabled", NULL), idmap,
		    "mountExtensions.idmap.enabled");
}
