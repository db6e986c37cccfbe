/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json parsing: valid documents, the values read, numbers, robustness, name tables. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "helpers.h"
#include "libcontainer/capabilities.h"
#include "libcontainer/config.h"
#include "libcontainer/envfile.h"
#include "libcontainer/policy.h"
#include "libcontainer/scheduler.h"
#include "libcontainer/seccomp.h"

/* the project's own example configs (tests/unit/data/config), also run by tests/valgrind.sh */
#define GOOD_DIR     HR_TEST_DATA "/config/good"
#define BAD_DIR	     HR_TEST_DATA "/config/bad"
#define SPEC_EXAMPLE GOOD_DIR "/spec-example.json"

static struct hr_config *load_or_fail(const char *path)
{
	struct hr_diags d = {0};
	struct hr_config *c = hr_config_load_file(path, &d);
	char *text = hrt_diags_text(&d);

	cr_assert_not_null(c, "%s was refused:\n%s", path, text);
	cr_assert_eq(d.len, 0);
	free(text);
	hr_diags_free(&d);
	return c;
}

/* Calls check on every .json file of dirpath; returns how many there were. */
static size_t for_each_example(const char *dirpath, void (*check)(const char *path))
{
	DIR *dir = opendir(dirpath);
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(dir, "the example configs are missing: cannot open %s (%s)", dirpath,
			   strerror(errno));
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		char path[4096];

		if (len < 5 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, e->d_name);
		check(path);
		n++;
	}
	closedir(dir);
	return n;
}

static void parses(const char *path)
{
	hr_config_free(load_or_fail(path));
}

Test(config_good, every_good_example_parses)
{
	size_t n = for_each_example(GOOD_DIR, parses);

	cr_expect_geq(n, 7, "expected at least the 7 examples in %s, found %zu", GOOD_DIR, n);
}

Test(config_good, bad_examples_are_refused_with_their_message)
{
	static const char *const files[] = {
	    "invalid-json.json",	 "linux-hugepage.json",
	    "linux-namespace-type.json", "linux-seccomp-action.json",
	    "process-rlimit-type.json",	 "mount-relative-destination.json",
	    "missing-oci-version.json"};
	static const char *const needles[] = {
	    "line 1, column",
	    "linux.resources.hugepageLimits[0].pageSize: "
	    "expected a size like \"2MB\" or \"1GB\", got \"64kB\"",
	    "linux.namespaces[1].type: unknown namespace type \"net\"",
	    "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_DENY\"",
	    "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"",
	    "mounts[0].destination: must be an absolute path, got \"proc\"",
	    "ociVersion: required property is missing"};

	_Static_assert(sizeof(files) / sizeof(files[0]) == sizeof(needles) / sizeof(needles[0]),
		       "one message per file");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		struct hr_diags d = {0};
		struct hr_config *c;

		snprintf(path, sizeof(path), "%s/%s", BAD_DIR, files[i]);
		c = hr_config_load_file(path, &d);
		cr_expect_null(c, "%s was accepted", path);
		cr_expect(hrt_diags_contain(&d, needles[i]), "%s: no message with %s", path,
			  needles[i]);
		cr_expect(hrt_diags_contain(&d, path), "the message does not name %s", path);
		if (c != NULL)
			hr_config_free(c);
		hr_diags_free(&d);
	}
}

/* Fields of the runtime-spec hardrun does not implement: refused by name, never dropped. */
Test(config_good, unimplemented_spec_fields_are_refused_by_path_and_reason)
{
	static const char *const files[] = {"linux-intel-rdt.json", "linux-intel-rdt.json"};
	static const char *const needles[] = {
	    "linux.intelRdt: Intel RDT (resctrl) is not supported",
	    "linux.resources.network: cgroup v2 has no net_cls or net_prio controller"};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		struct hr_diags d = {0};
		struct hr_config *c;

		snprintf(path, sizeof(path), "%s/%s", HR_TEST_DATA "/config/refused", files[i]);
		c = hr_config_load_file(path, &d);
		cr_expect_null(c, "%s was accepted", path);
		cr_expect(hrt_diags_contain(&d, needles[i]), "%s: no message with %s", path,
			  needles[i]);
		if (c != NULL)
			hr_config_free(c);
		hr_diags_free(&d);
	}
}

Test(config_good, rdma_limits_per_device)
{
	struct hr_config *c = load_or_fail(GOOD_DIR "/linux-rdma.json");
	const struct hr_resources *r = &c->linux_cfg.resources;

	cr_assert_eq(r->n_rdma, 2);
	cr_expect_str_eq(r->rdma[0].device, "mlx5_0");
	cr_expect(r->rdma[0].hca_handles.set && r->rdma[0].hca_handles.value == 8);
	cr_expect(r->rdma[0].hca_objects.set && r->rdma[0].hca_objects.value == 4096);
	cr_expect_str_eq(r->rdma[1].device, "rxe0");
	cr_expect(r->rdma[1].hca_handles.set && r->rdma[1].hca_handles.value == 2);
	cr_expect_not(r->rdma[1].hca_objects.set);
	hr_config_free(c);
}

static void is_refused_naming_itself(const char *path)
{
	struct hr_diags d = {0};
	struct hr_config *c = hr_config_load_file(path, &d);

	cr_expect_null(c, "%s was accepted", path);
	cr_expect(hrt_diags_contain(&d, path), "no message names %s", path);
	if (c != NULL)
		hr_config_free(c);
	hr_diags_free(&d);
}

Test(config_good, every_bad_example_is_refused)
{
	size_t n = for_each_example(BAD_DIR, is_refused_naming_itself);

	cr_expect_geq(n, 7, "expected at least the 7 examples in %s, found %zu", BAD_DIR, n);
}

Test(config_good, minimal_has_no_process_nor_linux)
{
	struct hr_config *c =
	    hrt_assert_parses("{'ociVersion': '1.0.0', 'root': {'path': 'rootfs'}}");

	cr_expect_str_eq(c->oci_version, "1.0.0");
	cr_expect_str_eq(c->root_path, "rootfs");
	cr_expect(!c->root_readonly);
	cr_expect(!c->has_process);
	cr_expect(!c->has_linux);
	cr_expect_eq(c->n_mounts, 0);
	cr_expect_null(c->hostname);
	for (int k = 0; k < HR_HOOK__COUNT; k++)
		cr_expect_eq(c->hooks[k].len, 0);
	hr_config_free(c);
}

static uint64_t bit(int cap)
{
	return UINT64_C(1) << cap;
}

