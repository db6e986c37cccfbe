/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "seccomp.h"

#define CACHE_MAGIC	  "HRSECBPF"
#define CACHE_VERSION	  1
#define CACHE_MAX_CANON	  (8 * 1024 * 1024)
#define CANON_FORMAT	  "hardrun-seccomp-canon-v1"
#define MAX_PROGRAM_BYTES ((size_t)BPF_MAXINSNS * sizeof(struct sock_filter))

static const char *action_name(enum hr_seccomp_action action)
{
	const char *name = hr_seccomp_action_name(action);

	return name != NULL ? name : "unknown action";
}

/* ---- translation of the config ---- */

/* The libseccomp action for an action and its errnoRet; where names the JSON object. */
static int action_value(enum hr_seccomp_action action, bool has_errno, uint32_t errno_ret,
			const char *where, uint32_t *out, struct hr_err *err)
{
	uint32_t ret = has_errno ? errno_ret : EPERM;

	if (has_errno && action != HR_SECCOMP_ERRNO && action != HR_SECCOMP_TRACE)
		return hr_err_set(err, EINVAL, "seccomp: %s: errnoRet is not valid with %s", where,
				  action_name(action));
	if (ret > 0xffff)
		return hr_err_set(err, EINVAL, "seccomp: %s: errnoRet %u is out of range", where,
				  ret);
	switch (action) {
	case HR_SECCOMP_KILL:
	case HR_SECCOMP_KILL_THREAD:
		*out = SCMP_ACT_KILL_THREAD;
		return 0;
	case HR_SECCOMP_KILL_PROCESS:
		*out = SCMP_ACT_KILL_PROCESS;
		return 0;
	case HR_SECCOMP_TRAP:
		*out = SCMP_ACT_TRAP;
		return 0;
	case HR_SECCOMP_ERRNO:
		*out = SCMP_ACT_ERRNO(ret);
		return 0;
	case HR_SECCOMP_TRACE:
		*out = SCMP_ACT_TRACE(ret);
		return 0;
	case HR_SECCOMP_ALLOW:
		*out = SCMP_ACT_ALLOW;
		return 0;
	case HR_SECCOMP_LOG:
		*out = SCMP_ACT_LOG;
		return 0;
	case HR_SECCOMP_NOTIFY:
		*out = SCMP_ACT_NOTIFY;
		return 0;
	default:
		return hr_err_set(err, EINVAL, "seccomp: %s: unknown action %d", where,
				  (int)action);
	}
}

static bool uses_notify(const struct hr_seccomp *sc)
{
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if (sc->syscalls[i].action == HR_SECCOMP_NOTIFY)
			return true;
	return false;
}

/*
 * A profile with SCMP_ACT_NOTIFY rules is installed with NEW_LISTENER. WAIT_KILLABLE_RECV is
 * only valid with a listener (the kernel refuses it alone), so without one it is dropped; and
 * TSYNC with a listener needs TSYNC_ESRCH (the kernel cannot report a thread id and an fd).
 */
static int filter_flags(const struct hr_seccomp *sc, unsigned int *flags, struct hr_err *err)
{
	bool listener = uses_notify(sc);

	*flags = listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	for (size_t i = 0; i < sc->n_flags; i++) {
		unsigned int bit = hr_seccomp_flag_value(sc->flags[i]);

		if (bit == 0)
			return hr_err_set(err, EINVAL, "seccomp: flags[%zu]: unknown flag \"%s\"",
					  i, sc->flags[i]);
		if (bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !listener)
			continue;
		*flags |= bit;
	}
	if (listener && (*flags & SECCOMP_FILTER_FLAG_TSYNC))
		*flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	return 0;
}

/* ---- canonical serialization (the cache key) ---- */

struct canon {
	unsigned char *buf;
	size_t len;
	size_t cap;
};

static void canon_free(struct canon *c)
{
	free(c->buf);
	c->buf = NULL;
}

