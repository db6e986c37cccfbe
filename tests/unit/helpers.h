/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_TEST_HELPERS_H
#define HR_TEST_HELPERS_H

/*
 * Shared unit-test helpers. JSON written in tests uses single quotes for readability: the
 * helpers whose parameter is named `sq` turn every ' into " first (so a test cannot put a
 * literal ' in such a document; use hr_config_parse directly for exact bytes). Everything
 * allocated here is freed here or handed to the caller to free: the tests run under LSan.
 */
#include <stdbool.h>
#include <stddef.h>

#include "libcontainer/config.h"
#include "libcontainer/error.h"

/* The document name the helpers parse under. */
#define HRT_NAME "config.json"

/* A valid Linux config (real JSON) that most tests patch: pid, network, ipc, uts, mount. */
extern const char hrt_base_config[];

/* A malloc'd copy of sq with every ' turned into ". */
char *hrt_json(const char *sq);

/*
 * A JSON merge patch (RFC 7386) of patch onto base, both real JSON: objects merge member by
 * member, null removes a member, anything else (arrays included) replaces. malloc'd result.
 */
char *hrt_merge(const char *base, const char *patch);
/* hrt_base_config patched with the single-quoted patch sq. */
char *hrt_base_with(const char *sq);

/* Reads a whole file (malloc'd, NUL-terminated); fails the test when it cannot. */
char *hrt_read_file(const char *path, size_t *len);
/* Writes data to a new temporary file; returns its malloc'd path (unlink it, then free). */
char *hrt_write_temp(const void *data, size_t len);
/* rm -rf of a test's scratch tree, not crossing into mounts below it. */
void hrt_rm_tree(const char *path);

/* All messages, one a line (malloc'd), for failure reports. */
char *hrt_diags_text(const struct hr_diags *d);
/* How many messages contain needle. */
size_t hrt_diags_count_matching(const struct hr_diags *d, const char *needle);
bool hrt_diags_contain(const struct hr_diags *d, const char *needle);

/* Parses real JSON as HRT_NAME; the config (or NULL) and the messages in d. */
struct hr_config *hrt_parse(const char *json, struct hr_diags *d);

/*
 * Assertions; the caller's file and line are in the failure message. `needle` must appear in
 * one of the messages (they have the form "config.json: json.path: problem").
 */
void hrt_assert_rejects_at(const char *file, int line, const char *json, const char *needle);
struct hr_config *hrt_assert_parses_at(const char *file, int line, const char *json);

/* json: real JSON. */
#define hrt_assert_rejects_json(json, needle)                                                      \
	hrt_assert_rejects_at(__FILE__, __LINE__, json, needle)
/* A whole single-quoted document. */
#define hrt_assert_rejects(sq, needle) hrt_assert_sq_rejects_at(__FILE__, __LINE__, sq, needle)
/* hrt_base_config with a single-quoted patch. */
#define hrt_assert_patch_rejects(sq, needle)                                                       \
	hrt_assert_patch_rejects_at(__FILE__, __LINE__, sq, needle)
/* Each returns the config, to be released with hr_config_free. */
#define hrt_assert_parses(sq)	    hrt_assert_sq_parses_at(__FILE__, __LINE__, sq)
#define hrt_assert_patch_parses(sq) hrt_assert_patch_parses_at(__FILE__, __LINE__, sq)

void hrt_assert_sq_rejects_at(const char *file, int line, const char *sq, const char *needle);
void hrt_assert_patch_rejects_at(const char *file, int line, const char *sq, const char *needle);
struct hr_config *hrt_assert_sq_parses_at(const char *file, int line, const char *sq);
struct hr_config *hrt_assert_patch_parses_at(const char *file, int line, const char *sq);

#endif
