/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "seccomp.h"

#include <seccomp.h>
#include <string.h>

#include "config_model.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const action_names[HR_SECCOMP_ACTION__COUNT] = {
    [HR_SECCOMP_KILL] = "SCMP_ACT_KILL",
    [HR_SECCOMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [HR_SECCOMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [HR_SECCOMP_TRAP] = "SCMP_ACT_TRAP",
    [HR_SECCOMP_ERRNO] = "SCMP_ACT_ERRNO",
    [HR_SECCOMP_TRACE] = "SCMP_ACT_TRACE",
    [HR_SECCOMP_ALLOW] = "SCMP_ACT_ALLOW",
    [HR_SECCOMP_LOG] = "SCMP_ACT_LOG",
    [HR_SECCOMP_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* Every architecture of runtime-spec 1.3 and the name libseccomp resolves it by. */
static const struct {
	const char *name;
	const char *scmp_name;
} archs[] = {
    {"SCMP_ARCH_X86", "x86"},
    {"SCMP_ARCH_X86_64", "x86_64"},
    {"SCMP_ARCH_X32", "x32"},
    {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_AARCH64", "aarch64"},
    {"SCMP_ARCH_LOONGARCH64", "loongarch64"},
    {"SCMP_ARCH_M68K", "m68k"},
    {"SCMP_ARCH_MIPS", "mips"},
    {"SCMP_ARCH_MIPS64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
    {"SCMP_ARCH_PPC", "ppc"},
    {"SCMP_ARCH_PPC64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"},
    {"SCMP_ARCH_S390", "s390"},
    {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_SH", "sh"},
    {"SCMP_ARCH_SHEB", "sheb"},
    {"SCMP_ARCH_PARISC", "parisc"},
    {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_RISCV64", "riscv64"},
};

/* Values from <linux/seccomp.h>, spelled out because older headers lack the newer ones. */
static const struct {
	const char *name;
	unsigned int value;
} flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 1U << 0},
    {"SECCOMP_FILTER_FLAG_LOG", 1U << 1},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1U << 2},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1U << 5},
};

const char *hr_seccomp_action_name(enum hr_seccomp_action action)
{
	if ((unsigned)action >= HR_SECCOMP_ACTION__COUNT)
		return NULL;
	return action_names[action];
}

int hr_seccomp_action_from_name(const char *name)
{
	for (size_t i = 0; name != NULL && i < HR_SECCOMP_ACTION__COUNT; i++)
		if (strcmp(action_names[i], name) == 0)
			return (int)i;
	return -1;
}

size_t hr_seccomp_n_actions(void)
{
	return HR_SECCOMP_ACTION__COUNT;
}

const char *hr_seccomp_action_at(size_t i)
{
	return i < HR_SECCOMP_ACTION__COUNT ? action_names[i] : NULL;
}

size_t hr_seccomp_n_operators(void)
{
	return N_ELEMS(operators);
}

const char *hr_seccomp_operator_at(size_t i)
{
	return i < N_ELEMS(operators) ? operators[i].name : NULL;
}

int hr_seccomp_operator_from_name(const char *name)
{
	for (size_t i = 0; name != NULL && i < N_ELEMS(operators); i++)
		if (strcmp(operators[i].name, name) == 0)
			return (int)operators[i].op;
	return -1;
}

const char *hr_seccomp_operator_name(int op)
{
	for (size_t i = 0; i < N_ELEMS(operators); i++)
		if ((int)operators[i].op == op)
			return operators[i].name;
	return NULL;
}

static uint32_t arch_token(size_t i)
{
	return seccomp_arch_resolve_name(archs[i].scmp_name);
}

size_t hr_seccomp_n_architectures(void)
{
	size_t n = 0;

	for (size_t i = 0; i < N_ELEMS(archs); i++)
		if (arch_token(i) != 0)
			n++;
	return n;
}

const char *hr_seccomp_architecture_at(size_t index)
{
	for (size_t i = 0; i < N_ELEMS(archs); i++)
		if (arch_token(i) != 0 && index-- == 0)
			return archs[i].name;
	return NULL;
}

enum hr_seccomp_arch_lookup hr_seccomp_arch_from_name(const char *name, uint32_t *token)
{
	for (size_t i = 0; name != NULL && i < N_ELEMS(archs); i++) {
		uint32_t t;

		if (strcmp(archs[i].name, name) != 0)
			continue;
		t = arch_token(i);
		if (t == 0)
			return HR_SECCOMP_ARCH_UNSUPPORTED;
		*token = t;
		return HR_SECCOMP_ARCH_OK;
	}
	return HR_SECCOMP_ARCH_UNKNOWN;
}

const char *hr_seccomp_arch_name(uint32_t token)
{
	if (token == 0)
		return NULL;
	for (size_t i = 0; i < N_ELEMS(archs); i++)
		if (arch_token(i) == token)
			return archs[i].name;
	return NULL;
}

size_t hr_seccomp_n_flags(void)
{
	return N_ELEMS(flags);
}

const char *hr_seccomp_flag_at(size_t i)
{
	return i < N_ELEMS(flags) ? flags[i].name : NULL;
}

unsigned int hr_seccomp_flag_value(const char *name)
{
	for (size_t i = 0; name != NULL && i < N_ELEMS(flags); i++)
		if (strcmp(flags[i].name, name) == 0)
			return flags[i].value;
	return 0;
}
