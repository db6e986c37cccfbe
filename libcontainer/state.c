/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_manager.h"
#include "cleanup.h"
#include "json.h"
#include "log.h"

#define STATE_FILE     "state.json"
#define STATE_TMP_FILE ".state.json.tmp"
#define INIT_FILE      "init.pid"
#define INIT_TMP_FILE  ".init.pid.tmp"
/*
 * The state carries the config's annotations, which may fill the config's own limit: a state
 * the reader refused would leave a created container that neither start nor delete can reach.
 * Twice the config's limit covers annotations re-encoded and the state's own fields.
 */
#define STATE_MAX_SIZE (2 * HR_CONFIG_MAX_SIZE)

/* The rule, as every refusal states it. */
#define ID_RULE                                                                                    \
	"an ID is 1 to 1024 bytes among letters, digits and _+-., and is not \".\" or \"..\""
_Static_assert(HR_ID_MAX == 1024, "ID_RULE spells HR_ID_MAX out");

static bool id_char_allowed(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '+' || c == '-' || c == '.';
}

int hr_id_validate(const char *id, struct hr_err *err)
{
	size_t len = strnlen(id, HR_ID_MAX + 1);
	bool ok = len > 0 && len <= HR_ID_MAX && strcmp(id, ".") != 0 && strcmp(id, "..") != 0;

	for (const char *p = id; ok && *p; p++)
		ok = id_char_allowed(*p);
	if (ok)
		return 0;
	/* no strerror: the rule is the cause; the errno is for callers that test it */
	hr_err_set(err, 0, "invalid container ID \"%.64s\"%s: " ID_RULE, id,
		   len > 64 ? " (shortened)" : "");
	err->errnum = EINVAL;
	return -1;
}

static int mkdir_root(const char *root, struct hr_err *err)
{
	char path[4096];
	size_t len = strlen(root);

	if (len >= sizeof(path))
		return hr_err_set(err, ENAMETOOLONG, "state directory %.64s...", root);
	memcpy(path, root, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0711) < 0 && errno != EEXIST)
			return hr_err_sys(err, "create state directory %s", path);
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return hr_err_sys(err, "create state directory %s", path);
	return 0;
}

static int lock_dir(struct hr_container_dir *dir, const char *id, struct hr_err *err)
{
	struct stat st;

	if (flock(dir->fd, LOCK_EX) < 0)
		return hr_err_sys(err, "lock container %s", id);
	/* another command may have removed the container while we waited for the lock */
	if (fstat(dir->fd, &st) < 0)
		return hr_err_sys(err, "stat %s", dir->path);
	if (st.st_nlink == 0)
		return hr_err_set(err, ENOENT, "container %s does not exist", id);
	return 0;
}

/* A rootless caller without XDG_RUNTIME_DIR has no default state directory (rootless.h). */
static int check_root(const char *root, struct hr_err *err)
{
	if (root != NULL)
		return 0;
	return hr_err_set(err, 0,
			  "no state directory: hardrun runs rootless (uid %u) and XDG_RUNTIME_DIR "
			  "is not set: set it, or give --root DIR",
			  (unsigned)geteuid());
}

static int set_dir_path(struct hr_container_dir *dir, const char *root, const char *id,
			struct hr_err *err)
{
	if (check_root(root, err) < 0)
		return -1;
	if ((size_t)snprintf(dir->path, sizeof(dir->path), "%s/%s", root, id) >= sizeof(dir->path))
		return hr_err_set(err, ENAMETOOLONG, "state directory of container %.64s", id);
	return 0;
}

int hr_container_dir_create(const char *root, const char *id, struct hr_container_dir *dir,
			    struct hr_err *err)
{
	dir->fd = -1;
	if (hr_id_validate(id, err) < 0 || set_dir_path(dir, root, id, err) < 0 ||
	    mkdir_root(root, err) < 0)
		return -1;
	if (mkdir(dir->path, 0711) < 0) {
		if (errno == EEXIST)
			return hr_err_set(err, EEXIST, "container %s already exists", id);
		return hr_err_sys(err, "create %s", dir->path);
	}
	dir->fd = open(dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir->fd < 0)
		return hr_err_sys(err, "open %s", dir->path);
	return lock_dir(dir, id, err);
}

