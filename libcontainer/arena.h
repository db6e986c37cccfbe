/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_ARENA_H
#define HR_ARENA_H

#include <stddef.h>

/*
 * A region allocator: everything belonging to one parsed document (a config, a process
 * object, a policy) is allocated from one arena and released at once. This keeps the parser
 * free of per-field free paths and makes loading a config a handful of large allocations.
 * Allocation failure is reported by hr_oom() (message and exit), as bubblewrap's xmalloc does;
 * arenas are only used in the parent, never in a container's child after clone.
 */
struct hr_arena_chunk;

struct hr_arena {
	struct hr_arena_chunk *head;
};

void *hr_arena_alloc(struct hr_arena *arena, size_t size);	     /* zeroed */
void *hr_arena_array(struct hr_arena *arena, size_t n, size_t size); /* zeroed, overflow-checked */
char *hr_arena_strdup(struct hr_arena *arena, const char *s);
char *hr_arena_strndup(struct hr_arena *arena, const char *s, size_t n);
char *hr_arena_printf(struct hr_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hr_arena_free(struct hr_arena *arena);

/* Reports an allocation failure on stderr and exits with status 1. */
_Noreturn void hr_oom(void);
void *hr_xmalloc(size_t size);
void *hr_xcalloc(size_t n, size_t size);
void *hr_xrealloc(void *p, size_t n, size_t size);
char *hr_xstrdup(const char *s);

#endif
