/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What hardrun sends to a seccomp agent: ContainerProcessState and the listener fd. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "libcontainer/cleanup.h"
#include "libcontainer/seccomp_notify.h"

static struct hr_kv test_annotations[] = {{.key = "org.example.team", .value = "blue"}};

static struct hr_state test_state(void)
{
	return (struct hr_state){.id = "ctr-1",
				 .bundle = "/bundles/ctr-1",
				 .rootfs = "/bundles/ctr-1/rootfs",
				 .pid = 4242,
				 .created = "2026-01-01T00:00:00Z",
				 .annotations = test_annotations,
				 .n_annotations = 1};
}

static const char *str_at(yajl_val doc, const char **path)
{
	yajl_val v = yajl_tree_get(doc, path, yajl_t_string);

	return v != NULL ? YAJL_GET_STRING(v) : NULL;
}

static long long int_at(yajl_val doc, const char **path)
{
	yajl_val v = yajl_tree_get(doc, path, yajl_t_number);

	cr_assert_not_null(v, "no number at %s", path[0]);
	return YAJL_GET_INTEGER(v);
}

static void check_document(const char *json, const char *status, long long pid,
			   const char *metadata)
{
	static const char *oci_version[] = {"ociVersion", NULL}, *fds[] = {"fds", NULL},
			  *pid_path[] = {"pid", NULL}, *meta[] = {"metadata", NULL},
			  *state_id[] = {"state", "id", NULL},
			  *state_status[] = {"state", "status", NULL},
			  *state_pid[] = {"state", "pid", NULL},
			  *state_bundle[] = {"state", "bundle", NULL},
			  *annotation[] = {"state", "annotations", "org.example.team", NULL};
	char errbuf[256];
	yajl_val doc = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	yajl_val v;

	cr_assert_not_null(doc, "%s: %s", errbuf, json);
	cr_expect_str_eq(str_at(doc, oci_version), HR_OCI_VERSION);
	v = yajl_tree_get(doc, fds, yajl_t_array);
	cr_assert_not_null(v, "%s", json);
	cr_assert_eq(v->u.array.len, 1);
	cr_expect_str_eq(YAJL_GET_STRING(v->u.array.values[0]), "seccompFd");
	cr_expect_eq(int_at(doc, pid_path), pid);
	cr_expect_str_eq(str_at(doc, meta), metadata);
	cr_expect_str_eq(str_at(doc, state_id), "ctr-1");
	cr_expect_str_eq(str_at(doc, state_status), status);
	cr_expect_eq(int_at(doc, state_pid), 4242);
	cr_expect_str_eq(str_at(doc, state_bundle), "/bundles/ctr-1");
	cr_expect_str_eq(str_at(doc, annotation), "blue");
	yajl_tree_free(doc);
}

Test(seccomp_notify, process_state_for_create)
{
	struct hr_state state = test_state();
	struct hr_seccomp_listener l = {.path = "/run/agent.sock",
					.metadata = "team=blue \"quoted\"",
					.state = &state,
					.status = HR_STATUS_CREATING,
					.pid = 4242};
	_cleanup_free_ char *json = hr_seccomp_process_state_json(&l);

	check_document(json, "creating", 4242, "team=blue \"quoted\"");
}

Test(seccomp_notify, process_state_for_exec)
{
	struct hr_state state = test_state();
	struct hr_seccomp_listener l = {
	    .path = "/run/agent.sock", .state = &state, .status = HR_STATUS_RUNNING, .pid = 5151};
	_cleanup_free_ char *json = hr_seccomp_process_state_json(&l);

	/* the exec'd process is the one the filter is for; no metadata is an empty string */
	check_document(json, "running", 5151, "");
}

Test(seccomp_notify, send_to_missing_listener)
{
	struct hr_state state = test_state();
	struct hr_seccomp_listener l = {.path = "/nonexistent/hr-agent.sock",
					.state = &state,
					.status = HR_STATUS_CREATING,
					.pid = 1};
	struct hr_err err = {0};

	cr_assert_lt(hr_seccomp_listener_send(&l, STDIN_FILENO, &err), 0);
	cr_expect_str_eq(err.msg, "seccomp listener /nonexistent/hr-agent.sock: connect: No such "
				  "file or directory");
	cr_expect_eq(err.errnum, ENOENT);
}

/* The agent's side: one message, the JSON and exactly one fd. */
static int receive(int conn, char *buf, size_t size, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = buf, .iov_len = size - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control.buf,
			    .msg_controllen = sizeof(control.buf)};
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	struct cmsghdr *c;

	*fd = -1;
	if (n < 0)
		return -1;
	buf[n] = '\0';
	c = CMSG_FIRSTHDR(&mh);
	if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

Test(seccomp_notify, send_passes_the_fd)
{
	char dir[] = "/tmp/hr-notify-XXXXXX", path[64], json[4096];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct hr_state state = test_state();
	struct hr_seccomp_listener l = {.path = path,
					.metadata = "m",
					.state = &state,
					.status = HR_STATUS_CREATING,
					.pid = 77};
	_cleanup_close_ int sock = -1, conn = -1, got = -1, sent = -1;
	struct hr_err err = {0};
	struct stat a, b;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/agent.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(sock, 0);
	cr_assert_eq(bind(sock, (struct sockaddr *)&sa, sizeof(sa)), 0, "%s", strerror(errno));
	cr_assert_eq(listen(sock, 1), 0);
	sent = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(sent, 0);
	/* the backlog takes the connection: no agent thread needed */
	cr_assert_eq(hr_seccomp_listener_send(&l, sent, &err), 0, "%s", err.msg);
	conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	cr_assert_geq(conn, 0);
	cr_assert_eq(receive(conn, json, sizeof(json), &got), 0, "%s", strerror(errno));
	cr_assert_geq(got, 0, "no fd came with the state");
	cr_assert_eq(fstat(sent, &a), 0);
	cr_assert_eq(fstat(got, &b), 0);
	cr_expect(a.st_dev == b.st_dev && a.st_ino == b.st_ino, "a different file came");
	check_document(json, "creating", 77, "m");
	unlink(path);
	rmdir(dir);
}