/* The state directory's fd, without its lock. */
static int open_dir(const char *root, const char *id, struct hr_container_dir *dir,
		    struct hr_err *err)
{
	dir->fd = -1;
	if (hr_id_validate(id, err) < 0 || set_dir_path(dir, root, id, err) < 0)
		return -1;
	dir->fd = open(dir->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir->fd < 0) {
		if (errno == ENOENT)
			return hr_err_set(err, ENOENT, "container %s does not exist", id);
		return hr_err_sys(err, "open %s", dir->path);
	}
	return 0;
}

int hr_container_dir_open(const char *root, const char *id, struct hr_container_dir *dir,
			  struct hr_err *err)
{
	if (open_dir(root, id, dir, err) < 0)
		return -1;
	return lock_dir(dir, id, err);
}

int hr_container_dir_peek(const char *root, const char *id, struct hr_container_dir *dir,
			  struct hr_err *err)
{
	return open_dir(root, id, dir, err);
}

void hr_container_dir_close(struct hr_container_dir *dir)
{
	if (dir->fd >= 0)
		close(dir->fd);
	dir->fd = -1;
}

/* A subdirectory of the state directory (notify/): its files, then itself. */
static int remove_subdir(const struct hr_container_dir *dir, const char *name, struct hr_err *err)
{
	int fd = openat(dir->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_dir_ DIR *d = NULL;
	struct dirent *de;

	if (fd < 0)
		return hr_err_sys(err, "open %s/%s", dir->path, name);
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return hr_err_sys(err, "read %s/%s", dir->path, name);
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
			return hr_err_sys(err, "remove %s/%s/%s", dir->path, name, de->d_name);
	}
	if (unlinkat(dir->fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return hr_err_sys(err, "remove %s/%s", dir->path, name);
	return 0;
}

int hr_container_dir_remove(struct hr_container_dir *dir, struct hr_err *err)
{
	_cleanup_dir_ DIR *d = NULL;
	int fd = fcntl(dir->fd, F_DUPFD_CLOEXEC, 3);
	struct dirent *de;

	if (fd < 0)
		return hr_err_sys(err, "dup fd of %s", dir->path);
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return hr_err_sys(err, "read %s", dir->path);
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dir->fd, de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR)
			return hr_err_sys(err, "remove %s/%s", dir->path, de->d_name);
		if (remove_subdir(dir, de->d_name, err) < 0)
			return -1;
	}
	if (rmdir(dir->path) < 0 && errno != ENOENT)
		return hr_err_sys(err, "remove %s", dir->path);
	return 0;
}

static void gen_state(yajl_gen g, const struct hr_state *state, const char *status, bool internal,
		      const struct hr_state_extra *extra)
{
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "ociVersion", HR_OCI_VERSION);
	hr_jgen_kv_str(g, "id", state->id);
	hr_jgen_kv_i64(g, "pid", internal || strcmp(status, "stopped") != 0 ? state->pid : 0);
	hr_jgen_kv_str(g, "status", status);
	hr_jgen_kv_str(g, "bundle", state->bundle);
	hr_jgen_kv_str(g, "rootfs", state->rootfs);
	hr_jgen_kv_str(g, "created", state->created);
	hr_jgen_kv_i64(g, "owner", (int64_t)state->owner);
	if (state->n_annotations > 0 && !(internal && state->annotations_in_config)) {
		hr_jgen_key(g, "annotations");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < state->n_annotations; i++)
			hr_jgen_kv_str(g, state->annotations[i].key, state->annotations[i].value);
		yajl_gen_map_close(g);
	}
	if (internal) {
		hr_jgen_key(g, "hardrun");
		yajl_gen_map_open(g);
		hr_jgen_kv_u64(g, "pidStartTime", state->pid_start_time);
		if (state->cgroup_path != NULL)
			hr_jgen_kv_str(g, "cgroupPath", state->cgroup_path);
		hr_jgen_kv_bool(g, "systemdCgroup", state->cgroup_manager == HR_CGROUP_SYSTEMD);
		if (state->cgroup_parents_created > 0)
			hr_jgen_kv_i64(g, "cgroupParentsCreated", state->cgroup_parents_created);
		if (state->annotations_in_config)
			hr_jgen_kv_bool(g, "annotationsInConfig", true);
		if (state->hook_kinds_known) {
			hr_jgen_key(g, "hooks");
			yajl_gen_array_open(g);
			for (int k = 0; k < HR_HOOK__COUNT; k++)
				if (state->hook_kinds & (1u << k))
					hr_jgen_str(g, hr_hook_kind_name((enum hr_hook_kind)k));
			yajl_gen_array_close(g);
		}
		yajl_gen_map_close(g);
	}
	if (extra != NULL)
		extra->gen(g, extra->arg);
	yajl_gen_map_close(g);
}