static void canon_put(struct canon *c, const void *p, size_t n)
{
	if (c->cap - c->len < n) {
		size_t cap = c->cap ? c->cap : 1024;

		while (cap - c->len < n)
			cap *= 2;
		c->buf = hr_xrealloc(c->buf, cap, 1);
		c->cap = cap;
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

static void canon_u64(struct canon *c, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	canon_put(c, b, sizeof(b));
}

static void canon_str(struct canon *c, const char *s)
{
	if (s == NULL) {
		canon_u64(c, UINT64_MAX);
		return;
	}
	canon_u64(c, strlen(s));
	canon_put(c, s, strlen(s));
}

static void canon_rule(struct canon *c, const struct hr_seccomp_rule *r)
{
	canon_u64(c, r->n_names);
	for (size_t i = 0; i < r->n_names; i++)
		canon_str(c, r->names[i]);
	canon_u64(c, r->action);
	canon_u64(c, r->has_errno_ret);
	canon_u64(c, r->errno_ret);
	canon_u64(c, r->n_args);
	for (size_t i = 0; i < r->n_args; i++) {
		canon_u64(c, r->args[i].index);
		canon_u64(c, r->args[i].value);
		canon_u64(c, r->args[i].value_two);
		canon_u64(c, (uint64_t)(int64_t)r->args[i].op);
	}
}

static void canon_build(const struct hr_seccomp *sc, unsigned int flags, struct canon *c)
{
	const struct scmp_version *ver = seccomp_version();

	canon_str(c, CANON_FORMAT);
	canon_u64(c, ver->major);
	canon_u64(c, ver->minor);
	canon_u64(c, ver->micro);
	canon_u64(c, seccomp_arch_native());
	canon_u64(c, seccomp_api_get());
	canon_u64(c, sc->default_action);
	canon_u64(c, sc->has_default_errno_ret);
	canon_u64(c, sc->default_errno_ret);
	canon_u64(c, flags);
	canon_u64(c, sc->n_architectures);
	for (size_t i = 0; i < sc->n_architectures; i++)
		canon_u64(c, sc->architectures[i]);
	canon_u64(c, sc->n_syscalls);
	for (size_t i = 0; i < sc->n_syscalls; i++)
		canon_rule(c, &sc->syscalls[i]);
}

static uint64_t fnv1a64(const unsigned char *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* ---- compilation with libseccomp ---- */

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}

static int set_attrs(scmp_filter_ctx ctx, unsigned int flags, struct hr_err *err)
{
	static const struct {
		enum scmp_filter_attr attr;
		unsigned int flag;
		const char *name;
		const char *flag_name;
	} attrs[] = {
	    {SCMP_FLTATR_CTL_TSYNC, SECCOMP_FILTER_FLAG_TSYNC, "SCMP_FLTATR_CTL_TSYNC",
	     "SECCOMP_FILTER_FLAG_TSYNC"},
	    {SCMP_FLTATR_CTL_LOG, SECCOMP_FILTER_FLAG_LOG, "SCMP_FLTATR_CTL_LOG",
	     "SECCOMP_FILTER_FLAG_LOG"},
	    {SCMP_FLTATR_CTL_SSB, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "SCMP_FLTATR_CTL_SSB",
	     "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
	};
	int rc;

	/* hardrun sets no_new_privs itself, when the config asks for it. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc < 0)
		return hr_err_set(err, -rc, "seccomp: set SCMP_FLTATR_CTL_NNP");
	/* The attributes only matter to seccomp_load; recorded for fidelity, the flags go to
	 * seccomp(2) directly at install. */
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		if (!(flags & attrs[i].flag))
			continue;
		rc = seccomp_attr_set(ctx, attrs[i].attr, 1);
		if (rc < 0)
			return hr_err_set(
			    err, -rc,
			    "seccomp: flag %s (%s) is not supported here (seccomp API "
			    "level %u)",
			    attrs[i].flag_name, attrs[i].name, seccomp_api_get());
	}
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct hr_seccomp *sc, struct hr_err *err)
{
	for (size_t i = 0; i < sc->n_architectures; i++) {
		int rc = seccomp_arch_add(ctx, sc->architectures[i]);

		if (rc < 0 && rc != -EEXIST)
			return hr_err_set(err, -rc,
					  "seccomp: architectures[%zu]: add architecture 0x%x", i,
					  sc->architectures[i]);
	}
	return 0;
}

static int make_conditions(const struct hr_seccomp_rule *rule, const char *where,
			   struct scmp_arg_cmp *cmps, bool *separate, struct hr_err *err)
{
	unsigned int count[6] = {0};

	*separate = false;
	for (size_t i = 0; i < rule->n_args; i++) {
		const struct hr_seccomp_arg *a = &rule->args[i];

		if (a->index > 5)
			return hr_err_set(err, EINVAL,
					  "seccomp: %s.args[%zu]: index %u is not 0..5", where, i,
					  a->index);
		if (a->op < SCMP_CMP_NE || a->op > SCMP_CMP_MASKED_EQ)
			return hr_err_set(err, EINVAL, "seccomp: %s.args[%zu]: unknown operator %d",
					  where, i, a->op);
		cmps[i] = (struct scmp_arg_cmp){.arg = a->index,
						.op = (enum scmp_compare)a->op,
						.datum_a = a->value,
						.datum_b = a->value_two};
		if (++count[a->index] > 1)
			*separate = true;
	}
	return 0;
}

static int add_syscall(scmp_filter_ctx ctx, int nr, const char *name, uint32_t action,
		       const struct scmp_arg_cmp *cmps, size_t n, bool separate, struct hr_err *err)
{
	int rc;

	if (n == 0 || !separate) {
		rc = seccomp_rule_add_array(ctx, action, nr, (unsigned int)n, cmps);
		if (rc < 0)
			return hr_err_set(err, -rc, "seccomp: add rule for %s", name);
		return 0;
	}
	/* Two conditions on one argument: one rule each (ORed), as runc does. */
	for (size_t i = 0; i < n; i++) {
		rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[i]);
		if (rc < 0)
			return hr_err_set(err, -rc, "seccomp: add rule for %s (argument %u)", name,
					  cmps[i].arg);
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct hr_seccomp_rule *rule, size_t idx,
		    uint32_t default_action, struct hr_err *err)
{
	_cleanup_free_ struct scmp_arg_cmp *cmps = hr_xcalloc(rule->n_args, sizeof(*cmps));
	char where[32];
	uint32_t action;
	bool separate;

	snprintf(where, sizeof(where), "syscalls[%zu]", idx);
	if (action_value(rule->action, rule->has_errno_ret, rule->errno_ret, where, &action, err) <
		0 ||
	    make_conditions(rule, where, cmps, &separate, err) < 0)
		return -1;
	/* libseccomp would only say EINVAL: the kernel (< 5.0) or valgrind has no listener */
	if (rule->action == HR_SECCOMP_NOTIFY && seccomp_api_get() < 5)
		return hr_err_set(err, EOPNOTSUPP,
				  "seccomp: %s: SCMP_ACT_NOTIFY is not supported here (seccomp API "
				  "level %u, user notification needs 5)",
				  where, seccomp_api_get());
	if (action == default_action) {
		hr_debug("seccomp: %s has the default action, skipped", where);
		return 0;
	}
	for (size_t i = 0; i < rule->n_names; i++) {
		int nr = seccomp_syscall_resolve_name(rule->names[i]);

		if (nr == __NR_SCMP_ERROR) {
			hr_debug(
			    "seccomp: syscall %s is unknown to libseccomp on this architecture, "
			    "skipped",
			    rule->names[i]);
			continue;
		}
		if (add_syscall(ctx, nr, rule->names[i], action, cmps, rule->n_args, separate,
				err) < 0)
			return hr_err_prefix(err, "%s", where);
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct hr_arena *arena, struct hr_seccomp_program *prog,
		      struct hr_err *err)
{
	_cleanup_close_ int fd = memfd_create("hardrun-seccomp-bpf", MFD_CLOEXEC);
	struct stat st;
	size_t size;
	int rc;

	if (fd < 0)
		return hr_err_sys(err, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return hr_err_set(err, -rc, "seccomp: export the BPF program");
	if (fstat(fd, &st) < 0)
		return hr_err_sys(err, "seccomp: stat the BPF program");
	size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) != 0)
		return hr_err_set(err, EINVAL, "seccomp: exported program has a bad size (%zu)",
				  size);
	if (size > MAX_PROGRAM_BYTES)
		return hr_err_set(err, E2BIG,
				  "seccomp: the filter has %zu instructions, the kernel takes %d",
				  size / sizeof(struct sock_filter), BPF_MAXINSNS);
	prog->filter = hr_arena_alloc(arena, size);
	for (size_t off = 0; off < size;) {
		ssize_t n = pread(fd, (char *)prog->filter + off, size - off, (off_t)off);

		if (n <= 0)
			return hr_err_set(err, n < 0 ? errno : EIO,
					  "seccomp: read the BPF program");
		off += (size_t)n;
	}
	prog->len = (unsigned short)(size / sizeof(struct sock_filter));
	return 0;
}

static int compile_bpf(const struct hr_seccomp *sc, struct hr_arena *arena,
		       struct hr_seccomp_program *prog, struct hr_err *err)
{
	__attribute__((cleanup(seccomp_releasep))) scmp_filter_ctx ctx = NULL;
	uint32_t default_action;

	if (action_value(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret,
			 "defaultAction", &default_action, err) < 0)
		return -1;
	ctx = seccomp_init(default_action);
	if (ctx == NULL)
		return hr_err_set(err, EINVAL,
				  "seccomp: defaultAction %s is not supported here (seccomp API "
				  "level %u)",
				  action_name(sc->default_action), seccomp_api_get());
	if (set_attrs(ctx, prog->flags, err) < 0 || add_arches(ctx, sc, err) < 0)
		return -1;
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if (add_rule(ctx, &sc->syscalls[i], i, default_action, err) < 0)
			return -1;
	return export_bpf(ctx, arena, prog, err);
}

/* ---- the cache ---- */

struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t flags;
	uint64_t canon_len;
	uint64_t bpf_len;
};

/* Creates the missing components of path, 0700. */
static int mkdir_parents(const char *path, struct hr_err *err)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return hr_err_set(err, ENAMETOOLONG, "seccomp cache dir %s", path);
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return hr_err_sys(err, "create seccomp cache dir %s", buf);
		buf[i] = i == len ? '\0' : '/';
	}
	return 0;
}