static void check_spec_process(const struct hr_process *p)
{
	cr_expect(p->terminal);
	cr_expect_eq(p->user.uid, 1000);
	cr_expect_eq(p->user.gid, 1000);
	cr_assert_eq(p->user.n_additional_gids, 2);
	cr_expect_eq(p->user.additional_gids[0], 10);
	cr_expect_eq(p->user.additional_gids[1], 100);
	cr_expect(!p->user.has_umask);
	cr_assert_eq(p->n_args, 1);
	cr_expect_str_eq(p->args[0], "/bin/sh");
	cr_expect_null(p->args[1], "args is NULL-terminated");
	cr_assert_eq(p->n_env, 2);
	cr_expect_str_eq(p->env[1], "LANG=C.UTF-8");
	cr_expect_null(p->env[2]);
	cr_expect_str_eq(p->cwd, "/home/app");
	cr_expect(p->has_capabilities);
	uint64_t three = bit(CAP_CHOWN) | bit(CAP_SETUID) | bit(CAP_NET_BIND_SERVICE);
	cr_expect_eq(p->caps.bounding, three);
	cr_expect_eq(p->caps.permitted, three);
	cr_expect_eq(p->caps.inheritable, three);
	cr_expect_eq(p->caps.effective, bit(CAP_CHOWN) | bit(CAP_SETUID));
	cr_expect_eq(p->caps.ambient, bit(CAP_NET_BIND_SERVICE));
	cr_assert_eq(p->n_rlimits, 2);
	cr_expect_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	cr_expect_str_eq(p->rlimits[0].type, "RLIMIT_NOFILE");
	cr_expect_eq(p->rlimits[1].resource, RLIMIT_NPROC);
	cr_expect_eq(p->rlimits[1].soft, 256);
	cr_expect_eq(p->rlimits[1].hard, 512);
	cr_expect_str_eq(p->apparmor_profile, "hardrun-example");
	cr_expect_str_eq(p->selinux_label, "system_u:system_r:container_t:s0:c10,c20");
	cr_expect(p->no_new_privileges);
	cr_expect(!p->has_oom_score_adj);
	cr_expect(!p->has_io_priority);
}

static void check_spec_top(const struct hr_config *c)
{
	cr_expect_str_eq(c->oci_version, "1.2.0");
	cr_expect_str_eq(c->root_path, "rootfs");
	cr_expect(c->root_readonly);
	cr_expect_str_eq(c->hostname, "hardrun-example");
	cr_expect_str_eq(c->domainname, "example.test");
	cr_assert_eq(c->n_mounts, 7);
	cr_expect_str_eq(c->mounts[0].destination, "/proc");
	cr_expect_str_eq(c->mounts[0].type, "proc");
	cr_expect_eq(c->mounts[0].n_options, 0);
	cr_expect_null(c->mounts[0].options);
	cr_expect_str_eq(c->mounts[2].destination, "/dev/pts");
	cr_assert_eq(c->mounts[2].n_options, 6);
	cr_expect_str_eq(c->mounts[2].options[5], "gid=5");
	cr_expect_str_eq(c->mounts[6].source, "/var/lib/hardrun-example/data");
	cr_expect_eq(c->hooks[HR_HOOK_PRESTART].len, 2);
	cr_assert_eq(c->hooks[HR_HOOK_PRESTART].items[0].n_args, 3);
	cr_expect_str_eq(c->hooks[HR_HOOK_PRESTART].items[0].args[2], ".");
	cr_expect_str_eq(c->hooks[HR_HOOK_PRESTART].items[0].env[0], "STAGE=prestart");
	cr_expect_str_eq(c->hooks[HR_HOOK_PRESTART].items[1].path,
			 "/usr/libexec/hardrun-example/network");
	cr_expect_eq(c->hooks[HR_HOOK_CREATE_RUNTIME].len, 2);
	cr_expect_str_eq(c->hooks[HR_HOOK_CREATE_CONTAINER].items[0].path,
			 "/usr/libexec/hardrun-example/volumes");
	cr_expect_eq(c->hooks[HR_HOOK_START_CONTAINER].len, 1);
	cr_expect(c->hooks[HR_HOOK_POSTSTART].items[0].has_timeout);
	cr_expect_eq(c->hooks[HR_HOOK_POSTSTART].items[0].timeout, 10);
	cr_expect(!c->hooks[HR_HOOK_POSTSTOP].items[0].has_timeout);
	cr_assert_eq(c->n_annotations, 2);
	cr_expect_str_eq(c->annotations[0].key, "org.example.build");
	cr_expect_str_eq(c->annotations[1].value, "hardrun-tests");
}

static void check_spec_linux(const struct hr_linux *l)
{
	static const enum hr_ns_type ns[] = {HR_NS_MOUNT, HR_NS_PID,  HR_NS_NETWORK, HR_NS_IPC,
					     HR_NS_UTS,	  HR_NS_USER, HR_NS_CGROUP,  HR_NS_TIME};

	cr_assert_eq(l->n_namespaces, 8);
	for (size_t i = 0; i < 8; i++) {
		cr_expect_eq(l->namespaces[i].type, ns[i], "namespaces[%zu]", i);
		cr_expect_null(l->namespaces[i].path);
	}
	cr_assert_eq(l->n_uid_mappings, 1);
	cr_expect_eq(l->uid_mappings[0].host_id, 100000);
	cr_expect_eq(l->uid_mappings[0].size, 65536);
	cr_assert_eq(l->n_gid_mappings, 1);
	cr_assert_eq(l->n_devices, 2);
	cr_expect_str_eq(l->devices[0].path, "/dev/net/tun");
	cr_expect_eq(l->devices[0].type, 'c');
	cr_expect_eq(l->devices[0].major, 10);
	cr_expect_eq(l->devices[0].minor, 200);
	cr_expect(l->devices[0].has_file_mode);
	cr_expect_eq(l->devices[0].file_mode, 0666);
	cr_expect(l->devices[1].has_uid);
	cr_expect_eq(l->devices[1].type, 'b');
	cr_assert_eq(l->n_sysctl, 2);
	cr_expect_str_eq(l->sysctl[0].key, "net.ipv4.ping_group_range");
	cr_expect_str_eq(l->sysctl[0].value, "0 0");
	cr_expect_str_eq(l->cgroups_path, "/hardrun/example");
	cr_expect_eq(l->rootfs_propagation, MS_SLAVE);
	cr_assert_eq(l->n_masked_paths, 5);
	cr_expect_str_eq(l->masked_paths[3], "/sys/firmware");
	cr_assert_eq(l->n_readonly_paths, 5);
	cr_expect_str_eq(l->mount_label, "system_u:object_r:container_file_t:s0:c10,c20");
	cr_expect_null(l->personality);
	cr_expect(l->time_offsets[0].set);
	cr_expect_eq(l->time_offsets[0].secs, 86400);
	cr_expect(l->time_offsets[1].set);
	cr_expect_eq(l->time_offsets[1].secs, 3600);
}