void hr_state_gen_oci(yajl_gen g, const struct hr_state *state, enum hr_status status)
{
	gen_state(g, state, hr_status_name(status), false, NULL);
}

static char *state_to_json(const struct hr_state *state, const char *status, bool internal,
			   bool pretty, const struct hr_state_extra *extra)
{
	_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(pretty);

	gen_state(g, state, status, internal, extra);
	return hr_jgen_dup(g, false, NULL);
}

char *hr_state_oci_json(const struct hr_state *state, enum hr_status status, bool pretty)
{
	return state_to_json(state, hr_status_name(status), false, pretty, NULL);
}

char *hr_state_oci_json_extra(const struct hr_state *state, enum hr_status status, bool pretty,
			      const struct hr_state_extra *extra)
{
	return state_to_json(state, hr_status_name(status), false, pretty, extra);
}

int hr_state_write(const struct hr_container_dir *dir, const struct hr_state *state,
		   struct hr_err *err)
{
	_cleanup_free_ char *text = state_to_json(state, "created", true, false, NULL);
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);

	fd = openat(dir->fd, STATE_TMP_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (fd < 0)
		return hr_err_sys(err, "create %s/%s", dir->path, STATE_TMP_FILE);
	if (write(fd, text, len) != (ssize_t)len)
		return hr_err_sys(err, "write %s/%s", dir->path, STATE_TMP_FILE);
	if (renameat(dir->fd, STATE_TMP_FILE, dir->fd, STATE_FILE) < 0)
		return hr_err_sys(err, "rename %s/%s", dir->path, STATE_FILE);
	return 0;
}

int hr_init_record_write(const struct hr_container_dir *dir, pid_t pid, uint64_t start_time,
			 struct hr_err *err)
{
	_cleanup_close_ int fd = -1;
	char text[64];
	int len = snprintf(text, sizeof(text), "%d %" PRIu64 "\n", (int)pid, start_time);

