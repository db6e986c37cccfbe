/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hardrun audit: every rule with a passing and a failing config (the production profile, then
 * patched), the result and the JSON path each reports, the outputs, and that no env value
 * ever reaches them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "helpers.h"
#include "libcontainer/audit.h"
#include "libcontainer/cleanup.h"
#include "libcontainer/config.h"
#include "libcontainer/json.h"
#include "libcontainer/spec.h"

#define AUDIT_DATA HR_TEST_DATA "/audit"

/* --- Helpers ------------------------------------------------------------------------------- */

static char *profile_text(enum hr_spec_profile profile)
{
	struct hr_spec_options opts;
	struct hr_err err = {0};
	char *text = NULL;
	size_t len;

	hr_spec_options_init(&opts);
	opts.profile = profile;
	cr_assert_eq(hr_spec_generate(&opts, "/srv/bundle", &text, &len, &err), 0, "%s", err.msg);
	hr_spec_options_free(&opts);
	return text;
}

static struct hr_config *parse_or_fail(const char *json, const char *what)
{
	struct hr_diags d = {0};
	struct hr_config *c = hrt_parse(json, &d);
	_cleanup_free_ char *msgs = hrt_diags_text(&d);

	cr_assert_not_null(c, "%s does not parse:\n%s", what, msgs);
	hr_diags_free(&d);
	return c;
}

/* The production profile with a single-quoted JSON merge patch (NULL: none). */
static struct hr_config *production_with(const char *sq)
{
	_cleanup_free_ char *base = profile_text(HR_PROFILE_PRODUCTION);
	_cleanup_free_ char *patch = sq ? hrt_json(sq) : NULL;
	_cleanup_free_ char *json = sq ? hrt_merge(base, patch) : strdup(base);

	return parse_or_fail(json, sq ? sq : "the production profile");
}

static struct hr_config *load_fixture(const char *name)
{
	char path[512];
	size_t len;
	_cleanup_free_ char *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", AUDIT_DATA, name);
	text = hrt_read_file(path, &len);
	return parse_or_fail(text, name);
}

static const struct hr_audit_finding *finding(const struct hr_audit_report *r, const char *id)
{
	int i = hr_audit_rule_index(id);

	cr_assert_geq(i, 0, "no rule %s", id);
	cr_assert_lt((size_t)i, r->n);
	return &r->findings[i];
}

/* --- Every rule, passing and failing ------------------------------------------------------- */

/* A production config patched by `patch` (NULL: unpatched) gives `result` at `path`. */
struct rule_case {
	const char *id;
	const char *patch;
	enum hr_audit_result result;
	const char *path;
	const char *detail; /* a substring of the detail, or NULL */
};

#define PASS	    HR_AUDIT_PASS
#define WARN	    HR_AUDIT_WARN
#define FAIL	    HR_AUDIT_FAIL
#define SKIP	    HR_AUDIT_SKIP
#define AA(profile) "{'process': {'apparmorProfile': '" profile "'}}"

#define MOUNTS(extra)                                                                              \
	"{'mounts': [{'destination': '/proc', 'type': 'proc', 'source': 'proc'}, " extra "]}"
/* The namespace t joined at path p, the four others new. */
#define NS_PATH(t, p)                                                                              \
	"{'hostname': null, 'linux': {'namespaces': [{'type': '" #t "', 'path': '" p               \
	"'}" NS_OTHERS_##t "]}}"
#define NS_OTHER(a, b, c, d)                                                                       \
	", {'type': '" a "'}, {'type': '" b "'}, {'type': '" c "'}, {'type': '" d "'}"
#define NS_OTHERS_pid	  NS_OTHER("ipc", "uts", "network", "mount")
#define NS_OTHERS_ipc	  NS_OTHER("pid", "uts", "network", "mount")
#define NS_OTHERS_uts	  NS_OTHER("pid", "ipc", "network", "mount")
#define NS_OTHERS_network NS_OTHER("pid", "ipc", "uts", "mount")
#define NS_OTHERS_mount	  NS_OTHER("pid", "ipc", "uts", "network")

