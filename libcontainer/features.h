/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_FEATURES_H
#define HR_FEATURES_H

/*
 * What this build of hardrun supports, as the OCI runtime-spec "features" document
 * (features-schema.json). Every list comes from the table the rest of hardrun checks configs
 * against (capabilities.h, seccomp.h, mountopts.h, config.h), so the document cannot promise
 * what the runtime refuses.
 */
#define HR_OCI_VERSION_MIN "1.0.0"
#define HR_OCI_VERSION_MAX HR_OCI_VERSION /* build-config.h: the version hardrun implements */

/*
 * The features document as pretty-printed JSON text (NUL-terminated, with a final newline),
 * allocated with malloc: the caller frees it. Never fails (allocation failure exits).
 */
char *hr_features_json(void);

#endif