	fd = openat(dir->fd, INIT_TMP_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (fd < 0)
		return hr_err_sys(err, "create %s/%s", dir->path, INIT_TMP_FILE);
	if (write(fd, text, (size_t)len) != len)
		return hr_err_sys(err, "write %s/%s", dir->path, INIT_TMP_FILE);
	if (renameat(dir->fd, INIT_TMP_FILE, dir->fd, INIT_FILE) < 0)
		return hr_err_sys(err, "rename %s/%s", dir->path, INIT_FILE);
	return 0;
}

int hr_init_record_read(const struct hr_container_dir *dir, pid_t *pid, uint64_t *start_time,
			struct hr_err *err)
{
	_cleanup_close_ int fd = openat(dir->fd, INIT_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char text[64];
	ssize_t n;
	int p;

	if (fd < 0)
		return hr_err_sys(err, "open %s/%s", dir->path, INIT_FILE);
	n = read(fd, text, sizeof(text) - 1);
	if (n < 0)
		return hr_err_sys(err, "read %s/%s", dir->path, INIT_FILE);
	text[n] = '\0';
	if (sscanf(text, "%d %" SCNu64, &p, start_time) != 2 || p <= 0)
		return hr_err_set(err, EINVAL, "%s/%s: not \"PID START_TIME\"", dir->path,
				  INIT_FILE);
	*pid = (pid_t)p;
	return 0;
}

/* The string members of an "annotations" object (anything else: none). */
static void read_annotations(struct hr_arena *arena, yajl_val annotations, struct hr_state *state)
{
	size_t n;

	if (!YAJL_IS_OBJECT(annotations))
		return;
	n = annotations->u.object.len;
	state->annotations = hr_arena_array(arena, n, sizeof(struct hr_kv));
	state->n_annotations = 0;
	for (size_t i = 0; i < n; i++) {
		yajl_val value = annotations->u.object.values[i];

		if (!YAJL_IS_STRING(value))
			continue;
		state->annotations[state->n_annotations].key =
		    hr_arena_strdup(arena, annotations->u.object.keys[i]);
		state->annotations[state->n_annotations++].value =
		    hr_arena_strdup(arena, value->u.string);
	}
}

/* "hooks": the names of the kinds the config has; a name this hardrun does not know fails. */
static bool read_hook_kinds(yajl_val v, struct hr_state *state)
{
	if (!YAJL_IS_ARRAY(v))
		return false;
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val name = v->u.array.values[i];
		int k = 0;

		if (!YAJL_IS_STRING(name))
			return false;
		while (k < HR_HOOK__COUNT &&
		       strcmp(hr_hook_kind_name((enum hr_hook_kind)k), name->u.string) != 0)
			k++;
		if (k == HR_HOOK__COUNT)
			return false;
		state->hook_kinds |= 1u << k;
	}
	state->hook_kinds_known = true;
	return true;
}

/* The member key of section (NULL: the document) with ctx's path set to it, for messages. */
static yajl_val field(struct hr_jctx *ctx, yajl_val root, const char *section, const char *key)
{
	hr_jpath_pop(ctx, 0);
	if (section != NULL) {
		hr_jpath_key(ctx, section);
		root = hr_json_member(root, section);
	}
	hr_jpath_key(ctx, key);
	return hr_json_member(root, key);
}

/* A field every state hardrun writes has: its absence is named. */
static yajl_val required(struct hr_jctx *ctx, yajl_val root, const char *section, const char *key)
{
	yajl_val v = field(ctx, root, section, key);

	if (v == NULL)
		hr_jerror(ctx, "missing");
	return v;
}

static bool read_state_fields(struct hr_jctx *ctx, yajl_val root, struct hr_state *state)
{
	yajl_val v;
	int64_t pid = 0, owner = 0, parents = 0;
	bool ok = true, systemd = false;

	ok = (v = required(ctx, root, NULL, "id")) && hr_jread_string(ctx, v, &state->id) && ok;
	ok = (v = required(ctx, root, NULL, "bundle")) && hr_jread_string(ctx, v, &state->bundle) &&
	     ok;
	ok = (v = required(ctx, root, NULL, "rootfs")) && hr_jread_string(ctx, v, &state->rootfs) &&
	     ok;
	ok = (v = required(ctx, root, NULL, "created")) &&
	     hr_jread_string(ctx, v, &state->created) && ok;
	ok = (v = required(ctx, root, NULL, "pid")) &&
	     hr_jread_int_range(ctx, v, 0, INT32_MAX, &pid) && ok;
	ok = (v = required(ctx, root, NULL, "owner")) &&
	     hr_jread_int_range(ctx, v, 0, UINT32_MAX, &owner) && ok;
	ok = (v = required(ctx, root, "hardrun", "pidStartTime")) &&
	     hr_jread_u64(ctx, v, &state->pid_start_time) && ok;
	if ((v = field(ctx, root, "hardrun", "cgroupPath")) != NULL)
		ok = hr_jread_string(ctx, v, &state->cgroup_path) && ok;
	if ((v = field(ctx, root, "hardrun", "systemdCgroup")) != NULL)
		ok = hr_jread_bool(ctx, v, &systemd) && ok;
	if ((v = field(ctx, root, "hardrun", "cgroupParentsCreated")) != NULL)
		ok = hr_jread_int_range(ctx, v, 0, 2048, &parents) && ok;
	state->cgroup_parents_created = (int)parents;
	if ((v = field(ctx, root, "hardrun", "hooks")) != NULL && !read_hook_kinds(v, state))
		ok = hr_jerror(ctx, "expected an array of hook kinds");
	/* a state without systemdCgroup (or with false) was made by cgroupfs */
	state->cgroup_manager = systemd ? HR_CGROUP_SYSTEMD : HR_CGROUP_CGROUPFS;
	if (state->cgroup_path == NULL)
		state->cgroup_manager = HR_CGROUP_DISABLED;
	state->pid = (pid_t)pid;
	state->owner = (uid_t)owner;
	if ((v = field(ctx, root, "hardrun", "annotationsInConfig")) != NULL)
		ok = hr_jread_bool(ctx, v, &state->annotations_in_config) && ok;
	read_annotations(ctx->arena, hr_json_member(root, "annotations"), state);
	hr_jpath_pop(ctx, 0);
	return ok;
}

int hr_state_parse(const char *data, size_t len, const char *name, struct hr_arena *arena,
		   struct hr_state *state, struct hr_err *err)
{
	_cleanup_yajl_tree_ yajl_val root = NULL;
	struct hr_diags diags = {0};
	struct hr_jctx ctx;