/* An fd on the cache dir, which must be ours and writable only by us. */
static int cache_dir_open(const char *dir, struct hr_err *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (mkdir_parents(dir, err) < 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return hr_err_sys(err, "open seccomp cache dir %s", dir);
	if (fstat(fd, &st) < 0)
		return hr_err_sys(err, "stat seccomp cache dir %s", dir);
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0)
		return hr_err_set(err, EPERM,
				  "seccomp cache dir %s is not owned by uid %u or is writable by "
				  "others",
				  dir, (unsigned)geteuid());
	return steal_fd(&fd);
}

static bool cache_header_ok(const struct cache_header *h, size_t file_size, const struct canon *c,
			    unsigned int flags)
{
	if (memcmp(h->magic, CACHE_MAGIC, sizeof(h->magic)) != 0 || h->version != CACHE_VERSION ||
	    h->flags != flags || h->canon_len != c->len)
		return false;
	if (h->bpf_len == 0 || h->bpf_len > MAX_PROGRAM_BYTES ||
	    h->bpf_len % sizeof(struct sock_filter) != 0)
		return false;
	return file_size == sizeof(*h) + h->canon_len + h->bpf_len;
}

static int read_full(int fd, void *buf, size_t size)
{
	for (size_t off = 0; off < size;) {
		ssize_t n = read(fd, (char *)buf + off, size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* True when name in dirfd holds the program for c; any problem just means "not cached". */
static bool cache_load(int dirfd, const char *name, const struct canon *c, struct hr_arena *arena,
		       struct hr_seccomp_program *prog)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ unsigned char *data = NULL;
	struct cache_header h;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) != 0 || st.st_size < (off_t)sizeof(h) ||
	    (size_t)st.st_size > sizeof(h) + c->len + MAX_PROGRAM_BYTES)
		return false;
	if (read_full(fd, &h, sizeof(h)) < 0 ||
	    !cache_header_ok(&h, (size_t)st.st_size, c, prog->flags))
		return false;
	data = hr_xmalloc((size_t)st.st_size - sizeof(h));
	if (read_full(fd, data, (size_t)st.st_size - sizeof(h)) < 0 ||
	    memcmp(data, c->buf, c->len) != 0)
		return false;
	prog->filter = hr_arena_alloc(arena, h.bpf_len);
	memcpy(prog->filter, data + c->len, h.bpf_len);
	prog->len = (unsigned short)(h.bpf_len / sizeof(struct sock_filter));
	return true;
}

