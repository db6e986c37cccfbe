/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json: linux.seccomp. Names are checked against the tables of seccomp.c. */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "config_seccomp.h"
#include "seccomp.h"

/* SCMP_ACT_ERRNO and SCMP_ACT_TRACE keep 16 bits of their value: refuse what would wrap. */
#define ERRNO_RET_MAX 0xffff

/* Reads obj[key] as an action name; false when absent or invalid. */
static bool read_action(struct hr_jctx *ctx, yajl_val obj, const char *key,
			enum hr_seccomp_action *out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, true, &saved);
	char *name = NULL;
	bool ok = false;

	if (v == NULL)
		return false;
	if (hr_jread_string(ctx, v, &name)) {
		int a = hr_seccomp_action_from_name(name);

		if (a < 0) {
			hr_jerror(ctx, "unknown seccomp action \"%.40s\"", name);
		} else {
			*out = (enum hr_seccomp_action)a;
			ok = true;
		}
	}
	hr_jpath_pop(ctx, saved);
	return ok;
}

/* errnoRet goes with SCMP_ACT_ERRNO and SCMP_ACT_TRACE only (runc refuses it elsewhere). */
static void read_errno_ret(struct hr_jctx *ctx, yajl_val obj, const char *key, bool action_ok,
			   enum hr_seccomp_action action, bool *has, uint32_t *out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);
	uint64_t value;

	if (v == NULL)
		return;
	if (hr_cfg_read_u64_range(ctx, v, 0, ERRNO_RET_MAX, &value)) {
		*has = true;
		*out = (uint32_t)value;
		if (action_ok && action != HR_SECCOMP_ERRNO && action != HR_SECCOMP_TRACE)
			hr_jerror(ctx, "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
				  hr_seccomp_action_name(action));
	}
	hr_jpath_pop(ctx, saved);
}

static void read_architectures(struct hr_jctx *ctx, yajl_val obj, struct hr_seccomp *s)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, "architectures", false, &saved);
	char **names = NULL;
	size_t n = 0;

	if (v == NULL)
		return;
	if (hr_jread_strv(ctx, v, &names, &n)) {
		s->architectures = hr_arena_array(ctx->arena, n + 1, sizeof(*s->architectures));
		s->n_architectures = n;
		for (size_t i = 0; i < n; i++) {
			size_t at = hr_jpath_index(ctx, i);

			switch (hr_seccomp_arch_from_name(names[i], &s->architectures[i])) {
			case HR_SECCOMP_ARCH_OK:
				break;
			case HR_SECCOMP_ARCH_UNSUPPORTED:
				hr_jerror(ctx, "architecture \"%s\" is not supported by libseccomp",
					  names[i]);
				break;
			default:
				hr_jerror(ctx, "unknown architecture \"%.40s\"", names[i]);
			}
			hr_jpath_pop(ctx, at);
		}
	}
	hr_jpath_pop(ctx, saved);
}

static void read_flags(struct hr_jctx *ctx, yajl_val obj, struct hr_seccomp *s)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, "flags", false, &saved);

	if (v == NULL)
		return;
	if (hr_jread_strv(ctx, v, &s->flags, &s->n_flags)) {
		for (size_t i = 0; i < s->n_flags; i++) {
			size_t at = hr_jpath_index(ctx, i);

			if (hr_seccomp_flag_value(s->flags[i]) == 0)
				hr_jerror(ctx, "unknown seccomp flag \"%.48s\"", s->flags[i]);
			hr_jpath_pop(ctx, at);
		}
	}
	hr_jpath_pop(ctx, saved);
}

static void read_arg(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_seccomp_arg *a = elem;
	hr_opt_u64 value_two = {0};
	char *op = NULL;
	size_t saved;
	yajl_val v;

	if ((v = hr_cfg_enter(ctx, item, "index", true, &saved)) != NULL) {
		uint64_t index;

		if (hr_cfg_read_u64_range(ctx, v, 0, 5, &index))
			a->index = (uint32_t)index;
		hr_jpath_pop(ctx, saved);
	}
	if ((v = hr_cfg_enter(ctx, item, "value", true, &saved)) != NULL) {
		hr_jread_u64(ctx, v, &a->value);
		hr_jpath_pop(ctx, saved);
	}
	hr_cfg_u64(ctx, item, "valueTwo", &value_two);
	a->value_two = value_two.value;
	if (hr_cfg_string(ctx, item, "op", true, &op) && op != NULL) {
		a->op = hr_seccomp_operator_from_name(op);
		if (a->op < 0) {
			saved = hr_jpath_key(ctx, "op");
			hr_jerror(ctx, "unknown seccomp operator \"%.40s\"", op);
			hr_jpath_pop(ctx, saved);
		}
	}
}