static void check_spec_resources(const struct hr_resources *r)
{
	cr_expect(r->has_pids);
	cr_expect(r->pids_limit.set);
	cr_expect_eq(r->pids_limit.value, 512);
	cr_assert_eq(r->n_hugepage_limits, 2);
	cr_expect_str_eq(r->hugepage_limits[0].page_size, "2MB");
	cr_expect_eq(r->hugepage_limits[0].limit, UINT64_C(209715200));
	cr_expect_eq(r->hugepage_limits[1].limit, 1073741824);
	cr_assert(r->has_memory);
	cr_expect_eq(r->memory.limit.value, 268435456);
	cr_expect(r->memory.kernel.set);
	cr_expect_eq(r->memory.kernel.value, -1);
	cr_expect_eq(r->memory.kernel_tcp.value, -1);
	cr_expect(r->memory.swappiness.set);
	cr_expect_eq(r->memory.swappiness.value, 10);
	cr_expect(r->memory.has_disable_oom_killer);
	cr_expect(!r->memory.disable_oom_killer);
	cr_assert(r->has_cpu);
	cr_expect_eq(r->cpu.shares.value, 512);
	cr_expect_eq(r->cpu.quota.value, 50000);
	cr_expect_eq(r->cpu.burst.value, 10000);
	cr_expect_eq(r->cpu.period.value, 100000);
	cr_expect(r->cpu.realtime_runtime.set);
	cr_expect_eq(r->cpu.realtime_runtime.value, 0);
	cr_expect_eq(r->cpu.realtime_period.value, 0);
	cr_expect_str_eq(r->cpu.cpus, "0-1");
	cr_expect_str_eq(r->cpu.mems, "0");
	cr_expect(!r->cpu.idle.set);
	cr_assert_eq(r->n_devices, 3);
	cr_expect(!r->devices[0].allow);
	cr_expect_eq(r->devices[0].type, 'a');
	cr_expect(!r->devices[0].major.set);
	cr_expect_str_eq(r->devices[0].access, "rwm");
	cr_expect_eq(r->devices[1].type, 'c');
	cr_expect_eq(r->devices[1].major.value, 10);
	cr_expect_eq(r->devices[1].minor.value, 200);
	cr_expect_str_eq(r->devices[1].access, "rw");
	cr_expect_eq(r->devices[2].type, 'b');
	cr_assert(r->has_block_io);
	cr_expect(r->block_io.has_weight);
	cr_expect_eq(r->block_io.weight, 500);
	cr_expect_eq(r->block_io.leaf_weight, 400);
	cr_assert_eq(r->block_io.n_weight_devices, 2);
	cr_expect_eq(r->block_io.weight_devices[0].leaf_weight, 200);
	cr_expect(!r->block_io.weight_devices[1].has_leaf_weight);
	cr_expect_eq(r->block_io.weight_devices[1].minor, 32);
	cr_assert_eq(r->block_io.n_throttle[HR_THROTTLE_READ_BPS], 1);
	cr_expect_eq(r->block_io.throttle[HR_THROTTLE_READ_BPS][0].rate, 1048576);
	cr_expect_eq(r->block_io.n_throttle[HR_THROTTLE_WRITE_BPS], 0);
	cr_assert_eq(r->block_io.n_throttle[HR_THROTTLE_WRITE_IOPS], 1);
	cr_expect_eq(r->block_io.throttle[HR_THROTTLE_WRITE_IOPS][0].rate, 250);
	cr_expect_eq(r->n_unified, 0);
}

static void check_spec_seccomp(const struct hr_seccomp *s)
{
	cr_assert_not_null(s);
	cr_expect_eq(s->default_action, HR_SECCOMP_ALLOW);
	cr_expect(!s->has_default_errno_ret);
	cr_assert_eq(s->n_architectures, 2);
	cr_expect_eq(s->architectures[0], SCMP_ARCH_X86_64);
	cr_expect_eq(s->architectures[1], SCMP_ARCH_X86);
	cr_assert_eq(s->n_syscalls, 1);
	cr_assert_eq(s->syscalls[0].n_names, 2);
	cr_expect_str_eq(s->syscalls[0].names[1], "open_by_handle_at");
	cr_expect_eq(s->syscalls[0].action, HR_SECCOMP_ERRNO);
	cr_expect(!s->syscalls[0].has_errno_ret);
	cr_expect_eq(s->syscalls[0].n_args, 0);
}

Test(config_good, spec_example_values)
{
	struct hr_config *c = load_or_fail(SPEC_EXAMPLE);

	cr_assert(c->has_process);
	cr_assert(c->has_linux);
	cr_assert(c->linux_cfg.has_resources);
	check_spec_top(c);
	check_spec_process(&c->process);
	check_spec_linux(&c->linux_cfg);
	check_spec_resources(&c->linux_cfg.resources);
	check_spec_seccomp(c->linux_cfg.seccomp);
	hr_config_free(c);
}

Test(config_good, seccomp_rule_details)
{
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,"
	    " 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'],"
	    " 'flags': ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],"
	    " 'listenerPath': '/run/agent.sock', 'listenerMetadata': 'meta',"
	    " 'syscalls': [{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
	    "   'args': [{'index': 0, 'value': 18446744073709551615, 'valueTwo': 1,"
	    "             'op': 'SCMP_CMP_MASKED_EQ'}]},"
	    "  {'names': ['mkdir'], 'action': 'SCMP_ACT_NOTIFY'},"
	    "  {'names': ['ptrace'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38},"
	    "  {'names': ['kexec_load'], 'action': 'SCMP_ACT_KILL_PROCESS'}]}}}");
	const struct hr_seccomp *s = c->linux_cfg.seccomp;

	cr_assert_not_null(s);
	cr_expect_eq(s->default_action, HR_SECCOMP_ERRNO);
	cr_expect(s->has_default_errno_ret);
	cr_expect_eq(s->default_errno_ret, 1);
	cr_expect_eq(s->architectures[0], SCMP_ARCH_X86_64);
	cr_expect_eq(s->architectures[1], SCMP_ARCH_AARCH64);
	cr_assert_eq(s->n_flags, 2);
	cr_expect_str_eq(s->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
	cr_expect_str_eq(s->listener_path, "/run/agent.sock");
	cr_expect_str_eq(s->listener_metadata, "meta");
	cr_assert_eq(s->n_syscalls, 4);
	cr_assert_eq(s->syscalls[0].n_args, 1);
	cr_expect_eq(s->syscalls[0].args[0].value, UINT64_MAX);
	cr_expect_eq(s->syscalls[0].args[0].value_two, 1);
	cr_expect_eq(s->syscalls[0].args[0].op, SCMP_CMP_MASKED_EQ);
	cr_expect_eq(s->syscalls[1].action, HR_SECCOMP_NOTIFY);
	cr_expect_eq(s->syscalls[2].errno_ret, 38);
	cr_expect_eq(s->syscalls[3].action, HR_SECCOMP_KILL_PROCESS);
	hr_config_free(c);
}

Test(config_good, other_values)
{
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'process': {'consoleSize': {'height': 24, 'width': 80}, 'oomScoreAdj': -1000,"
	    "  'user': {'umask': 18, 'username': 'u'}},"
	    " 'mounts': [{'destination': '/data', 'source': '/srv', 'options': ['rbind']}],"
	    " 'linux': {'namespaces': [{'type': 'uts'}, {'type': 'network', 'path': ''},"
	    "   {'type': 'ipc', 'path': '/proc/1/ns/ipc'}, {'type': 'mount'}],"
	    "  'rootfsPropagation': 'rprivate', 'personality': {'domain': 'LINUX32'},"
	    "  'devices': [{'path': '/dev/p', 'type': 'p'}],"
	    "  'resources': {'unified': {'memory.high': '1G'}, 'cpu': {'idle': 1}}}}");

	cr_expect(c->process.has_console_size);
	cr_expect_eq(c->process.console_height, 24);
	cr_expect_eq(c->process.console_width, 80);
	cr_expect(c->process.has_oom_score_adj);
	cr_expect_eq(c->process.oom_score_adj, -1000);
	cr_expect(c->process.user.has_umask);
	cr_expect_eq(c->process.user.umask, 022);
	cr_expect_str_eq(c->process.user.username, "u");
	cr_assert_eq(c->warnings.n, 1);
	cr_expect(
	    strstr(c->warnings.msgs[0], "process.user.username: a field for Windows, ignored"));
	cr_expect(!c->process.has_capabilities);
	cr_expect_eq(c->mounts[0].n_uid_mappings, 0);
	cr_expect_null(c->mounts[0].type);
	cr_expect_null(c->linux_cfg.namespaces[1].path, "an empty path means a new namespace");
	cr_expect_str_eq(c->linux_cfg.namespaces[2].path, "/proc/1/ns/ipc");
	cr_expect_eq(c->linux_cfg.rootfs_propagation, MS_PRIVATE | MS_REC);
	cr_assert_not_null(c->linux_cfg.personality);
	cr_expect_str_eq(c->linux_cfg.personality->domain, "LINUX32");
	cr_expect_eq(c->linux_cfg.devices[0].type, 'p');
	cr_expect_str_eq(c->linux_cfg.resources.unified[0].key, "memory.high");
	cr_expect_str_eq(c->linux_cfg.resources.unified[0].value, "1G");
	cr_expect_eq(c->linux_cfg.resources.cpu.idle.value, 1);
	hr_config_free(c);
}

