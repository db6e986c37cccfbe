/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --rootless and the defaults it changes (rootless.h). */
#include "rootless.h"

#include <stdio.h>
#include <string.h>

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

void hr_rootless_apply(struct hr_context *ctx, const struct hr_rootless_input *in)
{
	const char *xdg = in->xdg_runtime_dir;

	ctx->rootless =
	    in->mode == HR_ROOTLESS_TRUE || (in->mode == HR_ROOTLESS_AUTO && in->euid != 0);
	if (!ctx->rootless)
		return;
	if (!in->root_given) {
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