static void read_names(struct hr_jctx *ctx, yajl_val item, struct hr_seccomp_rule *r)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, item, "names", true, &saved);

	if (v == NULL)
		return;
	if (hr_jread_strv(ctx, v, &r->names, &r->n_names)) {
		if (r->n_names == 0)
			hr_jerror(ctx, "must name at least one system call");
		for (size_t i = 0; i < r->n_names; i++) {
			size_t at = hr_jpath_index(ctx, i);

			if (r->names[i][0] == '\0')
				hr_jerror(ctx, "must not be empty");
			hr_jpath_pop(ctx, at);
		}
	}
	hr_jpath_pop(ctx, saved);
}

/*
 * System calls hardrun itself makes between loading a filter with SCMP_ACT_NOTIFY rules and the
 * execve of the user program: write (runc's rule: the exec fifo, the failure message), sendmsg
 * (the listener fd travelling to hardrun's parent: nobody could answer yet, a deadlock), close
 * (the listener fd and the sync socket) and execve itself. A notification for them would stall
 * the container's start on the agent, or forever.
 */
static const char *const notify_refused[] = {"write", "sendmsg", "close", "execve"};

static bool notify_refused_for(const char *name)
{
	for (size_t i = 0; i < sizeof(notify_refused) / sizeof(notify_refused[0]); i++)
		if (strcmp(name, notify_refused[i]) == 0)
			return true;
	return false;
}

static void read_rule(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_seccomp_rule *r = elem;
	bool action_ok;

	read_names(ctx, item, r);
	action_ok = read_action(ctx, item, "action", &r->action);
	read_errno_ret(ctx, item, "errnoRet", action_ok, r->action, &r->has_errno_ret,
		       &r->errno_ret);
	r->args = hr_cfg_array(ctx, item, "args", sizeof(*r->args), read_arg, &r->n_args);
	if (!action_ok || r->action != HR_SECCOMP_NOTIFY)
		return;
	for (size_t i = 0; i < r->n_names; i++) {
		if (r->names[i] != NULL && notify_refused_for(r->names[i])) {
			size_t saved = hr_jpath_key(ctx, "names");

			hr_jpath_index(ctx, i);
			hr_jerror(ctx,
				  "SCMP_ACT_NOTIFY cannot be used for %s (hardrun calls it after "
				  "loading the filter, before execve)",
				  r->names[i]);
			hr_jpath_pop(ctx, saved);
		}
	}
}

static bool uses_notify(const struct hr_seccomp *s)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action == HR_SECCOMP_NOTIFY)
			return true;
	return false;
}

void hr_cfg_read_seccomp(struct hr_jctx *ctx, yajl_val v, struct hr_seccomp *s)
{
	bool action_ok = read_action(ctx, v, "defaultAction", &s->default_action);
	size_t saved;

	read_errno_ret(ctx, v, "defaultErrnoRet", action_ok, s->default_action,
		       &s->has_default_errno_ret, &s->default_errno_ret);
	if (action_ok && s->default_action == HR_SECCOMP_NOTIFY) {
		saved = hr_jpath_key(ctx, "defaultAction");
		hr_jerror(ctx, "SCMP_ACT_NOTIFY cannot be the default action");
		hr_jpath_pop(ctx, saved);
	}
	read_architectures(ctx, v, s);
	read_flags(ctx, v, s);
	hr_cfg_path(ctx, v, "listenerPath", false, HR_CFG_PATH_ABS, &s->listener_path);
	hr_cfg_string(ctx, v, "listenerMetadata", false, &s->listener_metadata);
	s->syscalls =
	    hr_cfg_array(ctx, v, "syscalls", sizeof(*s->syscalls), read_rule, &s->n_syscalls);
	if (uses_notify(s) && s->listener_path == NULL) {
		saved = hr_jpath_key(ctx, "listenerPath");
		hr_jerror(ctx, "required when a rule uses SCMP_ACT_NOTIFY");
		hr_jpath_pop(ctx, saved);
	}
}
