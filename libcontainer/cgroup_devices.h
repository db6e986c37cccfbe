/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_DEVICES_H
#define HR_CGROUP_DEVICES_H

/* The BPF device filter (cgroup_devices.c): below the plan, which compiles it (cgroup.c). */
#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "error.h"

struct bpf_insn;

/*
 * Compiles OCI device rules into a BPF_PROG_TYPE_CGROUP_DEVICE program, as runc's devicefilter:
 * rules are reduced as the cgroup v1 controller would (a later rule overrides an earlier one;
 * an "a" rule resets to allow-all or deny-all; the default is deny), then one block per
 * remaining exception, then the default verdict.
 */
int hr_devfilter_build(const struct hr_device_rule *rules, size_t n, struct hr_arena *arena,
		       struct bpf_insn **prog, size_t *len, struct hr_err *err);
/* Loads the program (the kernel's verifier checks it) and returns its fd. */
int hr_devfilter_load(const struct bpf_insn *prog, size_t len, struct hr_err *err);
/* Loads the program and attaches it to the cgroup directory fd (BPF_F_ALLOW_MULTI). */
int hr_devfilter_attach(int cgroup_fd, const struct bpf_insn *prog, size_t len, struct hr_err *err);

/*
 * Adds to config's linux.resources.devices the rules every container needs (the standard
 * nodes, a terminal's) and a mknod rule per linux.devices node, unless already allowed. Called
 * before the cgroup is made: by create and by restore.
 */
void hr_devices_add_default_rules(struct hr_config *config);

#endif
