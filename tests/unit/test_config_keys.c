/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The key table of config_keys.c against man/hardrun-config.5: every key the table knows has
 * an entry on the page (a .TP or .TQ tag ".B PATH" in FIELDS), every entry is a key, and the
 * entry of a refused key says so, that of another platform's key names it.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "libcontainer/config_keys.h"

#define PAGE	      HR_SRCDIR "/man/hardrun-config.5"
#define MAX_TAGS      512
#define MAX_KEYS      512
#define REPORT_SIZE   4096
#define KEY_PATH_SIZE 128

/* The FIELDS section of the page: tags, and the text they share with the tags of their .TP. */
struct page {
	char *text;
	size_t n_tags;
	char *tags[MAX_TAGS];
	size_t body_of[MAX_TAGS]; /* the entry's body: index into bodies */
	size_t n_bodies;
	char *bodies[MAX_TAGS];
};

struct key {
	char path[KEY_PATH_SIZE];
	enum hr_key_status status;
	const char *why;
	bool has_members;
};

struct keys {
	size_t n;
	struct key items[MAX_KEYS];
};

static struct page page;
static struct keys keys;

/* Drops the font changes and \& of groff, turns \- into -: "linux.netDevices.\fINAME\fP.x". */
static void plain(char *s)
{
	char *out = s;

	for (const char *p = s; *p != '\0';) {
		if (p[0] == '\\' && p[1] == 'f' && p[2] != '\0') {
			p += 3;
		} else if (p[0] == '\\' && p[1] == '&') {
			p += 2;
		} else if (p[0] == '\\' && p[1] == '-') {
			*out++ = '-';
			p += 2;
		} else {
			*out++ = *p++;
		}
	}
	*out = '\0';
}

static void append_body(size_t body, const char *line)
{
	char *old = page.bodies[body];
	size_t len = strlen(old), add = strlen(line);

	page.bodies[body] = realloc(old, len + add + 2);
	cr_assert_not_null(page.bodies[body]);
	memcpy(page.bodies[body] + len, line, add);
	memcpy(page.bodies[body] + len + add, "\n", 2);
}

/* A tag line after .TP or .TQ: ".B PATH". */
static void add_tag(const char *line, bool new_entry, size_t lineno)
{
	cr_assert(strncmp(line, ".B ", 3) == 0,
		  PAGE ":%zu: a field's tag must be \".B PATH\", got \"%s\"", lineno, line);
	cr_assert(page.n_tags < MAX_TAGS && page.n_bodies < MAX_TAGS, "too many tags");
	if (new_entry || page.n_bodies == 0)
		page.bodies[page.n_bodies++] = strdup("");
	page.tags[page.n_tags] = strdup(line + 3);
	plain(page.tags[page.n_tags]);
	page.body_of[page.n_tags++] = page.n_bodies - 1;
}

