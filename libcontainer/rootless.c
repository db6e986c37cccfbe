/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --rootless and the defaults it changes (rootless.h). */
#include "rootless.h"

#include <stdio.h>
#include <string.h>

#include "paths.h"

int hr_rootless_parse(const char *s, enum hr_rootless *out, struct hr_err *err)
{
	if (strcmp(s, "auto") == 0)
		*out = HR_ROOTLESS_AUTO;
	else if (strcmp(s, "true") == 0)
		*out = HR_ROOTLESS_TRUE;
	else if (strcmp(s, "false") == 0)
		*out = HR_ROOTLESS_FALSE;
	else
		return hr_err_set(err, 0, "unknown --rootless (true, false or auto): %.64s", s);
	return 0;
}

bool hr_rootless_in_user_namespace(void)
{
	unsigned long inside, outside, count;
	char buf[256];
	ssize_t n = hr_path_read_small("/proc/self/uid_map", buf, sizeof(buf));

	/* unreadable: say the initial one, as before this check existed */
	if (n < 0)
		return false;
	/* the initial namespace maps everything, in one line */
	if (sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
	    outside == 0 && count == 4294967295UL && strchr(buf, '\n') == buf + n - 1)
		return false;
	return true;
}

void hr_rootless_apply(struct hr_context *ctx, const struct hr_rootless_input *in)
{
	const char *xdg = in->xdg_runtime_dir;
	/*
	 * uid 0 of a user namespace keeps the default state directory, which may well be its
	 * own, unless XDG_RUNTIME_DIR is set and $USER is not root (runc's rule)
	 */
	bool use_xdg =
	    in->mode == HR_ROOTLESS_TRUE || in->euid != 0 ||
	    (xdg != NULL && xdg[0] == '/' && (in->user == NULL || strcmp(in->user, "root") != 0));

	ctx->rootless = in->mode == HR_ROOTLESS_TRUE ||
			(in->mode == HR_ROOTLESS_AUTO && (in->euid != 0 || in->in_user_namespace));
	if (!ctx->rootless)
		return;
	if (!in->root_given && use_xdg) {
		int n = -1;

		/* a relative XDG_RUNTIME_DIR would follow the caller's working directory: unset */
		if (xdg != NULL && xdg[0] == '/')
			n = snprintf(ctx->rootless_root, sizeof(ctx->rootless_root), "%s/hardrun",
				     xdg);
		ctx->root =
		    n > 0 && (size_t)n < sizeof(ctx->rootless_root) ? ctx->rootless_root : NULL;
	}
	if (!in->manager_given) {
		ctx->cgroup_manager = HR_CGROUP_DISABLED;
		ctx->cgroup_rootless_default = true;
	}
}