static int write_full(int fd, const void *buf, size_t size)
{
	for (size_t off = 0; off < size;) {
		ssize_t n = write(fd, (const char *)buf + off, size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

static int cache_write_tmp(int dirfd, const char *tmp, const struct canon *c,
			   const struct hr_seccomp_program *prog, struct hr_err *err)
{
	_cleanup_close_ int fd =
	    openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct cache_header h = {.version = CACHE_VERSION,
				 .flags = prog->flags,
				 .canon_len = c->len,
				 .bpf_len = (uint64_t)prog->len * sizeof(struct sock_filter)};

	memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
	if (fd < 0)
		return hr_err_sys(err, "create %s", tmp);
	if (write_full(fd, &h, sizeof(h)) < 0 || write_full(fd, c->buf, c->len) < 0 ||
	    write_full(fd, prog->filter, h.bpf_len) < 0)
		return hr_err_sys(err, "write %s", tmp);
	return 0;
}

static int cache_store(int dirfd, const char *name, const struct canon *c,
		       const struct hr_seccomp_program *prog, struct hr_err *err)
{
	uint64_t rnd = 0;
	char tmp[64];

	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd ^= (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&rnd;
	snprintf(tmp, sizeof(tmp), ".tmp-%016llx", (unsigned long long)rnd);
	if (cache_write_tmp(dirfd, tmp, c, prog, err) < 0) {
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		hr_err_sys(err, "rename %s to %s", tmp, name);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* ---- public ---- */

int hr_seccomp_cache_path(const struct hr_seccomp *sc, const char *cache_dir, char *buf,
			  size_t size)
{
	struct canon c = {0};
	struct hr_err err;
	unsigned int flags;
	int n;

	if (filter_flags(sc, &flags, &err) < 0)
		return -1;
	canon_build(sc, flags, &c);
	n = snprintf(buf, size, "%s/%016llx.bpf", cache_dir,
		     (unsigned long long)fnv1a64(c.buf, c.len));
	canon_free(&c);
	return n;
}

static int compile_cached(const struct hr_seccomp *sc, const char *cache_dir,
			  struct hr_arena *arena, struct hr_seccomp_program *prog,
			  struct hr_err *err)
{
	__attribute__((cleanup(canon_free))) struct canon c = {0};
	_cleanup_close_ int dirfd = -1;
	struct hr_err cache_err;
	char name[32];

	canon_build(sc, prog->flags, &c);
	if (c.len > CACHE_MAX_CANON)
		return compile_bpf(sc, arena, prog, err);
	snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)fnv1a64(c.buf, c.len));
	dirfd = cache_dir_open(cache_dir, &cache_err);
	if (dirfd < 0) {
		hr_warning("%s: compiling without the cache", cache_err.msg);
		return compile_bpf(sc, arena, prog, err);
	}
	if (cache_load(dirfd, name, &c, arena, prog)) {
		prog->from_cache = true;
		return 0;
	}
	if (compile_bpf(sc, arena, prog, err) < 0)
		return -1;
	if (cache_store(dirfd, name, &c, prog, &cache_err) < 0)
		hr_warning("seccomp cache %s: %s", cache_dir, cache_err.msg);
	return 0;
}

int hr_seccomp_compile(const struct hr_seccomp *sc, const char *cache_dir, struct hr_arena *arena,
		       struct hr_seccomp_program **out, struct hr_err *err)
{
	struct hr_seccomp_program *prog;

	*out = NULL;
	if (sc == NULL)
		return 0;
	prog = hr_arena_alloc(arena, sizeof(*prog));
	if (filter_flags(sc, &prog->flags, err) < 0)
		return -1;
	if (cache_dir == NULL) {
		if (compile_bpf(sc, arena, prog, err) < 0)
			return -1;
	} else if (compile_cached(sc, cache_dir, arena, prog, err) < 0) {
		return -1;
	}
	*out = prog;
	return 0;
}

/* /proc/<pid>/task has one link per thread beyond "." and "..". */
static bool single_threaded(void)
{
	struct stat st;

	return stat("/proc/self/task", &st) == 0 && st.st_nlink == 3;
}

/*
 * Without seccomp(2) (Linux < 3.17, or valgrind, which does not implement it) prctl installs a
 * filter without flags; TSYNC is then only acceptable when there is no other thread to sync.
 */
static long install_with_prctl(struct sock_fprog *fprog, unsigned int flags)
{
	if ((flags & ~(unsigned int)SECCOMP_FILTER_FLAG_TSYNC) != 0 ||
	    ((flags & SECCOMP_FILTER_FLAG_TSYNC) && !single_threaded())) {
		errno = ENOSYS;
		return -1;
	}
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fprog, 0, 0);
}

bool hr_seccomp_has_listener(const struct hr_seccomp_program *prog)
{
	return prog != NULL && (prog->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0;
}

int hr_seccomp_install(const struct hr_seccomp_program *prog, int *listener_fd, struct hr_err *err)
{
	struct sock_fprog fprog;
	long rc;

	*listener_fd = -1;
	if (prog == NULL)
		return 0;
	fprog.len = prog->len;
	fprog.filter = prog->filter;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog->flags, &fprog);
	if (rc < 0 && errno == ENOSYS)
		rc = install_with_prctl(&fprog, prog->flags);
	if (rc < 0 && errno == EACCES)
		return hr_err_sys(err, "install seccomp filter: no_new_privs is not set and "
				       "CAP_SYS_ADMIN is not held");
	if (rc < 0 && errno == ESRCH && (prog->flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
		return hr_err_set(err, EBUSY,
				  "install seccomp filter: a thread could not be synchronized");
	if (rc < 0)
		return hr_err_sys(err, "install seccomp filter (%u instructions, flags 0x%x)",
				  (unsigned)prog->len, prog->flags);
	if (prog->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
		*listener_fd = (int)rc;
		return 0;
	}
	if (rc > 0)
		return hr_err_set(
		    err, EBUSY, "install seccomp filter: thread %ld could not be synchronized", rc);
	return 0;
}