static const struct rule_case cases[] = {
    {"CIS-4.1", NULL, PASS, "process.user.uid", "uid 1001"},
    {"CIS-4.1", "{'process': {'user': {'uid': 0, 'gid': 0}}}", FAIL, "process.user.uid", "uid 0"},
    {"CIS-4.1", "{'process': {'user': {'uid': 1000, 'gid': 0}}}", WARN, "process.user.gid", NULL},
    {"CIS-4.1", "{'process': {'user': {'additionalGids': [5, 0]}}}", WARN,
     "process.user.additionalGids[1]", NULL},
    {"CIS-4.1",
     "{'process': {'user': {'uid': 0, 'gid': 0}}, 'linux': {'namespaces': [{'type': 'pid'}, "
     "{'type': 'ipc'}, {'type': 'uts'}, {'type': 'network'}, {'type': 'mount'}, {'type': "
     "'user'}], 'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}], "
     "'gidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}]}}",
     WARN, "process.user.uid", "uid 100000 on the host"},

    {"CIS-5.12", NULL, PASS, "root.readonly", NULL},
    {"CIS-5.12", "{'root': {'readonly': false}}", FAIL, "root.readonly", NULL},

    {"HR-FS-01", NULL, PASS, "mounts", NULL},
    {"HR-FS-01", MOUNTS("{'destination': '/run', 'type': 'tmpfs', 'source': 'tmpfs'}"), WARN,
     "mounts", "nor on /var/tmp"},
    {"HR-FS-01",
     MOUNTS("{'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid', "
	    "'nodev']}, {'destination': '/var/tmp', 'type': 'tmpfs', 'source': 'tmpfs', "
	    "'options': ['nosuid', 'nodev', 'size=1m']}"),
     WARN, "mounts[1].options", "no size="},
    {"HR-FS-01",
     MOUNTS("{'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs', 'options': "
	    "['size=1m']}, {'destination': '/var/tmp/', 'type': 'tmpfs', 'source': 'tmpfs', "
	    "'options': ['nosuid', 'nodev', 'size=1m']}"),
     WARN, "mounts[1].options", "lacks nosuid"},
    {"HR-FS-01",
     MOUNTS("{'destination': '/tmp', 'type': 'bind', 'source': '/srv/tmp', 'options': "
	    "['rbind']}, {'destination': '/var/tmp', 'type': 'tmpfs', 'source': 'tmpfs', "
	    "'options': ['nosuid', 'nodev', 'size=1m']}"),
     WARN, "mounts[1]", "not a tmpfs"},

    {"HR-FS-02", NULL, PASS, "mounts", NULL},
    {"HR-FS-02",
     MOUNTS("{'destination': '/data', 'type': 'bind', 'source': '/srv/a', 'options': ['rbind']}, "
	    "{'destination': '/srv', 'type': 'bind', 'source': '/srv/c', 'options': ['rbind']}, "
	    "{'destination': '//data/./', 'type': 'bind', 'source': '/srv/b', 'options': "
	    "['rbind']}"),
     WARN, "mounts[3].destination", "destination of mounts[1]"},

    {"CIS-5.25", NULL, PASS, "process.noNewPrivileges", NULL},
    {"CIS-5.25", "{'process': {'noNewPrivileges': false}}", FAIL, "process.noNewPrivileges", NULL},

    {"CIS-5.3", NULL, PASS, "process.capabilities", NULL},
    {"CIS-5.3", "{'process': {'capabilities': null}}", PASS, "process.capabilities", "absent"},
    {"CIS-5.3", "{'process': {'capabilities': {'bounding': ['CAP_SYS_ADMIN', 'CAP_KILL']}}}", FAIL,
     "process.capabilities.bounding", "CAP_SYS_ADMIN"},
    {"CIS-5.3", "{'process': {'capabilities': {'permitted': ['CAP_BPF']}}}", FAIL,
     "process.capabilities.permitted", "CAP_BPF"},
    {"CIS-5.3",
     "{'process': {'capabilities': {'effective': ['CAP_SYS_MODULE', 'CAP_SYS_PTRACE', "
     "'CAP_SYS_RAWIO', 'CAP_NET_ADMIN']}}}",
     FAIL, "process.capabilities.effective",
     "CAP_NET_ADMIN, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_PTRACE"},

    {"HR-CAP-01", NULL, PASS, "process.capabilities", NULL},
    {"HR-CAP-01",
     "{'process': {'capabilities': {'bounding': ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE'], "
     "'effective': ['CAP_NET_BIND_SERVICE']}}}",
     PASS, "process.capabilities", NULL},
    {"HR-CAP-01", "{'process': {'capabilities': {'bounding': ['CAP_NET_RAW', 'CAP_MKNOD']}}}", WARN,
     "process.capabilities", "CAP_NET_RAW, CAP_MKNOD"},

    {"HR-CAP-02", NULL, PASS, "process.capabilities", NULL},
    {"HR-CAP-02", "{'process': {'capabilities': {'inheritable': ['CAP_KILL']}}}", FAIL,
     "process.capabilities.inheritable", "CAP_KILL"},
    {"HR-CAP-02",
     "{'process': {'capabilities': {'bounding': ['CAP_KILL'], 'permitted': ['CAP_KILL'], "
     "'ambient': ['CAP_KILL']}}}",
     FAIL, "process.capabilities.ambient", "CAP_KILL"},

    {"CIS-5.4", NULL, PASS, "linux", NULL},
    {"CIS-5.4", "{'linux': {'resources': {'devices': [{'allow': true, 'access': 'rwm'}]}}}", FAIL,
     "linux.resources.devices[0]", "every device"},
    {"CIS-5.4",
     "{'linux': {'resources': {'devices': [{'allow': true, 'access': 'rwm'}, {'allow': "
     "false, 'access': 'rwm'}]}}}",
     PASS, "linux", NULL},
    {"CIS-5.4",
     MOUNTS("{'destination': '/sys', 'type': 'sysfs', 'source': 'sysfs', 'options': ['ro', "
	    "'rw']}"),
     FAIL, "mounts[1].options", "sysfs on /sys is writable"},
    {"CIS-5.4", "{'linux': {'seccomp': null, 'maskedPaths': []}}", FAIL, "linux",
     "no seccomp profile and no masked paths"},
    {"CIS-5.4", "{'linux': {'seccomp': null}}", PASS, "linux", NULL},

    /* on a host without AppArmor; with it: host_apparmor_cases below */
    {"CIS-5.1", NULL, SKIP, "process.apparmorProfile", "AppArmor is not enabled on this host"},
    {"CIS-5.1", AA("hardrun-default"), SKIP, "process.apparmorProfile",
     "(a config naming a profile is refused here)"},
    {"CIS-5.1", "{'process': null}", SKIP, "process.apparmorProfile", "no process section"},

    {"CIS-5.21", NULL, PASS, "linux.seccomp", "SCMP_ACT_ERRNO"},
    {"CIS-5.21", "{'linux': {'seccomp': null}}", FAIL, "linux.seccomp", NULL},
    {"CIS-5.21",
     "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'defaultErrnoRet': null}}}", FAIL,
     "linux.seccomp.defaultAction", "SCMP_ACT_ALLOW"},
    {"CIS-5.21",
     "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_LOG', 'defaultErrnoRet': null}}}", FAIL,
     "linux.seccomp.defaultAction", "SCMP_ACT_LOG"},
    {"CIS-5.21",
     "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_KILL_PROCESS', 'defaultErrnoRet': null}}}",
     PASS, "linux.seccomp", NULL},

    {"CIS-5.10", NULL, PASS, "linux.resources.memory", "536870912 bytes"},
    {"CIS-5.10", "{'linux': {'resources': {'memory': null}}}", FAIL, "linux.resources.memory.limit",
     "no memory limit"},
    {"CIS-5.10", "{'linux': {'resources': {'memory': {'limit': -1, 'swap': -1}}}}", FAIL,
     "linux.resources.memory.limit", NULL},
    {"CIS-5.10", "{'linux': {'resources': {'memory': {'swap': null}}}}", WARN,
     "linux.resources.memory.swap", "unlimited"},
    {"CIS-5.10", "{'linux': {'resources': {'memory': {'swap': 1073741824}}}}", WARN,
     "linux.resources.memory.swap", "536870912 bytes of swap"},

    {"CIS-5.11", NULL, PASS, "linux.resources.cpu", NULL},
    {"CIS-5.11", "{'linux': {'resources': {'cpu': null}}}", FAIL, "linux.resources.cpu.quota",
     NULL},
    {"CIS-5.11", "{'linux': {'resources': {'cpu': {'quota': -1}}}}", FAIL,
     "linux.resources.cpu.quota", NULL},

    {"CIS-5.28", NULL, PASS, "linux.resources.pids.limit", NULL},
    {"CIS-5.28", "{'linux': {'resources': {'pids': null}}}", FAIL, "linux.resources.pids.limit",
     NULL},
    {"CIS-5.28", "{'linux': {'resources': {'pids': {'limit': 0}}}}", FAIL,
     "linux.resources.pids.limit", NULL},

    {"CIS-5.18", NULL, PASS, "process.rlimits[0]", "soft 1024"},
    {"CIS-5.18", "{'process': {'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 0}]}}", WARN,
     "process.rlimits", NULL},

    {"CIS-5.15", NULL, PASS, "linux.namespaces[0]", NULL},
    {"CIS-5.15",
     "{'linux': {'namespaces': [{'type': 'ipc'}, {'type': 'uts'}, {'type': "
     "'network'}, {'type': 'mount'}]}}",
     FAIL, "linux.namespaces", "no pid namespace"},
    {"CIS-5.15", NS_PATH(pid, "/proc/1/ns/pid"), FAIL, "linux.namespaces[0].path", "host's pid"},

    {"CIS-5.16", NULL, PASS, "linux.namespaces[2]", NULL},
    {"CIS-5.16",
     "{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'uts'}, {'type': "
     "'network'}, {'type': 'mount'}]}}",
     FAIL, "linux.namespaces", NULL},
    {"CIS-5.16", NS_PATH(ipc, "/proc/1/ns/ipc"), FAIL, "linux.namespaces[0].path", NULL},

    {"CIS-5.9", NULL, PASS, "linux.namespaces[4]", NULL},
    {"CIS-5.9",
     "{'linux': {'namespaces': [{'type': 'pid'}, {'type': 'ipc'}, {'type': 'uts'}, "
     "{'type': 'mount'}]}}",
     FAIL, "linux.namespaces", "no network namespace"},
    {"CIS-5.9", NS_PATH(network, "/var/run/netns/other"), FAIL, "linux.namespaces[0].path",
     "joins an existing network namespace"},

    {"CIS-5.20", NULL, PASS, "linux.namespaces[3]", NULL},
    {"CIS-5.20",
     "{'hostname': null, 'linux': {'namespaces': [{'type': 'pid'}, {'type': "
     "'ipc'}, {'type': 'network'}, {'type': 'mount'}]}}",
     WARN, "linux.namespaces", NULL},
    {"CIS-5.20", NS_PATH(uts, "/proc/1/ns/uts"), WARN, "linux.namespaces[0].path", NULL},

    {"HR-NS-01", NULL, PASS, "linux.namespaces[1]", NULL},
    {"HR-NS-01",
     /* valid without a mount namespace: nothing that needs one */
     "{'mounts': null, 'root': {'readonly': false}, 'linux': {'namespaces': [{'type': 'pid'}, "
     "{'type': 'ipc'}, {'type': 'uts'}, {'type': 'network'}], 'maskedPaths': null, "
     "'readonlyPaths': null}}",
     FAIL, "linux.namespaces", NULL},
    {"HR-NS-01", NS_PATH(mount, "/proc/self/ns/mnt"), FAIL, "linux.namespaces[0].path", NULL},

    {"CIS-5.5", NULL, PASS, "mounts", NULL},
    {"CIS-5.5",
     MOUNTS("{'destination': '/data', 'type': 'bind', 'source': '/srv/data', 'options': "
	    "['rbind', 'rw']}, {'destination': '/n', 'type': 'bind', 'source': '/dev/null', "
	    "'options': ['bind']}"),
     PASS, "mounts", NULL},
    {"CIS-5.5",
     MOUNTS("{'destination': '/host', 'type': 'bind', 'source': '/', 'options': ['rbind', "
	    "'ro']}"),
     WARN, "mounts[1].source", "read-only"},
    {"CIS-5.5",
     MOUNTS("{'destination': '/h', 'source': '/srv/../etc/', 'options': ['rbind', 'rw']}"), FAIL,
     "mounts[1].source", "/etc is bind-mounted read-write"},
    {"CIS-5.5",
     MOUNTS("{'destination': '/usr', 'type': 'bind', 'source': '/usr/lib', 'options': "
	    "['rbind']}"),
     FAIL, "mounts[1].source", "/usr/lib"},

    {"CIS-5.31", NULL, PASS, "mounts", NULL},
    {"CIS-5.31",
     MOUNTS("{'destination': '/var/run/docker.sock', 'type': 'bind', 'source': "
	    "'/var/run/docker.sock', 'options': ['rbind', 'ro']}"),
     FAIL, "mounts[1].source", "docker.sock"},
    {"CIS-5.31",
     MOUNTS("{'destination': '/c', 'type': 'bind', 'source': '/run/containerd/containerd.sock'}"),
     FAIL, "mounts[1].source", NULL},
    {"CIS-5.31", MOUNTS("{'destination': '/r', 'type': 'bind', 'source': '/var/run/'}"), FAIL,
     "mounts[1].source", "/var/run"},

    {"CIS-5.19", NULL, PASS, "linux.rootfsPropagation", NULL},
    {"CIS-5.19", "{'linux': {'rootfsPropagation': 'rprivate'}}", PASS, "linux.rootfsPropagation",
     NULL},
    {"CIS-5.19", "{'linux': {'rootfsPropagation': 'shared'}}", FAIL, "linux.rootfsPropagation",
     NULL},
    {"CIS-5.19", "{'linux': {'rootfsPropagation': 'rshared'}}", FAIL, "linux.rootfsPropagation",
     NULL},
    {"CIS-5.19",
     MOUNTS("{'destination': '/d', 'type': 'bind', 'source': '/srv/d', 'options': ['rbind', "
	    "'ro', 'rshared']}"),
     FAIL, "mounts[1].options[2]", "rshared propagation on /d"},

    {"CIS-5.17", NULL, PASS, "linux.devices", NULL},
    {"CIS-5.17",
     "{'linux': {'devices': [{'path': '/dev/null', 'type': 'c', 'major': 1, 'minor': 3}]}}", PASS,
     "linux.devices", NULL},
    {"CIS-5.17",
     "{'linux': {'devices': [{'path': '/dev/null', 'type': 'c', 'major': 1, 'minor': 3}, "
     "{'path': '/dev/sda', 'type': 'b', 'major': 8, 'minor': 0}]}}",
     FAIL, "linux.devices[1]", "block device /dev/sda (8:0)"},
    {"CIS-5.17",
     "{'linux': {'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229}]}}",
     WARN, "linux.devices[0]", "/dev/fuse"},

    {"HR-ENV-01", NULL, PASS, "process.env", NULL},
    {"HR-ENV-01", "{'process': {'env': ['PATH=/bin', 'HOME=/tmp', 'MY_API_KEY=x']}}", WARN,
     "process.env[2]", "MY_API_KEY"},

    {"HR-CG-01", NULL, PASS, "linux.cgroupsPath", NULL},
    {"HR-CG-01", "{'linux': {'cgroupsPath': '/a..b/c...'}}", PASS, "linux.cgroupsPath", NULL},
    {"HR-CG-01", "{'linux': {'cgroupsPath': '/hardrun/../../escape'}}", FAIL, "linux.cgroupsPath",
     NULL},
    {"HR-CG-01", "{'linux': {'cgroupsPath': 'system.slice:hardrun:..'}}", FAIL, "linux.cgroupsPath",
     NULL},

    {"HR-MASK-01", NULL, PASS, "linux.maskedPaths", NULL},
    {"HR-MASK-01", "{'linux': {'maskedPaths': []}}", FAIL, "linux.maskedPaths", NULL},
    {"HR-MASK-01", "{'linux': {'maskedPaths': ['/proc/kcore']}}", WARN, "linux.maskedPaths",
     "10 missing: /proc/acpi"},

    {"HR-MASK-02", NULL, PASS, "linux.readonlyPaths", NULL},
    {"HR-MASK-02", "{'linux': {'readonlyPaths': []}}", FAIL, "linux.readonlyPaths", NULL},
    {"HR-MASK-02", "{'linux': {'readonlyPaths': ['/proc/sys']}}", WARN, "linux.readonlyPaths",
     "/proc/bus"},
};

