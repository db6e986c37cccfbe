/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device controller of cgroup v2 is a BPF_PROG_TYPE_CGROUP_DEVICE program. The OCI rules are
 * ordered, the last matching rule deciding (cgroup v1 semantics). The program is built as
 * runc's devicefilter lays it out: a prologue loading the request into registers, one block
 * per rule that jumps to the next block unless the request matches, and the default verdict.
 * Blocks come in reverse order (the last rule is tested first), so that a later rule punches
 * a hole in an earlier one correctly; an "a" rule ends the list (nothing before it matters)
 * and sets the default, which is deny when no "a" rule is given.
 */
#include "cgroup_devices.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)
/* prologue (6) + the longest block (type 1, access 3, major 1, minor 1, verdict 2) */
#define PROLOGUE_LEN  6
#define MAX_BLOCK_LEN 8

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){
	    .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static unsigned access_bits(const char *access)
{
	unsigned bits = 0;

	if (access == NULL)
		return ACC_ALL;
	for (const char *p = access; *p; p++)
		bits |= *p == 'r'   ? BPF_DEVCG_ACC_READ
			: *p == 'w' ? BPF_DEVCG_ACC_WRITE
			: *p == 'm' ? BPF_DEVCG_ACC_MKNOD
				    : 0;
	return bits;
}

/* R2 = device type, R3 = access requested, R4 = major, R5 = minor (struct bpf_cgroup_dev_ctx) */
static size_t prologue(struct bpf_insn *p)
{
	p[0] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	p[1] = insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xFFFF);
	p[2] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
	p[3] = insn(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	p[4] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	p[5] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	return PROLOGUE_LEN;
}

/*
 * One rule: every test jumps past the block when it fails. An allow rule matches when all the
 * access requested is allowed; a deny rule when any of it is denied.
 */
static size_t block(struct bpf_insn *p, const struct hr_device_rule *rule)
{
	unsigned acc = access_bits(rule->access);
	size_t n = 0, len;

	p[n++] = insn(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
		      rule->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if (acc != ACC_ALL) {
		p[n++] = insn(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		p[n++] = insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)acc);
		if (rule->allow)
			p[n++] = insn(BPF_JMP32 | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		else
			p[n++] = insn(BPF_JMP32 | BPF_JEQ | BPF_K, BPF_REG_1, 0, 0, 0);
	}
	if (rule->major.set)
		p[n++] = insn(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_4, 0, 0,
			      (int32_t)(uint32_t)rule->major.value);
	if (rule->minor.set)
		p[n++] = insn(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_5, 0, 0,
			      (int32_t)(uint32_t)rule->minor.value);
	p[n++] = insn(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, rule->allow ? 1 : 0);
	p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	len = n;
	/* the jumps land right after the block's exit */
	for (size_t i = 0; i < len - 2; i++)
		if (BPF_CLASS(p[i].code) == BPF_JMP32)
			p[i].off = (int16_t)(len - 1 - i);
	return len;
}

/* Whether rule i can change a verdict: it differs from the default or shadows one that does. */
static bool needed(const struct hr_device_rule *rules, size_t first, size_t i, bool default_allow)
{
	if (rules[i].allow != default_allow)
		return true;
	for (size_t j = first; j < i; j++)
		if (rules[j].allow != default_allow)
			return true;
	return false;
}

int hr_devfilter_build(const struct hr_device_rule *rules, size_t n, struct hr_arena *arena,
		       struct bpf_insn **prog, size_t *len, struct hr_err *err)
{
	bool default_allow = false;
	size_t first = 0, k = 0;
	struct bpf_insn *p;

	for (size_t i = 0; i < n; i++) {
		if (rules[i].type == 'a') {
			default_allow = rules[i].allow;
			first = i + 1;
		}
		if ((rules[i].major.set && rules[i].major.value > UINT32_MAX) ||
		    (rules[i].minor.set && rules[i].minor.value > UINT32_MAX))
			return hr_err_set(err, EINVAL, "[%zu]: major/minor beyond 32 bits", i);
		if (rules[i].access != NULL && access_bits(rules[i].access) == 0)
			return hr_err_set(err, EINVAL, "[%zu]: empty access", i);
	}
	p = hr_arena_array(arena, PROLOGUE_LEN + (n - first) * MAX_BLOCK_LEN + 2, sizeof(*p));
	k = prologue(p);
	for (size_t i = n; i-- > first;)
		if (needed(rules, first, i, default_allow))
			k += block(p + k, &rules[i]);
	p[k++] = insn(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, default_allow ? 1 : 0);
	p[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*prog = p;
	*len = k;
	return 0;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* The verifier's log is asked for only after a failure: with a log, a large but valid program
 * fails with ENOSPC when the log does not fit, and the kernel spends time writing it. */
static int load_devfilter(const struct bpf_insn *prog, size_t len, char *log, size_t log_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = (uint32_t)len;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	if (log != NULL) {
		log[0] = '\0';
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = (uint32_t)log_size;
		attr.log_level = 1;
	}
	return bpf(BPF_PROG_LOAD, &attr);
}

int hr_devfilter_load(const struct bpf_insn *prog, size_t len, struct hr_err *err)
{
	static char log[1 << 16];
	int prog_fd = load_devfilter(prog, len, NULL, 0);

	if (prog_fd < 0) {
		int saved = errno;

		if (load_devfilter(prog, len, log, sizeof(log)) < 0)
			hr_debug("BPF verifier: %s", log);
		errno = saved;
		return hr_err_sys(err, "load the BPF device filter (%zu instructions)", len);
	}
	return prog_fd;
}

int hr_devfilter_attach(int cgroup_fd, const struct bpf_insn *prog, size_t len, struct hr_err *err)
{
	union bpf_attr attr;
	_cleanup_close_ int prog_fd = hr_devfilter_load(prog, len, err);

	if (prog_fd < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &attr) < 0)
		return hr_err_sys(err, "attach the BPF device filter");
	return 0;
}

/*
 * The devices every container may use, as runc appends them after the config's own rules (so
 * they win): Docker's configs count on it and list only the rest, and a terminal needs
 * /dev/pts/ptmx. runc's mknod-anything ("c *:* m", "b *:* m") and /dev/net/tun rules are
 * left out.
 */
static const struct {
	int64_t major, minor; /* minor -1: any */
} default_devices[] = {
    {1, 3}, {1, 5}, {1, 7},    {1, 8}, {1, 9}, /* null, zero, full, random, urandom */
    {5, 0}, {5, 2}, {136, -1},		       /* tty, ptmx, the pty slaves */
};

static bool rule_has_all_access(const struct hr_device_rule *r)
{
	return r->access == NULL ||
	       (strchr(r->access, 'r') && strchr(r->access, 'w') && strchr(r->access, 'm'));
}

/* Whether the rules already allow every access to the device(s) d (minor -1: any). */
static bool device_allowed(const struct hr_device_rule *rules, size_t n, int64_t major,
			   int64_t minor)
{
	/* the last rule touching d decides (the filter tests the rules from the end) */
	for (size_t i = n; i-- > 0;) {
		const struct hr_device_rule *r = &rules[i];

		if (r->type == 'b' || (r->major.set && r->major.value != major) ||
		    (r->minor.set && minor >= 0 && r->minor.value != minor))
			continue;
		return r->allow && rule_has_all_access(r) && (!r->minor.set || minor >= 0);
	}
	return false;
}

void hr_devices_add_default_rules(struct hr_config *config)
{
	const size_t n_default = sizeof(default_devices) / sizeof(default_devices[0]);
	struct hr_resources *r = &config->linux_cfg.resources;
	struct hr_device_rule *rules;
	size_t n;

	const struct hr_linux *l = &config->linux_cfg;
	static char mknod_only[] = "m";

	/* no rule at all: no device filter, nothing to add */
	if (!config->has_linux || !l->has_resources || r->n_devices == 0)
		return;
	rules =
	    hr_arena_array(&config->arena, r->n_devices + n_default + l->n_devices, sizeof(*rules));
	memcpy(rules, r->devices, r->n_devices * sizeof(*rules));
	n = r->n_devices;
	/* only what the rules do not allow yet: the BPF program stays short */
	for (size_t i = 0; i < n_default; i++) {
		int64_t major = default_devices[i].major, minor = default_devices[i].minor;

		if (device_allowed(rules, n, major, minor))
			continue;
		rules[n++] = (struct hr_device_rule){
		    .allow = true,
		    .type = 'c',
		    .major = {.set = true, .value = major},
		    .minor = {.set = minor >= 0, .value = minor},
		};
	}
	/*
	 * The init is born in its cgroup, filter in place, and makes the nodes of linux.devices
	 * itself: each may be made ("m"); reading and writing it stay as the rules say (runc
	 * makes them before its filter goes in, with the same result).
	 */
	for (size_t i = 0; i < l->n_devices; i++) {
		const struct hr_device *d = &l->devices[i];

		/* device_allowed reads the char rules only: a block device always gets its rule */
		if ((d->type != 'c' && d->type != 'u' && d->type != 'b') ||
		    (d->type != 'b' && device_allowed(rules, n, d->major, d->minor)))
			continue;
		rules[n++] = (struct hr_device_rule){
		    .allow = true,
		    .type = d->type == 'b' ? 'b' : 'c',
		    .major = {.set = true, .value = d->major},
		    .minor = {.set = true, .value = d->minor},
		    .access = mknod_only,
		};
	}
	r->devices = rules;
	r->n_devices = n;
}
