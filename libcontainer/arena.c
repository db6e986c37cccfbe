/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK_SIZE (16 * 1024)
#define ALIGNMENT  16

struct hr_arena_chunk {
	struct hr_arena_chunk *next;
	size_t used;
	size_t size;
	_Alignas(ALIGNMENT) unsigned char data[];
};

_Noreturn void hr_oom(void)
{
	static const char msg[] = "hardrun: out of memory\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more can be done */
	}
	_exit(1);
}

void *hr_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		hr_oom();
	return p;
}

void *hr_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		hr_oom();
	return p;
}

void *hr_xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		hr_oom();
	q = realloc(p, n * size != 0 ? n * size : 1);
	if (q == NULL)
		hr_oom();
	return q;
}

char *hr_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		hr_oom();
	return p;
}

void *hr_arena_alloc(struct hr_arena *arena, size_t size)
{
	struct hr_arena_chunk *chunk = arena->head;
	size_t rounded;

	if (size > SIZE_MAX - ALIGNMENT - sizeof(struct hr_arena_chunk) - CHUNK_SIZE)
		hr_oom();
	rounded = (size + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
	if (chunk == NULL || chunk->size - chunk->used < rounded) {
		size_t capacity = rounded > CHUNK_SIZE ? rounded : CHUNK_SIZE;

		chunk = hr_xmalloc(sizeof(*chunk) + capacity);
		chunk->size = capacity;
		chunk->used = 0;
		chunk->next = arena->head;
		arena->head = chunk;
	}
	void *p = chunk->data + chunk->used;
	chunk->used += rounded;
	memset(p, 0, size);
	return p;
}

void *hr_arena_array(struct hr_arena *arena, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		hr_oom();
	return hr_arena_alloc(arena, n * size);
}

char *hr_arena_strndup(struct hr_arena *arena, const char *s, size_t n)
{
	char *p = hr_arena_alloc(arena, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *hr_arena_strdup(struct hr_arena *arena, const char *s)
{
	return s == NULL ? NULL : hr_arena_strndup(arena, s, strlen(s));
}

char *hr_arena_printf(struct hr_arena *arena, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		hr_oom();
	p = hr_arena_alloc(arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void hr_arena_free(struct hr_arena *arena)
{
	struct hr_arena_chunk *chunk = arena->head;

	while (chunk != NULL) {
		struct hr_arena_chunk *next = chunk->next;
		free(chunk);
		chunk = next;
	}
	arena->head = NULL;
}
