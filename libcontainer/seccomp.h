/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SECCOMP_H
#define HR_SECCOMP_H

/*
 * Name tables for linux.seccomp: actions, argument operators, architectures and filter flags,
 * as the runtime-spec spells them. The parser uses them to validate a config; `features`
 * lists them with the iteration helpers (each family: hr_seccomp_n_X() entries, reachable with
 * hr_seccomp_X_at(i) for i < n; an index out of range gives NULL).
 * Filter compilation lives elsewhere; hr_seccomp_action_name/_from_name are in config.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Actions: "SCMP_ACT_KILL" ... "SCMP_ACT_NOTIFY", in enum hr_seccomp_action order. */
size_t hr_seccomp_n_actions(void);
const char *hr_seccomp_action_at(size_t i);

/* Operators: "SCMP_CMP_NE" ... "SCMP_CMP_MASKED_EQ" <-> enum scmp_compare values. */
size_t hr_seccomp_n_operators(void);
const char *hr_seccomp_operator_at(size_t i);
int hr_seccomp_operator_from_name(const char *name); /* enum scmp_compare, -1 when unknown */
const char *hr_seccomp_operator_name(int op);	     /* NULL when unknown */

/*
 * Architectures: "SCMP_ARCH_X86_64" ... The iteration lists only the architectures that the
 * libseccomp hardrun runs with can resolve (2.5 knows neither LOONGARCH64, M68K, SH nor SHEB).
 */
size_t hr_seccomp_n_architectures(void);
const char *hr_seccomp_architecture_at(size_t i);

enum hr_seccomp_arch_lookup {
	HR_SECCOMP_ARCH_OK = 0,
	HR_SECCOMP_ARCH_UNKNOWN = -1,	  /* not a runtime-spec architecture name */
	HR_SECCOMP_ARCH_UNSUPPORTED = -2, /* a spec name that this libseccomp cannot resolve */
};
/* Resolves a spec name to libseccomp's SCMP_ARCH_* token (set only on HR_SECCOMP_ARCH_OK). */
enum hr_seccomp_arch_lookup hr_seccomp_arch_from_name(const char *name, uint32_t *token);
/* The spec name of a libseccomp token; NULL when unknown. */
const char *hr_seccomp_arch_name(uint32_t token);

/* Filter flags: "SECCOMP_FILTER_FLAG_TSYNC", _LOG, _SPEC_ALLOW, _WAIT_KILLABLE_RECV. */
size_t hr_seccomp_n_flags(void);
const char *hr_seccomp_flag_at(size_t i);
/* The kernel's SECCOMP_FILTER_FLAG_* bit for name, or 0 when name is unknown. */
unsigned int hr_seccomp_flag_value(const char *name);

#endif