Test(config_good, null_members_are_absent_and_unknown_ones_ignored)
{
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'hostname': null, 'annotations': null, 'future': {'x': [1, 2]},"
	    " 'windows': {'layerFolders': 3}, 'solaris': 1, 'vm': 'x', 'zos': [], 'freebsd': {},"
	    " 'process': {'ioPriority': {'class': 'IOPRIO_CLASS_IDLE'}, 'rlimits': null},"
	    " 'linux': {'seccomp': null, 'intelRdt': {}, 'netDevices': {}},"
	    " 'mounts': [{'destination': '/d', 'uidMappings': [], 'gidMappings': null}]}");

	cr_expect_null(c->hostname);
	/* ignored, each said once: the unknown key and the sections of other platforms */
	cr_assert_eq(c->warnings.n, 4);
	cr_expect(
	    strstr(c->warnings.msgs[0], "config.json: future: not a field of the runtime-spec"));
	cr_expect(
	    strstr(c->warnings.msgs[1], "config.json: windows: a field for Windows, ignored"));
	cr_expect(strstr(c->warnings.msgs[2], "config.json: solaris: a field for Solaris"));
	cr_expect(strstr(c->warnings.msgs[3], "config.json: vm: a field for virtual-machine"));

	cr_expect_eq(c->n_annotations, 0);
	cr_expect_null(c->linux_cfg.seccomp);
	cr_expect_eq(c->process.n_rlimits, 0);
	hr_config_free(c);
}

/* ---- 64-bit numbers ---- */

Test(config_numbers, int64_extremes_exact)
{
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'linux': {'resources': {'memory': {'limit': 9223372036854775807, 'swap': -1},"
	    " 'pids': {'limit': -9223372036854775808}}}}");
	const struct hr_resources *r = &c->linux_cfg.resources;

	cr_expect(r->memory.limit.set);
	cr_expect_eq(r->memory.limit.value, INT64_MAX);
	cr_expect_eq(r->memory.swap.value, -1);
	cr_expect_eq(r->pids_limit.value, INT64_MIN);
	hr_config_free(c);

	c = hrt_assert_patch_parses("{'linux': {'resources': {'memory': {'limit': -1}}}}");
	cr_expect(c->linux_cfg.resources.memory.limit.set);
	cr_expect_eq(c->linux_cfg.resources.memory.limit.value, -1);
	hr_config_free(c);
}

Test(config_numbers, uint64_max_exact)
{
	struct hr_config *c = hrt_assert_patch_parses(
	    "{'linux': {'resources': {'memory': {'swappiness': 18446744073709551615},"
	    " 'cpu': {'shares': 18446744073709551615, 'realtimePeriod': 18446744073709551615}},"
	    " 'namespaces': [{'type': 'uts'}, {'type': 'mount'}]},"
	    " 'process': {'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 18446744073709551615,"
	    "                          'hard': 18446744073709551615}]}}");
	const struct hr_resources *r = &c->linux_cfg.resources;

	cr_expect_eq(r->memory.swappiness.value, UINT64_MAX);
	cr_expect_eq(r->cpu.shares.value, UINT64_MAX);
	cr_expect_eq(r->cpu.realtime_period.value, UINT64_MAX);
	cr_expect_eq(c->process.rlimits[0].soft, UINT64_MAX);
	hr_config_free(c);
}

Test(config_numbers, out_of_range)
{
	hrt_assert_patch_rejects(
	    "{'linux': {'resources': {'memory': {'limit': 9223372036854775808}}}}",
	    "linux.resources.memory.limit: 9223372036854775808 is out of range");
	hrt_assert_patch_rejects(
	    "{'linux': {'resources': {'pids': {'limit': -9223372036854775809}}}}",
	    "linux.resources.pids.limit: -9223372036854775809 is out of range");
	hrt_assert_patch_rejects(
	    "{'linux': {'resources': {'cpu': {'shares': 18446744073709551616}}}}",
	    "linux.resources.cpu.shares: 18446744073709551616 is out of range");
	hrt_assert_patch_rejects("{'process': {'user': {'uid': 4294967296}}}",
				 "process.user.uid: 4294967296 is out of range (0..4294967295)");
	hrt_assert_patch_rejects("{'process': {'user': {'gid': 1e400}}}",
				 "process.user.gid: expected a non-negative integer, got 1e400");
}

Test(config_numbers, integers_only)
{
	hrt_assert_patch_rejects("{'linux': {'resources': {'memory': {'limit': 1e3}}}}",
				 "linux.resources.memory.limit: expected an integer, got 1e3");
	hrt_assert_patch_rejects("{'linux': {'resources': {'memory': {'limit': 1.5}}}}",
				 "linux.resources.memory.limit: expected an integer, got 1.5");
	hrt_assert_patch_rejects(
	    "{'linux': {'resources': {'cpu': {'shares': 2.0}}}}",
	    "linux.resources.cpu.shares: expected a non-negative integer, got 2.0");
	hrt_assert_patch_rejects("{'linux': {'resources': {'memory': {'limit': '1'}}}}",
				 "linux.resources.memory.limit: expected an integer, got \"1\"");
}

/* ---- standalone documents ---- */

Test(config_docs, process_object)
{
	static const char json[] = "{\"args\": [\"ls\", \"-l\"], \"cwd\": \"/tmp\", \"terminal\": "
				   "true, \"env\": [\"A=1\"], \"capabilities\": {\"bounding\": "
				   "[\"CAP_CHOWN\"]}}";
	struct hr_diags d = {0};
	struct hr_process_doc *doc = hr_process_parse(json, strlen(json), "process.json", &d);

	cr_assert_not_null(doc);
	cr_expect_eq(d.len, 0);
	cr_expect_eq(doc->process.n_args, 2);
	cr_expect_str_eq(doc->process.cwd, "/tmp");
	cr_expect(doc->process.terminal);
	cr_expect_eq(doc->process.caps.bounding, bit(CAP_CHOWN));
	hr_process_doc_free(doc);
}

Test(config_docs, process_io_priority)
{
	static const char *const classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					      "IOPRIO_CLASS_IDLE"};
	static const int values[] = {HR_IOPRIO_CLASS_RT, HR_IOPRIO_CLASS_BE, HR_IOPRIO_CLASS_IDLE};

	for (size_t i = 0; i < 3; i++) {
		char json[160];
		struct hr_diags d = {0};
		struct hr_process_doc *doc;

		snprintf(json, sizeof(json),
			 "{\"args\": [\"true\"], \"cwd\": \"/\", \"ioPriority\": {\"class\": "
			 "\"%s\", \"priority\": %zu}}",
			 classes[i], i + 5);
		doc = hr_process_parse(json, strlen(json), "process.json", &d);
		cr_assert_not_null(doc, "%s", d.len ? d.msgs[0] : "");
		cr_expect(doc->process.has_io_priority);
		cr_expect_eq(doc->process.io_priority_class, values[i]);
		cr_expect_eq(doc->process.io_priority, (int)i + 5);
		cr_expect_str_eq(hr_ioprio_class_name(values[i]), classes[i]);
		hr_process_doc_free(doc);
	}
	cr_expect_null(hr_ioprio_class_name(0));
}

