/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_STATE_H
#define HR_STATE_H

/*
 * A container's state on disk: <root>/<id>/ holds
 *   state.json   what hardrun recorded at create (written atomically: temp file + rename)
 *   config.json  the configuration the container was created with
 *   exec.fifo    present while the container is "created"; `start` opens it to release init
 * Every command that acts on a container takes an exclusive flock on the directory, so that
 * concurrent commands on one ID are serialized; a directory that was removed while waiting
 * for the lock is seen as "does not exist".
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>

#include "arena.h"
#include "cgroup.h"
#include "config.h"
#include "error.h"

#define HR_ID_MAX 1024

enum hr_status {
	HR_STATUS_CREATING,
	HR_STATUS_CREATED,
	HR_STATUS_RUNNING,
	HR_STATUS_PAUSED,
	HR_STATUS_STOPPED,
};

struct hr_state {
	char *id;
	char *bundle;
	char *rootfs;
	pid_t pid;
	uint64_t pid_start_time; /* /proc/<pid>/stat field 22: guards against pid reuse */
	char *created;		 /* RFC 3339 */
	uid_t owner;
	struct hr_kv *annotations;
	size_t n_annotations;
	/*
	 * The container's cgroup: its absolute directory (NULL: none), the manager that made it
	 * (state.json "systemdCgroup"; a file without it reads as cgroupfs) and the ancestors of
	 * cgroup_path that create made (delete removes them).
	 */
	char *cgroup_path;
	enum hr_cgroup_manager cgroup_manager;
	int cgroup_parents_created;
	/*
	 * The kinds of hooks the config has (bit 1 << enum hr_hook_kind; state.json "hooks"), so
	 * that start and delete read the config only for hooks it has. A state without the list
	 * (an older hardrun's) does not know: hook_kinds_known false.
	 */
	unsigned hook_kinds;
	bool hook_kinds_known;
	/*
	 * The annotations are config.json's, kept in the state directory's copy of it, and
	 * state.json does not repeat them ("annotationsInConfig"): a config with megabytes of
	 * annotations does not make every command read and write them. After hr_state_read they
	 * are not loaded (n_annotations 0) until hr_state_load_annotations. Set by create; cleared
	 * when they change (health results), which then writes them all into state.json.
	 */
	bool annotations_in_config;
};

/*
 * The state of a container being made (create, restore): its names, its config's
 * annotations, the caller as owner and now, in RFC 3339, written to created (created_size
 * bytes, kept by the caller) as its creation time. The strings are borrowed, not copied.
 */
void hr_state_init_new(struct hr_state *st, const char *id, const char *bundle, const char *rootfs,
		       const struct hr_config *config, char *created, size_t created_size);

struct hr_container_dir;

/* The copy of the container's config.json in its state directory. */
#define HR_CONFIG_COPY "config.json"

/*
 * Loads the annotations of a state read with annotations_in_config from the copy of
 * config.json in dir (HR_CONFIG_COPY); 0 at once when they are in state (or loaded already).
 */
int hr_state_load_annotations(const struct hr_container_dir *dir, struct hr_arena *arena,
			      struct hr_state *state, struct hr_err *err);

/* The annotations of a state with annotations_in_config, taken from its config, when not
 * loaded yet (they stay the config's: keep it while the state is used). */
void hr_state_annotations_from(struct hr_state *state, const struct hr_config *config);

/* A locked container directory. */
struct hr_container_dir {
	int fd;
	char path[4096];
};

/*
 * runc's rule: letters, digits and _+-. ; not "." or ".."; at most HR_ID_MAX bytes. The one
 * check of every command that takes an ID; the error names the ID and the rule (errno EINVAL).
 */
int hr_id_validate(const char *id, struct hr_err *err);

/* Creates and locks <root>/<id>; fails with "container ID already exists". */
int hr_container_dir_create(const char *root, const char *id, struct hr_container_dir *dir,
			    struct hr_err *err);
/* Opens and locks <root>/<id>; fails with "container ID does not exist". */
int hr_container_dir_open(const char *root, const char *id, struct hr_container_dir *dir,
			  struct hr_err *err);
/*
 * The same without the lock, for a reader that must never wait (events' stats while another
 * command holds the container for long): state.json is replaced whole (rename), so what it
 * reads is one state or the next, never half of one.
 */
int hr_container_dir_peek(const char *root, const char *id, struct hr_container_dir *dir,
			  struct hr_err *err);
void hr_container_dir_close(struct hr_container_dir *dir);
/* Removes the directory and its files (the lock goes with the last close). */
int hr_container_dir_remove(struct hr_container_dir *dir, struct hr_err *err);

int hr_state_write(const struct hr_container_dir *dir, const struct hr_state *state,
		   struct hr_err *err);
/* The state document's text (len bytes, no NUL needed): what hr_state_read does after reading. */
int hr_state_parse(const char *data, size_t len, const char *name, struct hr_arena *arena,
		   struct hr_state *state, struct hr_err *err);
int hr_state_read(const struct hr_container_dir *dir, struct hr_arena *arena,
		  struct hr_state *state, struct hr_err *err);

/* The container's cgroup as the manager's operations take it (cgroup_manager.h). */
struct hr_cgroup_handle hr_state_cgroup(const struct hr_state *state);

/* What the container is now, from its init's liveness, the fifo and the cgroup. */
enum hr_status hr_state_status(const struct hr_container_dir *dir, const struct hr_state *state);
const char *hr_status_name(enum hr_status status);

/* The OCI state document (runtime.md "State"), pid 0 once stopped. Caller frees. */
char *hr_state_oci_json(const struct hr_state *state, enum hr_status status, bool pretty);
/* Keys of the caller's, added at the end of that document (what `state` observes live). */
struct hr_state_extra {
	void (*gen)(yajl_gen g, void *arg); /* generates key, value pairs into the open map */
	void *arg;
};
char *hr_state_oci_json_extra(const struct hr_state *state, enum hr_status status, bool pretty,
			      const struct hr_state_extra *extra);
/* The same document, generated into g (as a value: inside a map, after its key). */
void hr_state_gen_oci(yajl_gen g, const struct hr_state *state, enum hr_status status);

/* Calls fn for every container under root that has a readable state (unlocked snapshot). */
int hr_state_foreach(const char *root,
		     int (*fn)(const struct hr_state *state, enum hr_status status, void *data),
		     void *data, struct hr_err *err);

/* Process identity, to never act on a process that reused a container's pid. */
int hr_proc_start_time(pid_t pid, uint64_t *start_time, char *proc_state);
/* The same from a stat file opened at dirfd (a /proc/PID directory held open: "stat"). */
int hr_proc_start_time_at(int dirfd, const char *name, uint64_t *start_time, char *proc_state);
/*
 * The init's pid and start time, in a small file of their own beside state.json (init.pid),
 * written as soon as the init exists: what delete --force goes by when the state cannot be
 * read (corrupt, truncated, from another version).
 */
int hr_init_record_write(const struct hr_container_dir *dir, pid_t pid, uint64_t start_time,
			 struct hr_err *err);
int hr_init_record_read(const struct hr_container_dir *dir, pid_t *pid, uint64_t *start_time,
			struct hr_err *err);
/* A pidfd for pid if it is still the process started at start_time; -ESRCH otherwise. */
int hr_pidfd_open_verified(pid_t pid, uint64_t start_time, int *pidfd, struct hr_err *err);

#endif
