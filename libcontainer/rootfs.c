/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rootfs plan: everything the child will do to the container's filesystem, decided in the
 * parent from the config. The child side is rootfs_child.c.
 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "namespaces.h"
#include "paths.h"

/*
 * Files under /proc that may be covered by a mount (the ones lxcfs emulates), as runc allows;
 * anything else inside /proc is refused so that a config cannot hide or replace a procfs file.
 */
static const char *const proc_allowed[] = {
    "proc/cpuinfo", "proc/diskstats",
    "proc/meminfo", "proc/stat",
    "proc/swaps",   "proc/uptime",
    "proc/loadavg", "proc/slabinfo",
    "proc/net/dev", "proc/sys/kernel/ns_last_pid",
};

static const struct {
	const char *name;
	unsigned int major;
	unsigned int minor;
} default_devices[] = {
    {"null", 1, 3}, {"zero", 1, 5},   {"full", 1, 7},
    {"tty", 5, 0},  {"random", 1, 8}, {"urandom", 1, 9},
};

static const struct {
	const char *name;
	const char *target;
} default_symlinks[] = {
    {"fd", "/proc/self/fd"},	   {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int resolve_dir(struct hr_arena *arena, const char *what, const char *path, const char **out,
		       struct hr_err *err)
{
	_cleanup_free_ char *real = realpath(path, NULL);
	struct stat st;

	if (real == NULL)
		return hr_err_sys(err, "%s %s: resolve", what, path);
	if (stat(real, &st) < 0)
		return hr_err_sys(err, "%s %s: stat", what, path);
	if (!S_ISDIR(st.st_mode))
		return hr_err_set(err, ENOTDIR, "%s %s", what, path);
	*out = hr_arena_strdup(arena, real);
	return 0;
}

static const char *join_bundle(struct hr_arena *arena, const char *bundle, const char *path)
{
	if (path[0] == '/')
		return hr_arena_strdup(arena, path);
	return hr_arena_printf(arena, "%s/%s", bundle, path);
}

static int check_proc_destination(struct hr_rootfs_mount *m, struct hr_err *err)
{
	if (strcmp(m->destination, "proc") == 0) {
		if (m->check == HR_ROOTFS_CHECK_PROC)
			return 0;
		return hr_err_set(err, EPERM,
				  "mount to %s: only a proc filesystem may be mounted there",
				  m->display);
	}
	if (strncmp(m->destination, "proc/", 5) != 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(proc_allowed); i++) {
		if (strcmp(m->destination, proc_allowed[i]) == 0) {
			m->under_proc_ok = true;
			return 0;
		}
	}
	return hr_err_set(err, EPERM, "mount to %s: mounts inside /proc are not allowed",
			  m->display);
}

static int plan_bind(const struct hr_mount *cm, const char *bundle, struct hr_arena *arena,
		     struct hr_rootfs_mount *m, struct hr_err *err)
{
	if (cm->source == NULL || cm->source[0] == '\0')
		return hr_err_set(err, EINVAL, "bind mount to %s: the source is missing",
				  m->display);
	m->kind = HR_ROOTFS_MOUNT_BIND;
	m->is_bind = true;
	m->flags |= MS_BIND;
	m->source = join_bundle(arena, bundle, cm->source);
	return 0;
}

static int plan_fs(const struct hr_mount *cm, struct hr_rootfs_mount *m, struct hr_err *err)
{
	const char *type = cm->type;

	if (type == NULL || type[0] == '\0')
		return hr_err_set(err, EINVAL, "mount to %s: no type and no bind option",
				  m->display);
	m->kind = HR_ROOTFS_MOUNT_FS;
	m->fstype = type;
	if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) {
		m->kind = HR_ROOTFS_MOUNT_CGROUP;
		m->fstype = "cgroup2";
	} else if (strcmp(type, "proc") == 0) {
		m->check = HR_ROOTFS_CHECK_PROC;
	} else if (strcmp(type, "sysfs") == 0) {
		m->check = HR_ROOTFS_CHECK_SYSFS;
	}
	m->source = cm->source != NULL ? cm->source : m->fstype;
	/* /dev gets its devices and a tmpfs may get submounts before either turns read-only. */
	m->defer_readonly = (m->attr_set & MOUNT_ATTR_RDONLY) != 0 &&
			    (strcmp(m->fstype, "tmpfs") == 0 || strcmp(m->destination, "dev") == 0);
	return 0;
}

/* As crun: the copy fills a new tmpfs, and nothing else (a bind would copy onto its source). */
static int plan_tmpcopyup(struct hr_rootfs_mount *m, struct hr_err *err)
{
	if (m->kind != HR_ROOTFS_MOUNT_FS || strcmp(m->fstype, "tmpfs") != 0)
		return hr_err_set(err, EINVAL,
				  "mount to %s: mount option tmpcopyup: only a new tmpfs can be "
				  "filled with a copy",
				  m->display);
	m->tmpcopyup = true;
	return 0;
}

static int plan_mount(const struct hr_mount *cm, const char *bundle, struct hr_arena *arena,
		      struct hr_rootfs_mount *m, struct hr_err *err)
{
	struct hr_mountopts o;
	char *dest;

	if (hr_path_clean_relative(arena, "mount destination", cm->destination, false, &dest, err) <
	    0)
		return -1;
	m->destination = dest;
	m->display = cm->destination;
	if (hr_mountopts_parse(cm->options, cm->n_options, arena, &o, err) < 0)
		return hr_err_prefix(err, "mount to %s", m->display);
	m->flags = o.flags;
	m->cleared = o.cleared;
	m->propagation = o.propagation;
	m->attr_set = o.attr_set;
	m->attr_clr = o.attr_clr;
	m->rec_attr_set = o.rec_attr_set;
	m->rec_attr_clr = o.rec_attr_clr;
	m->data = o.data;
	m->params = o.params;
	m->n_params = o.n_params;
	m->recursive = o.recursive;
	m->idmap = o.idmap || cm->n_uid_mappings > 0 || cm->n_gid_mappings > 0;
	m->idmap_recursive = o.idmap_recursive;
	if (o.bind || (cm->type != NULL && strcmp(cm->type, "bind") == 0)) {
		if (plan_bind(cm, bundle, arena, m, err) < 0)
			return -1;
	} else if (plan_fs(cm, m, err) < 0) {
		return -1;
	}
	if (m->flags & MS_REMOUNT)
		m->kind = HR_ROOTFS_MOUNT_REMOUNT;
	if (o.tmpcopyup && plan_tmpcopyup(m, err) < 0)
		return -1;
	return check_proc_destination(m, err);
}

/*
 * The mapping of an idmapped bind: the mount's own, else the container's user namespace's
 * (runc and crun do the same for a bare idmap option).
 */
static int plan_idmap(const struct hr_mount *cm, const struct hr_linux *l,
		      struct hr_rootfs_mount *m, struct hr_err *err)
{
	if (!m->is_bind)
		return hr_err_set(err, EINVAL,
				  "mount to %s: only bind mounts can be idmapped (uidMappings, "
				  "idmap, ridmap)",
				  m->display);
	if (cm->n_uid_mappings > 0) {
		m->uid_map = cm->uid_mappings;
		m->n_uid_map = cm->n_uid_mappings;
		m->gid_map = cm->gid_mappings;
		m->n_gid_map = cm->n_gid_mappings;
		return 0;
	}
	if (l->n_uid_mappings == 0 || l->n_gid_mappings == 0)
		return hr_err_set(
		    err, EINVAL,
		    "mount to %s: idmap without uidMappings and gidMappings takes the "
		    "user namespace's mapping, and linux.uidMappings/gidMappings "
		    "are empty",
		    m->display);
	m->uid_map = l->uid_mappings;
	m->n_uid_map = l->n_uid_mappings;
	m->gid_map = l->gid_mappings;
	m->n_gid_map = l->n_gid_mappings;
	return 0;
}

/*
 * linux.mountLabel: the SELinux context of the filesystems the container gets (runc and crun
 * give it as context=), not of proc, sysfs and cgroup, which keep their own, nor of binds,
 * which show their source's. An explicit context option wins. hr_lsm_check has refused a
 * label on a host without SELinux.
 */
static void plan_mount_label(struct hr_rootfs_mount *m, const char *label, struct hr_arena *arena)
{
	struct hr_fsparam *params;

	if (label == NULL || *label == '\0' || m->kind != HR_ROOTFS_MOUNT_FS ||
	    m->check != HR_ROOTFS_CHECK_NONE)
		return;
	for (size_t i = 0; i < m->n_params; i++)
		if (strcmp(m->params[i].key, "context") == 0)
			return;
	params = hr_arena_array(arena, m->n_params + 1, sizeof(*params));
	if (m->n_params > 0)
		memcpy(params, m->params, m->n_params * sizeof(*params));
	params[m->n_params] = (struct hr_fsparam){.key = "context", .value = label};
	m->params = params;
	m->n_params++;
}

static int plan_mounts(struct hr_rootfs_plan *p, const struct hr_config *c, const char *bundle,
		       struct hr_arena *arena, struct hr_err *err)
{
	p->mounts = hr_arena_array(arena, c->n_mounts, sizeof(*p->mounts));
	for (size_t i = 0; i < c->n_mounts; i++) {
		struct hr_rootfs_mount *m = &p->mounts[i];

		if (plan_mount(&c->mounts[i], bundle, arena, m, err) < 0)
			return -1;
		if (m->idmap && plan_idmap(&c->mounts[i], &c->linux_cfg, m, err) < 0)
			return -1;
		plan_mount_label(m, c->linux_cfg.mount_label, arena);
		p->n_mounts++;
		if (strcmp(m->destination, "proc") == 0)
			p->mounts_proc =
			    true; /* only a procfs may go there (check_proc_destination) */
		if (strcmp(m->destination, "dev") == 0) {
			p->dev_is_bind = m->is_bind;
			p->dev_is_tmpfs =
			    !m->is_bind && m->fstype != NULL && strcmp(m->fstype, "tmpfs") == 0;
		}
	}
	return 0;
}

static int device_type(const struct hr_device *d, mode_t *type, struct hr_err *err)
{
	switch (d->type) {
	case 'c':
	case 'u':
		*type = S_IFCHR;
		break;
	case 'b':
		*type = S_IFBLK;
		break;
	case 'p':
		*type = S_IFIFO;
		return 0;
	default:
		return hr_err_set(err, EINVAL, "device %s: unknown type '%c'", d->path, d->type);
	}
	if (d->major < 0 || d->major > UINT32_MAX || d->minor < 0 || d->minor > UINT32_MAX)
		return hr_err_set(err, EINVAL, "device %s: major/minor out of range", d->path);
	return 0;
}

static void set_device_path(struct hr_arena *arena, struct hr_rootfs_device *out, char *rel)
{
	char *parent, *name;

	hr_path_split(arena, rel, &parent, &name);
	out->path = rel;
	out->parent = parent;
	out->name = name;
	out->host_path = hr_arena_printf(arena, "/%s", rel);
}

static int plan_config_device(struct hr_arena *arena, const struct hr_device *d,
			      struct hr_rootfs_device *out, struct hr_err *err)
{
	char *rel;

	if (hr_path_clean_relative(arena, "device", d->path, false, &rel, err) < 0)
		return -1;
	if (device_type(d, &out->type, err) < 0)
		return -1;
	set_device_path(arena, out, rel);
	if (out->type != S_IFIFO)
		out->rdev = makedev((unsigned int)d->major, (unsigned int)d->minor);
	out->mode = d->has_file_mode ? (d->file_mode & 07777) : 0666;
	out->uid = d->has_uid ? d->uid : 0;
	out->gid = d->has_gid ? d->gid : 0;
	return 0;
}

static bool config_has_device(const struct hr_config *c, const char *rel, struct hr_arena *arena)
{
	struct hr_err ignored;

	for (size_t i = 0; c->has_linux && i < c->linux_cfg.n_devices; i++) {
		char *other;

		if (hr_path_clean_relative(arena, "device", c->linux_cfg.devices[i].path, false,
					   &other, &ignored) == 0 &&
		    strcmp(other, rel) == 0)
			return true;
	}
	return false;
}

/*
 * linux.devices unless /dev comes from the host; the default set (a config entry with the same
 * path wins) only on a tmpfs /dev the config provides. /dev/ptmx is always the symlink to
 * pts/ptmx, never a node, as in runc.
 */
static int plan_devices(struct hr_rootfs_plan *p, const struct hr_config *c, struct hr_arena *arena,
			struct hr_err *err)
{
	size_t n_cfg = (c->has_linux && !p->dev_is_bind) ? c->linux_cfg.n_devices : 0;

	p->devices =
	    hr_arena_array(arena, ARRAY_SIZE(default_devices) + n_cfg, sizeof(*p->devices));
	for (size_t i = 0; p->dev_is_tmpfs && i < ARRAY_SIZE(default_devices); i++) {
		struct hr_rootfs_device *d = &p->devices[p->n_devices];
		char *rel = hr_arena_printf(arena, "dev/%s", default_devices[i].name);

		if (config_has_device(c, rel, arena))
			continue;
		set_device_path(arena, d, rel);
		d->type = S_IFCHR;
		d->mode = 0666;
		d->rdev = makedev(default_devices[i].major, default_devices[i].minor);
		p->n_devices++;
	}
	for (size_t i = 0; i < n_cfg; i++) {
		struct hr_rootfs_device *d = &p->devices[p->n_devices];

		memset(d, 0, sizeof(*d)); /* the slot of a skipped /dev/ptmx is reused */
		if (plan_config_device(arena, &c->linux_cfg.devices[i], d, err) < 0)
			return -1;
		if (strcmp(d->path, "dev/ptmx") != 0)
			p->n_devices++;
	}
	if (!p->dev_is_tmpfs)
		return 0;
	p->symlinks = hr_arena_array(arena, ARRAY_SIZE(default_symlinks), sizeof(*p->symlinks));
	for (size_t i = 0; i < ARRAY_SIZE(default_symlinks); i++) {
		p->symlinks[i].parent = "dev";
		p->symlinks[i].name = default_symlinks[i].name;
		p->symlinks[i].target = default_symlinks[i].target;
	}
	p->n_symlinks = ARRAY_SIZE(default_symlinks);
	return 0;
}

static int plan_path_list(struct hr_arena *arena, const char *what, char **in, size_t n,
			  const char ***out, size_t *n_out, struct hr_err *err)
{
	*out = hr_arena_array(arena, n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		char *rel;

		if (hr_path_clean_relative(arena, what, in[i], false, &rel, err) < 0)
			return -1;
		(*out)[i] = rel;
	}
	*n_out = n;
	return 0;
}

/* "net.ipv4.ip_forward" -> "net/ipv4/ip_forward"; a key with '/' is a path already. */
static int plan_sysctls(struct hr_rootfs_plan *p, const struct hr_linux *l, struct hr_arena *arena,
			struct hr_err *err)
{
	p->sysctls = hr_arena_array(arena, l->n_sysctl, sizeof(*p->sysctls));
	for (size_t i = 0; i < l->n_sysctl; i++) {
		const char *key = l->sysctl[i].key;
		char *path = hr_arena_strdup(arena, key), *rel;

		if (strchr(key, '/') == NULL) {
			for (char *s = path; *s != '\0'; s++) {
				if (*s == '.')
					*s = '/';
			}
		}
		if (hr_path_clean_relative(arena, "sysctl", path, false, &rel, err) < 0)
			return -1;
		p->sysctls[i].key = key;
		p->sysctls[i].path = rel;
		p->sysctls[i].value = l->sysctl[i].value != NULL ? l->sysctl[i].value : "";
	}
	p->n_sysctls = l->n_sysctl;
	return 0;
}

static int plan_linux(struct hr_rootfs_plan *p, const struct hr_config *c, struct hr_arena *arena,
		      struct hr_err *err)
{
	const struct hr_linux *l = &c->linux_cfg;

	if (plan_devices(p, c, arena, err) < 0)
		return -1;
	if (!c->has_linux)
		return 0;
	if (l->rootfs_propagation != 0)
		p->root_propagation = l->rootfs_propagation | MS_REC;
	if (plan_path_list(arena, "masked path", l->masked_paths, l->n_masked_paths,
			   &p->masked_paths, &p->n_masked_paths, err) < 0)
		return -1;
	if (plan_path_list(arena, "readonly path", l->readonly_paths, l->n_readonly_paths,
			   &p->readonly_paths, &p->n_readonly_paths, err) < 0)
		return -1;
	return plan_sysctls(p, l, arena, err);
}

static void plan_cwd(struct hr_rootfs_plan *p, const struct hr_config *config,
		     struct hr_arena *arena)
{
	struct hr_err ignored = {0};
	char *cwd = NULL;

	if (!config->has_process || config->process.cwd == NULL)
		return;
	/* a ".." is not resolved lexically: the process's own chdir reports what it finds */
	if (hr_path_clean_relative(arena, "process.cwd", config->process.cwd, true, &cwd,
				   &ignored) < 0 ||
	    cwd[0] == '\0')
		return;
	p->cwd = cwd;
}

int hr_rootfs_plan_add_bind(struct hr_rootfs_plan *p, struct hr_arena *arena, const char *source,
			    const char *destination, struct hr_err *err)
{
	static char *options[] = {"bind", "nosuid", "nodev", "noexec", "ro"};
	struct hr_mount cm = {
	    .destination = (char *)destination,
	    .source = (char *)source,
	    .options = options,
	    .n_options = sizeof(options) / sizeof(options[0]),
	};
	struct hr_rootfs_mount *mounts = hr_arena_array(arena, p->n_mounts + 1, sizeof(*mounts));
	struct hr_rootfs_mount *m = &mounts[p->n_mounts];
	struct mount_attr attr;

	if (p->caller_mounts)
		return hr_err_set(err, EINVAL,
				  "bind mount to %s: the container has no mount namespace",
				  destination);
	if (p->n_mounts > 0)
		memcpy(mounts, p->mounts, p->n_mounts * sizeof(*mounts));
	if (plan_mount(&cm, "/", arena, m, err) < 0)
		return -1;
	m->tree_fd = open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (m->tree_fd < 0)
		return hr_err_sys(err, "bind mount %s to %s: open_tree", m->source, m->display);
	m->has_tree = true;
	p->mounts = mounts;
	p->n_mounts++;
	attr = (struct mount_attr){.attr_set = m->attr_set, .attr_clr = m->attr_clr};
	if (mount_setattr(m->tree_fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return hr_err_sys(err, "bind mount %s to %s: set mount attributes", m->source,
				  m->display);
	return 0;
}

static void close_tree(struct hr_rootfs_mount *m)
{
	if (m->has_tree && m->tree_fd >= 0)
		close(m->tree_fd);
	m->has_tree = false;
}

void hr_rootfs_plan_close(struct hr_rootfs_plan *p)
{
	if (p == NULL)
		return;
	if (p->root_idmap != NULL)
		close_tree(p->root_idmap);
	for (size_t i = 0; i < p->n_mounts; i++)
		close_tree(&p->mounts[i]);
}

/* The rootfs bound onto itself as a recursive bind, idmapped (the config check made sure of a
 * new user namespace with both mappings and of a mount namespace). */
static void plan_root_idmap(struct hr_rootfs_plan *p, const struct hr_linux *l,
			    struct hr_arena *arena)
{
	struct hr_rootfs_mount *m = hr_arena_alloc(arena, sizeof(*m));

	*m = (struct hr_rootfs_mount){
	    .destination = "",
	    .display = "/ (the rootfs)",
	    .kind = HR_ROOTFS_MOUNT_BIND,
	    .source = p->rootfs,
	    .is_bind = true,
	    .recursive = true,
	    .idmap = true,
	    .tree_fd = -1,
	    .uid_map = l->uid_mappings,
	    .n_uid_map = l->n_uid_mappings,
	    .gid_map = l->gid_mappings,
	    .n_gid_map = l->n_gid_mappings,
	};
	p->root_idmap = m;
}

int hr_rootfs_plan_build(const struct hr_config *config, const char *bundle, struct hr_arena *arena,
			 struct hr_rootfs_plan **plan, struct hr_err *err)
{
	struct hr_rootfs_plan *p = hr_arena_alloc(arena, sizeof(*p));
	const char *bundle_dir;

	if (resolve_dir(arena, "bundle", bundle != NULL ? bundle : ".", &bundle_dir, err) < 0)
		return -1;
	if (config->root_path == NULL || config->root_path[0] == '\0')
		return hr_err_set(err, EINVAL, "config: root.path is missing");
	if (resolve_dir(arena, "rootfs", join_bundle(arena, bundle_dir, config->root_path),
			&p->rootfs, err) < 0)
		return -1;
	if (strcmp(p->rootfs, "/") == 0)
		return hr_err_set(err, EINVAL, "rootfs %s: the host's root cannot be the rootfs",
				  config->root_path);
	p->root_propagation = MS_REC | MS_PRIVATE;
	p->root_readonly = config->root_readonly;
	p->terminal = config->has_process && config->process.terminal;
	/* the config check refused every mount, device and path list without a mount namespace */
	p->caller_mounts = !hr_ns_configured(config, HR_NS_MOUNT);
	if (config->root_idmap)
		plan_root_idmap(p, &config->linux_cfg, arena);
	if (plan_mounts(p, config, bundle_dir, arena, err) < 0)
		return -1;
	if (plan_linux(p, config, arena, err) < 0)
		return -1;
	plan_cwd(p, config, arena);
	*plan = p;
	return 0;
}
