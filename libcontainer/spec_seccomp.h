/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SPEC_SECCOMP_H
#define HR_SPEC_SECCOMP_H

/*
 * The seccomp allowlist that `hardrun spec` embeds in the production and development
 * profiles, and that the policy compares a config's filter with.
 */
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "config_model.h"

enum hr_spec_cmp {
	HR_CMP_NE,
	HR_CMP_EQ,
	HR_CMP_MASKED_EQ,
};

struct hr_spec_seccomp_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	enum hr_spec_cmp op;
};

struct hr_spec_seccomp_rule {
	const char *const *names; /* NULL-terminated */
	enum hr_seccomp_action action;
	uint32_t errno_ret; /* 0: none */
	const struct hr_spec_seccomp_arg *args;
	size_t n_args;
};

/* The rules in emission order; *n gets their count. */
const struct hr_spec_seccomp_rule *hr_spec_seccomp_rules(size_t *n);
/* The SCMP_ARCH_* names for the architecture hardrun was built for. */
const char *const *hr_spec_seccomp_architectures(size_t *n);
/* Writes "seccomp": {...} into an open object. */
void hr_spec_gen_seccomp(yajl_gen g);

#endif