Test(config_docs, process_io_priority_errors_name_the_path_in_the_document)
{
	static const char json[] = "{\"args\": [\"true\"], \"cwd\": \"/\", \"ioPriority\": "
				   "{\"class\": \"IOPRIO_CLASS_NOPE\", \"priority\": 9}}";
	struct hr_diags d = {0};
	struct hr_process_doc *doc = hr_process_parse(json, strlen(json), "process.json", &d);
	char *text = hrt_diags_text(&d);

	cr_assert_null(doc);
	cr_expect_eq(d.len, 2, "%s", text);
	cr_expect(hrt_diags_contain(&d, "process.json: ioPriority.class: unknown class "
					"\"IOPRIO_CLASS_NOPE\""),
		  "%s", text);
	cr_expect(hrt_diags_contain(&d, "process.json: ioPriority.priority: 9 is out of range "
					"(0..7)"),
		  "%s", text);
	free(text);
	hr_diags_free(&d);
}

Test(config_docs, process_scheduler)
{
	static const char json[] =
	    "{\"args\": [\"true\"], \"cwd\": \"/\", \"scheduler\": {\"policy\": "
	    "\"SCHED_DEADLINE\", \"nice\": -3, \"flags\": [\"SCHED_FLAG_RESET_ON_FORK\", "
	    "\"SCHED_FLAG_DL_OVERRUN\"], \"runtime\": 1000000, \"deadline\": 2000000, \"period\": "
	    "3000000}}";
	struct hr_diags d = {0};
	struct hr_process_doc *doc = hr_process_parse(json, strlen(json), "process.json", &d);
	const struct hr_scheduler *s;

	cr_assert_not_null(doc, "%s", d.len ? d.msgs[0] : "");
	s = &doc->process.scheduler;
	cr_expect(doc->process.has_scheduler);
	cr_expect_eq(s->policy, HR_SCHED_DEADLINE);
	cr_expect_eq(s->nice, -3);
	cr_expect_eq(s->priority, 0);
	cr_expect_eq(s->flags, HR_SCHED_FLAG_RESET_ON_FORK | HR_SCHED_FLAG_DL_OVERRUN);
	cr_expect_eq(s->runtime, 1000000);
	cr_expect_eq(s->deadline, 2000000);
	cr_expect_eq(s->period, 3000000);
	hr_process_doc_free(doc);
}

Test(config_docs, process_scheduler_errors_name_the_path_in_the_document)
{
	static const char json[] = "{\"args\": [\"true\"], \"cwd\": \"/\", \"scheduler\": "
				   "{\"policy\": \"SCHED_DEADLINE\", \"runtime\": 5000, "
				   "\"deadline\": 4000}}";
	struct hr_diags d = {0};
	struct hr_process_doc *doc = hr_process_parse(json, strlen(json), "process.json", &d);
	char *text = hrt_diags_text(&d);

	cr_assert_null(doc);
	cr_expect_eq(d.len, 1, "%s", text);
	cr_expect(hrt_diags_contain(&d, "process.json: scheduler.runtime: 5000 ns is greater than "
					"the deadline, 4000 ns"),
		  "%s", text);
	free(text);
	hr_diags_free(&d);
}

Test(config_docs, process_exec_cpu_affinity)
{
	static const char json[] = "{\"args\": [\"true\"], \"cwd\": \"/\", \"execCPUAffinity\": "
				   "{\"initial\": \"0-3,7\", \"final\": \"\"}}";
	struct hr_diags d = {0};
	struct hr_process_doc *doc = hr_process_parse(json, strlen(json), "process.json", &d);
	const struct hr_cpu_affinity *a;

	cr_assert_not_null(doc, "%s", d.len ? d.msgs[0] : "");
	a = &doc->process.cpu_affinity;
	cr_expect(a->has_initial);
	cr_expect_eq(CPU_COUNT(&a->initial), 5);
	for (int c = 0; c < 8; c++)
		cr_expect_eq(CPU_ISSET(c, &a->initial) != 0, c != 4 && c != 5 && c != 6, "CPU %d",
			     c);
	/* an empty list is none: the affinity is left alone */
	cr_expect(!a->has_final);
	hr_process_doc_free(doc);
}