static void read_fields(void)
{
	bool in_fields = false, tag_next = false, new_entry = false, in_body = false;
	size_t lineno = 0;
	char *save = NULL;

	for (char *line = strtok_r(page.text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (strncmp(line, ".SH", 3) == 0)
			in_fields = strcmp(line, ".SH FIELDS") == 0;
		if (!in_fields)
			continue;
		if (tag_next) {
			add_tag(line, new_entry, lineno);
			tag_next = false;
			in_body = true;
		} else if (strcmp(line, ".TP") == 0 || strcmp(line, ".TQ") == 0) {
			tag_next = true;
			new_entry = line[2] == 'P';
		} else if (strncmp(line, ".SS", 3) == 0) {
			in_body = false;
		} else if (in_body) {
			plain(line);
			append_body(page.n_bodies - 1, line);
		}
	}
}

static void collect(const struct hr_key_info *info, void *data)
{
	struct keys *k = data;
	struct key *key = &k->items[k->n];

	cr_assert(k->n < MAX_KEYS, "too many keys");
	cr_assert(strlen(info->path) < sizeof(key->path), "%s: path too long", info->path);
	snprintf(key->path, sizeof(key->path), "%s", info->path);
	key->status = info->status;
	key->why = info->why;
	key->has_members = info->has_members;
	k->n++;
}

static void setup(void)
{
	memset(&page, 0, sizeof(page));
	memset(&keys, 0, sizeof(keys));
	page.text = hrt_read_file(PAGE, NULL);
	read_fields();
	hr_cfg_keys_walk(HR_DOC_CONFIG, collect, &keys);
}

static void teardown(void)
{
	for (size_t i = 0; i < page.n_tags; i++)
		free(page.tags[i]);
	for (size_t i = 0; i < page.n_bodies; i++)
		free(page.bodies[i]);
	free(page.text);
}

TestSuite(config_keys, .init = setup, .fini = teardown);

/* The body of path's entry on the page, or NULL. */
static const char *entry(const char *path)
{
	for (size_t i = 0; i < page.n_tags; i++)
		if (strcmp(page.tags[i], path) == 0)
			return page.bodies[page.body_of[i]];
	return NULL;
}

static const struct key *find_key(const char *path)
{
	for (size_t i = 0; i < keys.n; i++)
		if (strcmp(keys.items[i].path, path) == 0)
			return &keys.items[i];
	return NULL;
}

static void add_to_report(char *report, const char *path)
{
	size_t len = strlen(report);

	snprintf(report + len, REPORT_SIZE - len, "\n  %s", path);
}

Test(config_keys, walk_spells_paths_as_the_page)
{
	const struct key *k;

	cr_assert_gt(keys.n, 150, "only %zu keys", keys.n);
	cr_assert_not_null(k = find_key("mounts"));
	cr_assert(k->has_members && k->status == HR_KEY_LINUX);
	cr_assert_not_null(k = find_key("mounts[].uidMappings"));
	cr_assert(k->has_members && k->status == HR_KEY_LINUX);
	cr_assert_not_null(k = find_key("linux.intelRdt"));
	cr_assert_eq(k->status, HR_KEY_REFUSED);
	cr_assert_str_eq(k->why, "Intel RDT (resctrl) is not supported");
	cr_assert_not_null(k = find_key("linux.netDevices." HR_KEY_MAP_NAME ".name"));
	cr_assert(!k->has_members && k->status == HR_KEY_LINUX);
	cr_assert_not_null(k = find_key("process.commandLine"));
	cr_assert_eq(k->status, HR_KEY_OTHER_PLATFORM);
	cr_assert_str_eq(k->why, "Windows");
	cr_assert_not_null(find_key("linux.seccomp.syscalls[].args[].valueTwo"));
	for (size_t i = 0; i < keys.n; i++)
		for (size_t j = 0; j < i; j++)
			cr_assert_str_neq(keys.items[i].path, keys.items[j].path, "%s twice",
					  keys.items[i].path);
}

Test(config_keys, every_key_has_an_entry_on_the_page)
{
	char missing[REPORT_SIZE] = "";

	cr_assert_gt(page.n_tags, 0, PAGE ": no field in FIELDS");
	for (size_t i = 0; i < keys.n; i++)
		if (entry(keys.items[i].path) == NULL)
			add_to_report(missing, keys.items[i].path);
	cr_assert_str_empty(missing, "fields of config_keys.c missing in " PAGE ":%s", missing);
}

Test(config_keys, every_entry_on_the_page_is_a_key)
{
	char stale[REPORT_SIZE] = "";

	for (size_t i = 0; i < page.n_tags; i++)
		if (find_key(page.tags[i]) == NULL)
			add_to_report(stale, page.tags[i]);
	cr_assert_str_empty(stale, "entries of " PAGE " that config_keys.c does not know:%s",
			    stale);
}

Test(config_keys, refused_and_other_platform_entries_say_so)
{
	char wrong[REPORT_SIZE] = "";

	for (size_t i = 0; i < keys.n; i++) {
		const struct key *k = &keys.items[i];
		const char *body = entry(k->path);

		if (body == NULL)
			continue; /* every_key_has_an_entry_on_the_page says it */
		if (k->status == HR_KEY_REFUSED && strcasestr(body, "refused") == NULL)
			add_to_report(wrong, k->path);
		if (k->status == HR_KEY_OTHER_PLATFORM &&
		    (strstr(body, k->why) == NULL || strstr(body, "ignored") == NULL))
			add_to_report(wrong, k->path);
	}
	cr_assert_str_empty(wrong,
			    "entries of " PAGE " that do not say \"refused\" for a refused key, or "
			    "name the platform and \"ignored\" for another platform's:%s",
			    wrong);
}