	memset(state, 0, sizeof(*state));
	root = hr_json_parse(data, len, name, &diags);
	hr_jctx_init(&ctx, name, arena, &diags);
	/* every diagnostic is an error: none may be dropped with the state accepted */
	if (root == NULL || !read_state_fields(&ctx, root, state) || diags.len > 0) {
		if (diags.len == 0)
			hr_diags_add(&diags, "%s: incomplete state", name);
		hr_diags_to_err(&diags, err);
		hr_diags_free(&diags);
		return -1;
	}
	return 0;
}

int hr_state_read(const struct hr_container_dir *dir, struct hr_arena *arena,
		  struct hr_state *state, struct hr_err *err)
{
	_cleanup_close_ int fd = openat(dir->fd, STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *data = NULL;
	size_t len;
	char name[4200];

	snprintf(name, sizeof(name), "%s/%s", dir->path, STATE_FILE);
	memset(state, 0, sizeof(*state));
	if (fd < 0) {
		/* we hold the lock, so no create is running: one was interrupted */
		if (errno == ENOENT)
			return hr_err_set(err, ENODATA,
					  "container %s does not exist: an interrupted create left "
					  "its directory (hardrun delete removes it)",
					  strrchr(dir->path, '/') + 1);
		return hr_err_sys(err, "open %s", name);
	}
	if (hr_read_fd(fd, name, STATE_MAX_SIZE, &data, &len, err) < 0)
		return -1;
	return hr_state_parse(data, len, name, arena, state, err);
}

int hr_state_load_annotations(const struct hr_container_dir *dir, struct hr_arena *arena,
			      struct hr_state *state, struct hr_err *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *data = NULL;
	_cleanup_yajl_tree_ yajl_val root = NULL;
	struct hr_diags diags = {0};
	size_t len;
	char name[4200];

	if (!state->annotations_in_config || state->n_annotations > 0)
		return 0;
	snprintf(name, sizeof(name), "%s/%s", dir->path, HR_CONFIG_COPY);
	fd = openat(dir->fd, HR_CONFIG_COPY, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return hr_err_sys(err, "open %s", name);
	if (hr_read_fd(fd, name, HR_CONFIG_MAX_SIZE, &data, &len, err) < 0)
		return -1;
	root = hr_json_parse_terminated(data, len, name, &diags);
	if (root == NULL) {
		hr_diags_to_err(&diags, err);
		hr_diags_free(&diags);
		return -1;
	}
	read_annotations(arena, hr_json_member(root, "annotations"), state);
	return 0;
}

void hr_state_annotations_from(struct hr_state *state, const struct hr_config *config)
{
	if (state->annotations_in_config && state->n_annotations == 0) {
		state->annotations = config->annotations;
		state->n_annotations = config->n_annotations;
	}
}

int hr_proc_start_time_at(int dirfd, const char *name, uint64_t *start_time, char *proc_state)
{
	char buf[1024];
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	char *p;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EIO;
	buf[n] = '\0';
	/* the command name may contain spaces and parentheses: fields start after the last ')' */
	p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ')
		return -EIO;
	p += 2;
	if (proc_state != NULL)
		*proc_state = *p;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return -EIO;
		p++;
	}
	*start_time = strtoull(p, NULL, 10);
	return 0;
}

int hr_proc_start_time(pid_t pid, uint64_t *start_time, char *proc_state)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return hr_proc_start_time_at(AT_FDCWD, path, start_time, proc_state);
}

int hr_pidfd_open_verified(pid_t pid, uint64_t start_time, int *pidfd, struct hr_err *err)
{
	_cleanup_close_ int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	uint64_t now;
	char proc_state;

	if (fd < 0) {
		if (errno == ESRCH)
			return -ESRCH;
		return hr_err_sys(err, "pidfd_open %d", (int)pid);
	}
	/* checked after opening: if the start time still matches, fd refers to our process */
	if (hr_proc_start_time(pid, &now, &proc_state) < 0 || now != start_time)
		return -ESRCH;
	*pidfd = steal_fd(&fd);
	return 0;
}

struct hr_cgroup_handle hr_state_cgroup(const struct hr_state *state)
{
	return (struct hr_cgroup_handle){
	    .manager = state->cgroup_path != NULL ? state->cgroup_manager : HR_CGROUP_DISABLED,
	    .path = state->cgroup_path,
	    .parents_created = state->cgroup_parents_created,
	};
}

enum hr_status hr_state_status(const struct hr_container_dir *dir, const struct hr_state *state)
{
	struct hr_cgroup_handle cg = hr_state_cgroup(state);
	uint64_t start_time;
	char proc_state = '?';