Test(config_docs, cpu_list_parse)
{
	static const struct {
		const char *list;
		int count; /* -1: refused */
		int last;
	} cases[] = {
	    {"0", 1, 0},       {"7", 1, 7},	  {"0-3,7", 5, 7},
	    {"1,1,1-1", 1, 1}, {" 2 - 4 ", 3, 4}, {"0-1023", 1024, 1023},
	    {"1023", 1, 1023}, {"", -1, 0},	  {"1024", -1, 0},
	    {"1-", -1, 0},     {"-1", -1, 0},	  {"1,", -1, 0},
	    {"3-2", -1, 0},    {"1 2", -1, 0},	  {"0x1", -1, 0},
	    {"1-2-3", -1, 0},  {"00001", 1, 1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cpu_set_t set;
		char msg[128] = "";
		int r = hr_cpu_list_parse(cases[i].list, &set, msg, sizeof(msg));

		if (cases[i].count < 0) {
			cr_expect_lt(r, 0, "\"%s\" was accepted", cases[i].list);
			cr_expect_neq(msg[0], '\0', "\"%s\": no message", cases[i].list);
			continue;
		}
		cr_expect_eq(r, 0, "\"%s\": %s", cases[i].list, msg);
		cr_expect_eq(CPU_COUNT(&set), cases[i].count, "\"%s\"", cases[i].list);
		cr_expect(CPU_ISSET(cases[i].last, &set), "\"%s\"", cases[i].list);
	}
}

Test(config_docs, process_object_paths_are_relative_to_it)
{
	static const char json[] = "{\"args\": [], \"cwd\": \"tmp\", \"user\": {\"uid\": -1}}";
	struct hr_diags d = {0};
	struct hr_process_doc *doc = hr_process_parse(json, strlen(json), "process.json", &d);
	char *text = hrt_diags_text(&d);

	cr_assert_null(doc);
	cr_expect_eq(d.len, 3, "%s", text);
	cr_expect(hrt_diags_contain(&d, "process.json: args: must have at least one element"), "%s",
		  text);
	cr_expect(hrt_diags_contain(&d, "process.json: cwd: must be an absolute path"), "%s", text);
	cr_expect(hrt_diags_contain(&d, "process.json: user.uid: expected a non-negative integer, "
					"got -1"),
		  "%s", text);
	free(text);
	hr_diags_free(&d);
}

Test(config_docs, resources_object)
{
	static const char json[] = "{\"memory\": {\"limit\": 1048576, \"swap\": -1}, \"pids\": "
				   "{\"limit\": 10}, \"cpu\": {\"quota\": 50000, \"period\": "
				   "100000}}";
	struct hr_diags d = {0};
	struct hr_resources_doc *doc = hr_resources_parse(json, strlen(json), "res.json", &d);

	cr_assert_not_null(doc);
	cr_expect_eq(doc->resources.memory.limit.value, 1048576);
	cr_expect_eq(doc->resources.pids_limit.value, 10);
	cr_expect_eq(doc->resources.cpu.quota.value, 50000);
	hr_resources_doc_free(doc);
}

Test(config_docs, resources_object_paths_are_relative_to_it)
{
	static const char json[] = "{\"memory\": {\"limit\": \"abc\"}, \"blockIO\": {\"weight\": "
				   "5}}";
	struct hr_diags d = {0};
	struct hr_resources_doc *doc = hr_resources_parse(json, strlen(json), "res.json", &d);
	char *text = hrt_diags_text(&d);

	cr_assert_null(doc);
	cr_expect(hrt_diags_contain(&d, "res.json: memory.limit: expected an integer, got \"abc\""),
		  "%s", text);
	cr_expect(hrt_diags_contain(&d, "res.json: blockIO.weight: 5 is out of range"), "%s", text);
	free(text);
	hr_diags_free(&d);
}

Test(config_docs, not_an_object)
{
	struct hr_diags d = {0};

	cr_expect_null(hr_process_parse("[1]", 3, "p.json", &d));
	cr_expect_null(hr_resources_parse("\"x\"", 3, "r.json", &d));
	cr_expect_null(hr_config_parse("42", 2, "c.json", &d));
	cr_assert_eq(d.len, 3);
	cr_expect_str_eq(d.msgs[0], "p.json: expected an object, got an array");
	cr_expect_str_eq(d.msgs[1], "r.json: expected an object, got \"x\"");
	cr_expect_str_eq(d.msgs[2], "c.json: expected an object, got 42");
	hr_diags_free(&d);
}

/* ---- files ---- */

Test(config_files, oversize_file_is_refused)
{
	size_t len = HR_CONFIG_MAX_SIZE + 1;
	char *big = malloc(len), *path, want[128];
	struct hr_diags d = {0};

	cr_assert_not_null(big);
	memset(big, ' ', len);
	big[0] = '{';
	big[len - 1] = '}';
	path = hrt_write_temp(big, len);
	cr_expect_null(hr_config_load_file(path, &d));
	cr_assert_eq(d.len, 1);
	cr_expect(strstr(d.msgs[0], path) != NULL, "%s", d.msgs[0]);
	cr_expect(strstr(d.msgs[0], "larger than the limit") != NULL, "%s", d.msgs[0]);
	hr_diags_free(&d);
	cr_expect_null(hr_config_parse(big, len, "big.json", &d));
	snprintf(want, sizeof(want), "big.json: %zu bytes is larger than the limit", len);
	cr_expect(hrt_diags_contain(&d, want), "%s", want);
	hr_diags_free(&d);
	unlink(path);
	free(path);
	free(big);
}

Test(config_files, missing_file)
{
	struct hr_diags d = {0};

	cr_expect_null(hr_config_load_file("/nonexistent/config.json", &d));
	cr_assert_eq(d.len, 1);
	cr_expect_str_eq(d.msgs[0], "open /nonexistent/config.json: No such file or directory");
	hr_diags_free(&d);
}

Test(config_files, load_gives_the_first_problem)
{
	char *json = hrt_json("{'ociVersion': 1, 'root': {'path': ''}}");
	char *path = hrt_write_temp(json, strlen(json));
	struct hr_err err = {0};
	char expected[512];

	cr_expect_null(hr_config_load(path, &err));
	cr_expect_eq(err.errnum, EINVAL);
	snprintf(expected, sizeof(expected),
		 "%s: ociVersion: expected a string, got 1 (and 1 more problem)", path);
	cr_expect(strncmp(err.msg, expected, strlen(expected)) == 0, "%s", err.msg);
	unlink(path);
	free(path);
	free(json);

	json = hrt_json("{'ociVersion': '1.0.0', 'root': {'path': 'r'}}");
	path = hrt_write_temp(json, strlen(json));
	struct hr_config *c = hr_config_load(path, &err);
	cr_expect_not_null(c);
	if (c != NULL)
		hr_config_free(c);
	unlink(path);
	free(path);
	free(json);
}

/* ---- robustness ---- */

Test(config_robust, truncated_spec_example)
{
	size_t len, runs = 0;
	char *data = hrt_read_file(SPEC_EXAMPLE, &len);

	for (size_t cut = 0; cut < len - 2; cut += 47, runs++) {
		struct hr_diags d = {0};
		struct hr_config *c = hr_config_parse(data, cut, "cut.json", &d);

		cr_expect_null(c, "accepted when cut at %zu", cut);
		cr_assert_geq(d.len, 1, "no message when cut at %zu", cut);
		cr_expect(strncmp(d.msgs[0], "cut.json: line ", 15) == 0 &&
			      strstr(d.msgs[0], ", column ") != NULL,
			  "cut at %zu: %s", cut, d.msgs[0]);
		if (c != NULL)
			hr_config_free(c);
		hr_diags_free(&d);
	}
	cr_expect_gt(runs, 50);
	free(data);
}

Test(config_robust, deep_nesting)
{
	size_t depth = 100000;
	char *s = malloc(2 * depth + 1);
	struct hr_diags d = {0};

	cr_assert_not_null(s);
	memset(s, '[', depth);
	memset(s + depth, ']', depth);
	s[2 * depth] = '\0';
	cr_expect_null(hr_config_parse(s, 2 * depth, "deep.json", &d));
	cr_assert_eq(d.len, 1);
	cr_expect(strstr(d.msgs[0], "deep.json: line 1, column ") && strstr(d.msgs[0], "nesting"),
		  "%s", d.msgs[0]);
	hr_diags_free(&d);
	/* also inside an otherwise valid config, where the parser would recurse */
	char *json = malloc(2 * depth + 64);
	cr_assert_not_null(json);
	int n = sprintf(json, "{\"ociVersion\": \"1\", \"x\": ");
	memcpy(json + n, s, 2 * depth);
	strcpy(json + n + 2 * depth, "}");
	cr_expect_null(hr_config_parse(json, strlen(json), "deep.json", &d));
	cr_expect(hrt_diags_contain(&d, "nesting deeper than"));
	hr_diags_free(&d);
	free(json);
	free(s);
}

Test(config_robust, nul_bytes)
{
	static const char raw[] = "{\"ociVersion\": \"1.0.0\",\n \"root\": {\"path\": \"a\0b\"}}";
	static const char esc[] =
	    "{\"ociVersion\": \"1.0.0\",\n \"root\": {\"path\": \"a\\u0000b\"}}";
	struct hr_diags d = {0};

	cr_expect_null(hr_config_parse(raw, sizeof(raw) - 1, "nul.json", &d));
	cr_assert_eq(d.len, 1);
	cr_expect_str_eq(d.msgs[0], "nul.json: line 2, column 21: NUL byte in JSON text");
	hr_diags_free(&d);
	cr_expect_null(hr_config_parse(esc, sizeof(esc) - 1, "nul.json", &d));
	cr_assert_eq(d.len, 1);
	cr_expect_str_eq(d.msgs[0], "nul.json: line 2, column 21: \\u0000 in a string");
	hr_diags_free(&d);
	/* an escaped backslash followed by u0000 is just text */
	struct hr_config *c = hrt_assert_parses_at(
	    __FILE__, __LINE__,
	    "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"a\\\\u0000\"}}");
	cr_expect_str_eq(c->root_path, "a\\u0000");
	hr_config_free(c);
}

Test(config_robust, not_terminated_input)
{
	/* data need not be NUL-terminated: parse a prefix of a larger buffer */
	static const char buf[] = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}}GARBAGE";
	struct hr_diags d = {0};
	struct hr_config *c = hr_config_parse(buf, sizeof(buf) - 1 - 7, "c.json", &d);

	cr_assert_not_null(c);
	hr_config_free(c);
	cr_expect_null(hr_config_parse(NULL, 0, "empty.json", &d));
	cr_assert_eq(d.len, 1);
	cr_expect(strncmp(d.msgs[0], "empty.json: line 1, column 1: ", 30) == 0, "%s", d.msgs[0]);
	hr_diags_free(&d);
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

