/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "seccomp_notify.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "sync.h"

/* runtime-spec's name for the seccomp listener fd in ContainerProcessState.fds */
#define SECCOMP_FD_NAME "seccompFd"

char *hr_seccomp_process_state_json(const struct hr_seccomp_listener *l)
{
	_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(false);
	const char *fds[] = {SECCOMP_FD_NAME};

	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "ociVersion", HR_OCI_VERSION);
	hr_jgen_strv(g, "fds", fds, 1);
	hr_jgen_kv_i64(g, "pid", (int64_t)l->pid);
	hr_jgen_kv_str(g, "metadata", l->metadata != NULL ? l->metadata : "");
	hr_jgen_key(g, "state");
	hr_state_gen_oci(g, l->state, l->status);
	yajl_gen_map_close(g);
	return hr_jgen_dup(g, false, NULL);
}

/*
 * An agent that is stuck (its backlog full, or not reading a large state) must not hang the
 * create or exec that waits on it: connect and sendmsg on a unix stream socket both give up
 * after the send timeout.
 */
#define AGENT_TIMEOUT_S 5

static bool timed_out(int errnum)
{
	return errnum == EAGAIN || errnum == EWOULDBLOCK || errnum == EINPROGRESS;
}

static int listener_connect(const char *path, struct hr_err *err)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval timeout = {.tv_sec = AGENT_TIMEOUT_S};
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return hr_err_set(err, ENAMETOOLONG, "seccomp listener %s: path is too long", path);
	if (fd < 0)
		return hr_err_sys(err, "seccomp listener %s: socket", path);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) < 0)
		return hr_err_sys(err, "seccomp listener %s: set the send timeout", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	do
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	while (r < 0 && errno == EINTR);
	if (r < 0 && timed_out(errno))
		return hr_err_set(err, ETIMEDOUT,
				  "seccomp listener %s: the agent did not accept the connection "
				  "within %d s",
				  path, AGENT_TIMEOUT_S);
	if (r < 0)
		return hr_err_sys(err, "seccomp listener %s: connect", path);
	return steal_fd(&fd);
}

int hr_seccomp_listener_send(const struct hr_seccomp_listener *l, int seccomp_fd,
			     struct hr_err *err)
{
	_cleanup_free_ char *json = hr_seccomp_process_state_json(l);
	_cleanup_close_ int sock = listener_connect(l->path, err);

	if (sock < 0)
		return -1;
	if (hr_send_with_fd(sock, json, strlen(json), seccomp_fd) < 0) {
		if (timed_out(errno))
			return hr_err_set(err, ETIMEDOUT,
					  "seccomp listener %s: the agent did not take the state "
					  "and the seccomp fd within %d s",
					  l->path, AGENT_TIMEOUT_S);
		return hr_err_sys(err, "seccomp listener %s: send the seccomp fd", l->path);
	}
	return 0;
}