	if (state->pid <= 0 || hr_proc_start_time(state->pid, &start_time, &proc_state) < 0 ||
	    start_time != state->pid_start_time || proc_state == 'Z' || proc_state == 'X')
		return HR_STATUS_STOPPED;
	if (faccessat(dir->fd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return HR_STATUS_CREATED;
	if (hr_cgroup_is_frozen(&cg) == 1)
		return HR_STATUS_PAUSED;
	return HR_STATUS_RUNNING;
}

const char *hr_status_name(enum hr_status status)
{
	static const char *const names[] = {
	    [HR_STATUS_CREATING] = "creating", [HR_STATUS_CREATED] = "created",
	    [HR_STATUS_RUNNING] = "running",   [HR_STATUS_PAUSED] = "paused",
	    [HR_STATUS_STOPPED] = "stopped",
	};
	return names[status];
}

int hr_state_foreach(const char *root,
		     int (*fn)(const struct hr_state *state, enum hr_status status, void *data),
		     void *data, struct hr_err *err)
{
	_cleanup_dir_ DIR *d = NULL;
	struct dirent *de;

	if (check_root(root, err) < 0)
		return -1;
	d = opendir(root);
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		return hr_err_sys(err, "open state directory %s", root);
	}
	while ((de = readdir(d)) != NULL) {
		struct hr_container_dir dir = {.fd = -1};
		struct hr_arena arena = {0};
		struct hr_state state;
		struct hr_err ignored;
		int r = 0;

		if (de->d_name[0] == '.' || hr_id_validate(de->d_name, &ignored) < 0)
			continue;
		if (set_dir_path(&dir, root, de->d_name, &ignored) < 0)
			continue;
		dir.fd =
		    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (dir.fd >= 0 && hr_state_read(&dir, &arena, &state, &ignored) == 0)
			r = fn(&state, hr_state_status(&dir, &state), data);
		hr_container_dir_close(&dir);
		hr_arena_free(&arena);
		if (r < 0)
			return r;
	}
	return 0;
}

void hr_state_init_new(struct hr_state *st, const char *id, const char *bundle, const char *rootfs,
		       const struct hr_config *config, char *created, size_t created_size)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	hr_format_rfc3339(created, created_size, now.tv_sec, now.tv_nsec);
	st->id = (char *)id;
	st->bundle = (char *)bundle;
	st->rootfs = (char *)rootfs;
	st->created = created;
	st->owner = geteuid();
	st->annotations = config->annotations;
	st->n_annotations = config->n_annotations;
	st->hook_kinds = 0;
	for (int k = 0; k < HR_HOOK__COUNT; k++)
		if (config->hooks[k].len > 0)
			st->hook_kinds |= 1u << k;
	st->hook_kinds_known = true;
	/* a policy's change is not in the copy of config.json: then state.json keeps them all */
	st->annotations_in_config = !config->annotations_changed;
}