Test(config_robust, random_garbage)
{
	char buf[512];

	for (int run = 0; run < 2000; run++) {
		size_t len = rng() % sizeof(buf);
		struct hr_diags d = {0};

		for (size_t i = 0; i < len; i++)
			buf[i] = (char)(rng() & 0xff);
		if (run % 2 == 0 && len > 0)
			buf[0] = '{';
		cr_expect_null(hr_config_parse(buf, len, "junk.json", &d));
		cr_expect_geq(d.len, 1);
		hr_diags_free(&d);
	}
}

Test(config_robust, mutated_spec_example)
{
	static const char alphabet[] = "{}[]\",:0-19eE.tfn \\u/aZ";
	size_t len;
	char *orig = hrt_read_file(SPEC_EXAMPLE, &len);
	char *data = malloc(len + 1);

	cr_assert_not_null(data);
	for (int run = 0; run < 1500; run++) {
		struct hr_diags d = {0};
		struct hr_config *c;

		memcpy(data, orig, len + 1);
		for (int k = 0; k < 1 + run % 4; k++)
			data[rng() % len] = alphabet[rng() % (sizeof(alphabet) - 1)];
		c = hr_config_parse(data, len, "m.json", &d);
		cr_expect((c != NULL) == (d.len == 0), "a config comes with no message, only");
		if (c != NULL)
			hr_config_free(c);
		hr_diags_free(&d);
	}
	free(data);
	free(orig);
}

/* ---- name tables ---- */