/* Judged with hr_audit_params.host_apparmor set: the host has AppArmor. */
static const struct rule_case host_apparmor_cases[] = {
    {"CIS-5.1", AA("hardrun-default"), PASS, "process.apparmorProfile", "hardrun-default"},
    {"CIS-5.1", NULL, WARN, "process.apparmorProfile", "the process runs unconfined"},
    {"CIS-5.1", AA("unconfined"), WARN, "process.apparmorProfile", "\"unconfined\""},
    {"CIS-5.1", "{'process': null}", SKIP, "process.apparmorProfile", "no process section"},
};

static void check_case(size_t k, const struct rule_case *tc, bool host_apparmor)
{
	struct hr_config *c = production_with(tc->patch);
	struct hr_audit_params p = {.host_apparmor = host_apparmor};
	struct hr_audit_report r = {0};
	const struct hr_audit_finding *f;

	hr_audit_run(c, &p, &r);
	f = finding(&r, tc->id);
	cr_expect_eq(f->result, tc->result, "case %zu (%s, %s): expected %s, got %s: %s: %s", k,
		     tc->id, tc->patch ? tc->patch : "production", hr_audit_result_name(tc->result),
		     hr_audit_result_name(f->result), f->path, f->detail);
	cr_expect_str_eq(f->path, tc->path, "case %zu (%s): path %s, expected %s", k, tc->id,
			 f->path, tc->path);
	if (tc->detail != NULL)
		cr_expect(strstr(f->detail, tc->detail) != NULL,
			  "case %zu (%s): detail \"%s\" lacks \"%s\"", k, tc->id, f->detail,
			  tc->detail);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

Test(audit, every_case)
{
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		check_case(k, &cases[k], false);
	for (size_t k = 0; k < sizeof(host_apparmor_cases) / sizeof(host_apparmor_cases[0]); k++)
		check_case(k, &host_apparmor_cases[k], true);
}

static void scan_cases(const struct rule_case *t, size_t n, const char *id, bool *pass,
		       bool *problem)
{
	for (size_t k = 0; k < n; k++) {
		if (strcmp(t[k].id, id) != 0)
			continue;
		*pass = *pass || t[k].result == PASS;
		*problem = *problem || t[k].result != PASS;
	}
}

Test(audit, every_rule_has_a_passing_and_a_failing_case)
{
	size_t n;
	const struct hr_audit_rule *rules = hr_audit_rules(&n);

	cr_assert_geq(n, 26);
	for (size_t i = 0; i < n; i++) {
		bool pass = false, problem = false;

		scan_cases(cases, sizeof(cases) / sizeof(cases[0]), rules[i].id, &pass, &problem);
		scan_cases(host_apparmor_cases,
			   sizeof(host_apparmor_cases) / sizeof(host_apparmor_cases[0]),
			   rules[i].id, &pass, &problem);
		cr_expect(pass && problem, "rule %s lacks a %s case", rules[i].id,
			  pass ? "failing" : "passing");
		cr_expect_eq(hr_audit_rule_index(rules[i].id), (int)i);
		cr_expect(rules[i].title[0] && rules[i].fix[0] && rules[i].path[0]);
		cr_expect(strchr(rules[i].fix, '\n') == NULL, "%s: the fix is one line",
			  rules[i].id);
	}
	cr_expect_eq(hr_audit_rule_index("CIS-9.99"), -1);
}

/* --- Profiles, fixtures, parameters -------------------------------------------------------- */

/* As `hardrun spec --profile production` writes it where hardrun-default is loaded, and
 * where AppArmor is not (CIS-5.1 is then not judged). */
Test(audit, production_profile_has_no_fail_nor_warn)
{
	struct hr_config *c = production_with(AA("hardrun-default"));
	struct hr_audit_params p = {0};
	struct hr_audit_report r = {0};
	struct hr_err err = {0};

	cr_assert_eq(hr_audit_params_from_profile(HR_PROFILE_PRODUCTION, &p, &err), 0, "%s",
		     err.msg);
	p.host_apparmor = true;
	hr_audit_run(c, &p, &r);
	cr_expect_eq(r.counts[HR_AUDIT_FAIL], 0);
	cr_expect_eq(r.counts[HR_AUDIT_WARN], 0);
	cr_expect_eq(r.counts[HR_AUDIT_SKIP], 0);
	cr_expect_eq(r.counts[HR_AUDIT_PASS], r.n);
	hr_audit_report_free(&r);
	hr_config_free(c);

	c = production_with(NULL);
	p.host_apparmor = false;
	hr_audit_run(c, &p, &r);
	cr_expect_eq(r.counts[HR_AUDIT_FAIL], 0);
	cr_expect_eq(r.counts[HR_AUDIT_WARN], 0);
	cr_expect_eq(r.counts[HR_AUDIT_SKIP], 1);
	cr_expect_eq(finding(&r, "CIS-5.1")->result, HR_AUDIT_SKIP);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

Test(audit, minimal_profile_fails_root_seccomp_and_limits)
{
	_cleanup_free_ char *text = profile_text(HR_PROFILE_MINIMAL);
	struct hr_config *c = parse_or_fail(text, "minimal");
	struct hr_audit_report r = {0};
	static const char *const fails[] = {"CIS-4.1", "CIS-5.21", "CIS-5.10", "CIS-5.11",
					    "CIS-5.28"};

	hr_audit_run(c, NULL, &r);
	for (size_t i = 0; i < sizeof(fails) / sizeof(fails[0]); i++)
		cr_expect_eq(finding(&r, fails[i])->result, HR_AUDIT_FAIL, "%s", fails[i]);
	cr_expect_eq(r.counts[HR_AUDIT_FAIL], 5);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

Test(audit, profile_maxima)
{
	struct hr_audit_params p = {0};
	struct hr_err err = {0};
	_cleanup_free_ char *dev = profile_text(HR_PROFILE_DEVELOPMENT);
	struct hr_config *c = parse_or_fail(dev, "development");
	struct hr_audit_report r = {0};

	cr_assert_eq(hr_audit_params_from_profile(HR_PROFILE_PRODUCTION, &p, &err), 0);
	cr_expect(p.max_memory.set && p.max_memory.value == 536870912);
	cr_expect(p.max_cpu_quota.set && p.max_cpu_quota.value == 50000);
	cr_expect_eq(p.max_cpu_period, 100000);
	cr_expect(p.max_pids.set && p.max_pids.value == 256);
	cr_expect_str_eq(p.limits_source, "production");
	/* the development profile's 1 GiB and 1 CPU are more than production allows */
	hr_audit_run(c, &p, &r);
	cr_expect_eq(finding(&r, "CIS-5.10")->result, HR_AUDIT_FAIL);
	cr_expect(strstr(finding(&r, "CIS-5.10")->detail, "1073741824 bytes is more than "
							  "536870912 (production)"));
	cr_expect_eq(finding(&r, "CIS-5.11")->result, HR_AUDIT_FAIL);
	cr_expect_str_eq(finding(&r, "CIS-5.11")->path, "linux.resources.cpu.quota");
	cr_expect_eq(finding(&r, "CIS-5.28")->result, HR_AUDIT_PASS);
	hr_audit_report_free(&r);
	p.max_pids = (hr_opt_i64){true, 100};
	hr_audit_run(c, &p, &r);
	cr_expect_eq(finding(&r, "CIS-5.28")->result, HR_AUDIT_FAIL);
	cr_expect(strstr(finding(&r, "CIS-5.28")->detail, "256 is more than 100"));
	hr_audit_report_free(&r);
	hr_config_free(c);
}

Test(audit, capability_parameters)
{
	struct hr_config *c = production_with(
	    "{'process': {'capabilities': {'bounding': ['CAP_NET_RAW', 'CAP_KILL']}}}");
	struct hr_audit_params p = {0};
	struct hr_audit_report r = {0};

	p.forbidden_caps = UINT64_C(1) << 13; /* CAP_NET_RAW */
	p.has_cap_baseline = true;
	p.cap_baseline = UINT64_C(1) << 13;
	hr_audit_run(c, &p, &r);
	cr_expect_eq(finding(&r, "CIS-5.3")->result, HR_AUDIT_FAIL);
	cr_expect_str_eq(finding(&r, "CIS-5.3")->path, "process.capabilities.bounding");
	cr_expect_eq(finding(&r, "HR-CAP-01")->result, HR_AUDIT_WARN);
	cr_expect(strstr(finding(&r, "HR-CAP-01")->detail, "CAP_KILL") != NULL);
	cr_expect(strstr(finding(&r, "HR-CAP-01")->detail, "CAP_NET_RAW") == NULL);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

Test(audit, docker_run_fixture)
{
	struct hr_config *c = load_fixture("docker-run.json");
	struct hr_audit_report r = {0};
	static const char *const fails[] = {"CIS-4.1",	"CIS-5.12", "CIS-5.25", "HR-CAP-02",
					    "CIS-5.21", "CIS-5.10", "CIS-5.11", "CIS-5.28"};

	hr_audit_run(c, NULL, &r);
	for (size_t i = 0; i < sizeof(fails) / sizeof(fails[0]); i++)
		cr_expect_eq(finding(&r, fails[i])->result, HR_AUDIT_FAIL, "%s", fails[i]);
	cr_expect_eq(r.counts[HR_AUDIT_FAIL], 8);
	cr_expect_eq(finding(&r, "HR-CAP-01")->result, HR_AUDIT_WARN);
	cr_expect(strstr(finding(&r, "HR-CAP-01")->detail, "CAP_NET_RAW"));
	cr_expect_eq(finding(&r, "CIS-5.4")->result, HR_AUDIT_PASS);
	cr_expect_eq(finding(&r, "HR-MASK-01")->result, HR_AUDIT_PASS);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

Test(audit, docker_privileged_fixture)
{
	struct hr_config *c = load_fixture("docker-privileged.json");
	struct hr_audit_report r = {0};
	const struct hr_audit_finding *f;

	hr_audit_run(c, NULL, &r);
	f = finding(&r, "CIS-5.4");
	cr_expect_eq(f->result, HR_AUDIT_FAIL);
	cr_expect_str_eq(f->path, "process.capabilities.bounding");
	cr_expect_str_eq(f->detail, "every capability");
	cr_expect_eq(finding(&r, "CIS-5.3")->result, HR_AUDIT_FAIL);
	cr_expect_eq(finding(&r, "HR-MASK-01")->result, HR_AUDIT_FAIL);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

Test(audit, host_fixture)
{
	struct hr_config *c = load_fixture("host-everything.json");
	struct hr_audit_report r = {0};
	static const struct {
		const char *id, *path;
		enum hr_audit_result result;
	} want[] = {
	    {"CIS-5.15", "linux.namespaces", HR_AUDIT_FAIL},
	    {"CIS-5.9", "linux.namespaces", HR_AUDIT_FAIL},
	    {"CIS-5.16", "linux.namespaces[0].path", HR_AUDIT_FAIL},
	    {"CIS-5.20", "linux.namespaces", HR_AUDIT_WARN},
	    {"CIS-5.5", "mounts[1].source", HR_AUDIT_FAIL},
	    {"CIS-5.31", "mounts[2].source", HR_AUDIT_FAIL},
	    {"CIS-5.19", "linux.rootfsPropagation", HR_AUDIT_FAIL},
	};

	hr_audit_run(c, NULL, &r);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct hr_audit_finding *f = finding(&r, want[i].id);

		cr_expect_eq(f->result, want[i].result, "%s: %s", want[i].id, f->detail);
		cr_expect_str_eq(f->path, want[i].path, "%s", want[i].id);
	}
	hr_audit_report_free(&r);
	hr_config_free(c);
}

Test(audit, skips)
{
	struct hr_config *c = production_with("{'process': null}");
	struct hr_audit_params p = {0};
	struct hr_audit_report r = {0};
	size_t n;
	const struct hr_audit_rule *rules = hr_audit_rules(&n);

	hr_audit_run(c, NULL, &r);
	cr_expect_eq(finding(&r, "CIS-4.1")->result, HR_AUDIT_SKIP);
	cr_expect(strstr(finding(&r, "CIS-4.1")->detail, "no process section"));
	cr_expect_eq(finding(&r, "HR-ENV-01")->result, HR_AUDIT_SKIP);
	cr_expect_eq(finding(&r, "CIS-5.12")->result, HR_AUDIT_PASS);
	hr_audit_report_free(&r);
	hr_config_free(c);

	/* exec: the container rules are not judged again */
	c = production_with("{'root': {'readonly': false}, 'process': {'apparmorProfile': 'p'}}");
	p.exec = true;
	p.host_apparmor = true;
	hr_audit_run(c, &p, &r);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(r.findings[i].result,
			     rules[i].scope == HR_AUDIT_CONTAINER ? HR_AUDIT_SKIP : HR_AUDIT_PASS,
			     "%s", rules[i].id);
	cr_expect_eq(r.counts[HR_AUDIT_SKIP] + r.counts[HR_AUDIT_PASS], n);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

/* --- Output -------------------------------------------------------------------------------- */

static char *text_of(const struct hr_audit_report *r)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	cr_assert_not_null(f);
	cr_assert_eq(hr_audit_print_text(r, f), 0);
	fclose(f);
	return buf;
}

Test(audit, text_output)
{
	struct hr_config *c = production_with("{'root': {'readonly': false}}");
	struct hr_audit_report r = {0};
	_cleanup_free_ char *text = NULL;

	hr_audit_run(c, NULL, &r);
	text = text_of(&r);
	cr_expect(strncmp(text, "ID           RESULT TITLE\n", 26) == 0, "%s", text);
	cr_expect(strstr(text, "CIS-5.12     FAIL   the root file system is read-only\n"), "%s",
		  text);
	cr_expect(strstr(text, "root.readonly: the root file system is writable\n"));
	cr_expect(strstr(text, "fix: set root.readonly to true"));
	cr_expect(strstr(text, "CIS-4.1      PASS   the process runs as a non-root user\n"));
	/* CIS-5.1 is not judged: the params do not say that the host has AppArmor */
	cr_expect(strstr(text, "\n26 passed, 0 warnings, 1 failed, 1 skipped\n"), "%s", text);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

Test(audit, json_output_parses)
{
	struct hr_config *c = production_with("{'linux': {'seccomp': null}}");
	struct hr_audit_report r = {0};
	_cleanup_free_ char *json = NULL;
	char errbuf[256];
	yajl_val doc, results, first;
	size_t len;

	hr_audit_run(c, NULL, &r);
	json = hr_audit_json(&r, "config.json", "production", &len);
	cr_assert_eq(strlen(json), len);
	doc = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	cr_assert_not_null(doc, "%s", errbuf);
	cr_expect_str_eq(
	    YAJL_GET_STRING(yajl_tree_get(doc, (const char *[]){"config", NULL}, yajl_t_string)),
	    "config.json");
	cr_expect_eq(YAJL_GET_INTEGER(yajl_tree_get(
			 doc, (const char *[]){"summary", "failed", NULL}, yajl_t_number)),
		     1);
	results = yajl_tree_get(doc, (const char *[]){"results", NULL}, yajl_t_array);
	cr_assert_not_null(results);
	cr_expect_eq(results->u.array.len, r.n);
	first = results->u.array.values[hr_audit_rule_index("CIS-5.21")];
	cr_expect_str_eq(YAJL_GET_STRING(hr_json_member(first, "result")), "FAIL");
	cr_expect_str_eq(YAJL_GET_STRING(hr_json_member(first, "path")), "linux.seccomp");
	cr_expect_not_null(hr_json_member(first, "fix"));
	yajl_tree_free(doc);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

/* A truncated multi-byte character must not make the JSON invalid. */
Test(audit, json_output_stays_utf8)
{
	char patch[2048] = "{'mounts': [{'destination': '/x', 'type': 'bind', 'source': '/etc/";
	struct hr_config *c;
	struct hr_audit_report r = {0};
	_cleanup_free_ char *json = NULL;
	char errbuf[256];
	yajl_val doc;

	for (int i = 0; i < 300; i++)
		strcat(patch, "\xc3\xa9");
	strcat(patch, "', 'options': ['rbind']}]}");
	c = production_with(patch);
	hr_audit_run(c, NULL, &r);
	cr_expect_eq(finding(&r, "CIS-5.5")->result, HR_AUDIT_FAIL);
	json = hr_audit_json(&r, "config.json", NULL, NULL);
	doc = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	cr_expect_not_null(doc, "%s", errbuf);
	if (doc != NULL)
		yajl_tree_free(doc);
	hr_audit_report_free(&r);
	hr_config_free(c);
}

#define SECRET "planted-s3cr3t-value-4711"

Test(audit, env_values_never_in_any_output)
{
	struct hr_config *c = production_with(
	    "{'process': {'env': ['PATH=/bin', 'API_TOKEN=" SECRET "', 'DB_PASSWORD=x" SECRET
	    "', 'AWS_SECRET_ACCESS_KEY=" SECRET "', 'PLAIN=" SECRET "', 'TLS_KEY=" SECRET "']}}");
	struct hr_audit_report r = {0};
	_cleanup_free_ char *text = NULL, *json = NULL;
	const struct hr_audit_finding *f;

	hr_audit_run(c, NULL, &r);
	f = finding(&r, "HR-ENV-01");
	cr_expect_eq(f->result, HR_AUDIT_WARN);
	cr_expect_str_eq(f->path, "process.env[1]");
	cr_expect(strstr(f->detail, "4 variables named like a secret: API_TOKEN, DB_PASSWORD, "
				    "AWS_SECRET_ACCESS_KEY, TLS_KEY"),
		  "%s", f->detail);
	text = text_of(&r);
	json = hr_audit_json(&r, "config.json", NULL, NULL);
	cr_expect(strstr(text, "API_TOKEN") != NULL);
	cr_expect(strstr(text, SECRET) == NULL, "the text output shows an env value");
	cr_expect(strstr(json, SECRET) == NULL, "the JSON output shows an env value");
	cr_expect(strstr(text, "PLAIN") == NULL);
	for (size_t i = 0; i < r.n; i++)
		cr_expect(strstr(r.findings[i].detail, SECRET) == NULL, "%s",
			  r.findings[i].rule->id);
	hr_audit_report_free(&r);
	hr_config_free(c);
}