Test(config_tables, capabilities)
{
	cr_expect_eq(hr_cap_from_name("CAP_SYS_ADMIN"), 21);
	cr_expect_eq(hr_cap_from_name("CAP_CHOWN"), 0);
	cr_expect_eq(hr_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	cr_expect_eq(hr_cap_from_name("SYS_ADMIN"), -1);
	cr_expect_eq(hr_cap_from_name("cap_sys_admin"), -1);
	cr_expect_eq(hr_cap_from_name("CAP_"), -1);
	cr_expect_eq(hr_cap_from_name(""), -1);
	cr_expect_eq(hr_cap_from_name(NULL), -1);
	cr_expect_eq(hr_cap_last(), 40);
	cr_expect_geq(hr_cap_last(), CAP_LAST_CAP);
	cr_expect_eq(hr_cap_count(), 41);
	cr_expect_null(hr_cap_name(-1));
	cr_expect_null(hr_cap_name(41));
	for (int i = 0; i <= hr_cap_last(); i++) {
		cr_assert_not_null(hr_cap_name(i));
		cr_expect_eq(hr_cap_from_name(hr_cap_name(i)), i);
	}
	cr_expect_str_eq(hr_cap_name(CAP_NET_RAW), "CAP_NET_RAW");
	cr_expect_str_eq(hr_cap_name(CAP_AUDIT_READ), "CAP_AUDIT_READ");
}

Test(config_tables, seccomp_actions)
{
	cr_assert_eq(hr_seccomp_n_actions(), HR_SECCOMP_ACTION__COUNT);
	for (size_t i = 0; i < hr_seccomp_n_actions(); i++) {
		cr_assert_not_null(hr_seccomp_action_at(i));
		cr_expect_eq(hr_seccomp_action_from_name(hr_seccomp_action_at(i)), (int)i);
		cr_expect_str_eq(hr_seccomp_action_name(i), hr_seccomp_action_at(i));
	}
	cr_expect_null(hr_seccomp_action_at(HR_SECCOMP_ACTION__COUNT));
	cr_expect_eq(hr_seccomp_action_from_name("SCMP_ACT_ALLOW"), HR_SECCOMP_ALLOW);
	cr_expect_eq(hr_seccomp_action_from_name("SCMP_ACT_KILL_THREAD"), HR_SECCOMP_KILL_THREAD);
	cr_expect_eq(hr_seccomp_action_from_name("scmp_act_allow"), -1);
	cr_expect_eq(hr_seccomp_action_from_name(NULL), -1);
	cr_expect_null(hr_seccomp_action_name(HR_SECCOMP_ACTION__COUNT));
}

Test(config_tables, seccomp_operators)
{
	cr_assert_eq(hr_seccomp_n_operators(), 7);
	cr_expect_eq(hr_seccomp_operator_from_name("SCMP_CMP_NE"), SCMP_CMP_NE);
	cr_expect_eq(hr_seccomp_operator_from_name("SCMP_CMP_MASKED_EQ"), SCMP_CMP_MASKED_EQ);
	cr_expect_eq(hr_seccomp_operator_from_name("SCMP_CMP_FOO"), -1);
	for (size_t i = 0; i < hr_seccomp_n_operators(); i++) {
		int op = hr_seccomp_operator_from_name(hr_seccomp_operator_at(i));

		cr_expect_geq(op, 0);
		cr_expect_str_eq(hr_seccomp_operator_name(op), hr_seccomp_operator_at(i));
	}
	cr_expect_null(hr_seccomp_operator_at(7));
	cr_expect_null(hr_seccomp_operator_name(0));
}

Test(config_tables, seccomp_architectures)
{
	uint32_t token = 0;
	size_t n = hr_seccomp_n_architectures();

	cr_expect_geq(n, 19, "libseccomp 2.5 resolves 19 of the spec's architectures");
	for (size_t i = 0; i < n; i++) {
		const char *name = hr_seccomp_architecture_at(i);

		cr_assert_not_null(name);
		cr_expect_eq(hr_seccomp_arch_from_name(name, &token), HR_SECCOMP_ARCH_OK, "%s",
			     name);
		cr_expect_neq(token, 0);
		cr_expect_str_eq(hr_seccomp_arch_name(token), name);
	}
	cr_expect_null(hr_seccomp_architecture_at(n));
	cr_expect_eq(hr_seccomp_arch_from_name("SCMP_ARCH_X86_64", &token), HR_SECCOMP_ARCH_OK);
	cr_expect_eq(token, SCMP_ARCH_X86_64);
	cr_expect_eq(hr_seccomp_arch_from_name("SCMP_ARCH_PDP11", &token), HR_SECCOMP_ARCH_UNKNOWN);
	cr_expect_eq(hr_seccomp_arch_from_name("x86_64", &token), HR_SECCOMP_ARCH_UNKNOWN);
	if (seccomp_arch_resolve_name("sh") == 0)
		cr_expect_eq(hr_seccomp_arch_from_name("SCMP_ARCH_SH", &token),
			     HR_SECCOMP_ARCH_UNSUPPORTED);
}

Test(config_tables, seccomp_flags)
{
	cr_assert_eq(hr_seccomp_n_flags(), 4);
	cr_expect_str_eq(hr_seccomp_flag_at(0), "SECCOMP_FILTER_FLAG_TSYNC");
	cr_expect_null(hr_seccomp_flag_at(4));
	cr_expect_eq(hr_seccomp_flag_value("SECCOMP_FILTER_FLAG_TSYNC"), 1);
	cr_expect_eq(hr_seccomp_flag_value("SECCOMP_FILTER_FLAG_LOG"), 2);
	cr_expect_eq(hr_seccomp_flag_value("SECCOMP_FILTER_FLAG_SPEC_ALLOW"), 4);
	cr_expect_eq(hr_seccomp_flag_value("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), 32);
	cr_expect_eq(hr_seccomp_flag_value("SECCOMP_FILTER_FLAG_NEW_LISTENER"), 0);
}

Test(config_tables, namespaces_and_hooks)
{
	static const char *const ns[] = {"pid", "network", "mount",  "ipc",
					 "uts", "user",	   "cgroup", "time"};

	for (int i = 0; i < HR_NS__COUNT; i++) {
		cr_expect_str_eq(hr_ns_type_name(i), ns[i]);
		cr_expect_eq(hr_ns_type_from_name(ns[i]), i);
	}
	cr_expect_null(hr_ns_type_name(HR_NS__COUNT));
	cr_expect_eq(hr_ns_type_from_name("net"), -1);
	cr_expect_eq(hr_ns_type_from_name(NULL), -1);
	cr_expect_str_eq(hr_hook_kind_name(HR_HOOK_PRESTART), "prestart");
	cr_expect_str_eq(hr_hook_kind_name(HR_HOOK_CREATE_RUNTIME), "createRuntime");
	cr_expect_str_eq(hr_hook_kind_name(HR_HOOK_POSTSTOP), "poststop");
	cr_expect_null(hr_hook_kind_name(HR_HOOK__COUNT));
}

/* ---- fixtures (tests/unit/data, also run by tests/valgrind.sh) ---- */

Test(config_fixtures, full_config)
{
	struct hr_config *c = load_or_fail(HR_TEST_DATA "/config-full.json");
	const struct hr_linux *l = &c->linux_cfg;

	cr_expect_eq(c->process.caps.bounding,
		     bit(CAP_CHOWN) | bit(CAP_NET_BIND_SERVICE) | bit(CAP_SYS_ADMIN) | bit(40));
	cr_expect_eq(c->process.caps.inheritable, 0);
	cr_expect_eq(c->process.rlimits[1].resource, RLIMIT_RTTIME);
	cr_expect_eq(c->process.rlimits[1].hard, UINT64_MAX);
	cr_expect_eq(c->process.n_env, 3);
	cr_expect_eq(c->hooks[HR_HOOK_CREATE_RUNTIME].items[0].timeout, 10);
	cr_expect_eq(c->hooks[HR_HOOK_POSTSTOP].len, 2);
	cr_expect_eq(l->n_namespaces, HR_NS__COUNT);
	cr_expect_eq(l->rootfs_propagation, MS_SLAVE | MS_REC);
	cr_expect_eq(l->resources.memory.swappiness.value, 60);
	cr_expect(l->resources.memory.has_use_hierarchy);
	cr_expect(l->resources.memory.check_before_update);
	cr_expect_eq(l->resources.devices[2].major.value, 136);
	cr_expect(!l->resources.devices[2].minor.set);
	for (int k = 0; k < HR_THROTTLE__COUNT; k++)
		cr_expect_eq(l->resources.block_io.n_throttle[k], 1, "throttle kind %d", k);
	cr_expect_eq(l->resources.n_unified, 2);
	cr_expect_eq(l->seccomp->n_architectures, 3);
	cr_expect_eq(l->seccomp->syscalls[2].args[0].value, 2114060288);
	cr_expect_eq(l->time_offsets[1].secs, -60);
	cr_expect_eq(l->time_offsets[1].nanosecs, 500);
	cr_expect_str_eq(l->personality->domain, "LINUX");
	hr_config_free(c);
}

Test(config_fixtures, many_errors)
{
	struct hr_diags d = {0};
	char *text;

	cr_expect_null(hr_config_load_file(HR_TEST_DATA "/config-many-errors.json", &d));
	text = hrt_diags_text(&d);
	cr_expect_eq(d.len, 21, "%s", text);
	for (size_t i = 0; i < d.len; i++)
		cr_expect(strncmp(d.msgs[i], HR_TEST_DATA "/config-many-errors.json: ",
				  strlen(HR_TEST_DATA "/config-many-errors.json: ")) == 0,
			  "%s", d.msgs[i]);
	free(text);
	hr_diags_free(&d);
}

Test(config_fixtures, process_and_resources)
{
	size_t len;
	char *data = hrt_read_file(HR_TEST_DATA "/process.json", &len);
	struct hr_diags d = {0};
	struct hr_process_doc *p = hr_process_parse(data, len, "process.json", &d);
	struct hr_resources_doc *r;

	cr_assert_not_null(p, "%s", d.len ? d.msgs[0] : "");
	cr_expect_str_eq(p->process.args[0], "/bin/ps");
	cr_expect_eq(p->process.caps.bounding, bit(CAP_KILL));
	hr_process_doc_free(p);
	free(data);
	data = hrt_read_file(HR_TEST_DATA "/resources.json", &len);
	r = hr_resources_parse(data, len, "resources.json", &d);
	cr_assert_not_null(r, "%s", d.len ? d.msgs[0] : "");
	cr_expect_eq(r->resources.memory.limit.value, 1073741824);
	cr_expect_eq(r->resources.pids_limit.value, 500);
	cr_expect_str_eq(r->resources.unified[0].value, "900M");
	hr_resources_doc_free(r);
	free(data);
	hr_diags_free(&d);
}

/* An exact-size heap copy of text, without a terminating NUL. */
static char *unterminated(const char *text, size_t *len)
{
	char *copy;

	*len = strlen(text);
	copy = malloc(*len);
	cr_assert_not_null(copy);
	memcpy(copy, text, *len);
	return copy;
}

/*
 * Every (data, len) parser reads only the len bytes it is given: under ASan (make
 * check-asan) and valgrind a read past them fails this test.
 */
Test(parsers, unterminated_inputs)
{
	struct hr_diags d = {0};
	struct hr_env_list env = {0};
	struct hr_err err = {0};
	size_t len;
	char *text;
	void *doc;

	text = unterminated(hrt_base_config, &len);
	doc = hr_config_parse(text, len, HRT_NAME, &d);
	cr_expect_not_null(doc, "config.json: %zu problems", d.len);
	hr_config_free(doc);
	free(text);
	text = unterminated(
	    "{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}}", &len);
	doc = hr_process_parse(text, len, "process.json", &d);
	cr_expect_not_null(doc);
	hr_process_doc_free(doc);
	free(text);
	text = unterminated("{\"memory\": {\"limit\": 1048576}}", &len);
	doc = hr_resources_parse(text, len, "resources.json", &d);
	cr_expect_not_null(doc);
	hr_resources_doc_free(doc);
	free(text);
	text = unterminated("{\"mode\": \"harden\"}", &len);
	doc = hr_policy_parse(text, len, "policy.json", &d);
	cr_expect_not_null(doc);
	hr_policy_free(doc);
	free(text);
	text = unterminated("A=1\nB=two", &len);
	cr_expect_eq(hr_envfile_parse(text, len, "app.env", &env, &err), 0, "%s", err.msg);
	cr_expect_eq(env.len, 2);
	hr_env_list_free(&env);
	free(text);
	hr_diags_free(&d);
}
