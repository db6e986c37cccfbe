/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.netDevices over raw rtnetlink (netdev.h). */
#include "netdev.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "sync.h"

#define NL_BUF 32768

const char *hr_netdev_name_problem(const char *name)
{
	size_t len = strlen(name);

	if (len == 0)
		return "an interface name must not be empty";
	if (len >= IFNAMSIZ)
		return "an interface name has at most 15 bytes";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "\".\" and \"..\" are not interface names";
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || (unsigned char)*p <= ' ' || *p == 0x7f)
			return "an interface name has no '/', ':', whitespace or control character";
	return NULL;
}

/* ---- rtnetlink ---- */

struct nl_req {
	struct nlmsghdr hdr;
	char payload[512];
};

struct rtnl {
	int fd;
	uint32_t seq;
};

static void req_init(struct nl_req *r, uint16_t type, uint16_t flags, const void *body, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->hdr.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	r->hdr.nlmsg_type = type;
	r->hdr.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	memcpy(NLMSG_DATA(&r->hdr), body, len);
}

/* Appends an attribute; the requests built here always fit (names, fds, addresses). */
static void req_attr(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)&r->hdr + NLMSG_ALIGN(r->hdr.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->hdr.nlmsg_len = (uint32_t)(NLMSG_ALIGN(r->hdr.nlmsg_len) + RTA_ALIGN(a->rta_len));
}

static int rtnl_open(struct rtnl *nl, struct hr_err *err)
{
	nl->seq = 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return hr_err_sys(err, "open an rtnetlink socket");
	return 0;
}

typedef void (*nl_reply_fn)(const struct nlmsghdr *h, void *data);

/* The end of a request's answer: 1 when h ends it (*status: 0 or -errno), else 0. */
static int reply_end(const struct nlmsghdr *h, int *status)
{
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		*status = e->error;
		return 1;
	}
	if (h->nlmsg_type == NLMSG_DONE) {
		const int *e = NLMSG_DATA(h);

		*status = h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) && *e < 0 ? *e : 0;
		return 1;
	}
	return 0;
}

/*
 * Sends r and reads its answer up to the ack (or a dump's end), each other message of the
 * answer going to fn. A refusal of the kernel is an error "what: strerror".
 */
static int rtnl_talk(struct rtnl *nl, struct nl_req *r, nl_reply_fn fn, void *data,
		     const char *what, struct hr_err *err)
{
	_cleanup_free_ char *buf = hr_xmalloc(NL_BUF);
	int status = 0;

	r->hdr.nlmsg_seq = ++nl->seq;
	if (send(nl->fd, r, r->hdr.nlmsg_len, 0) < 0)
		return hr_err_sys(err, "%s: send to rtnetlink", what);
	for (;;) {
		ssize_t n = recv(nl->fd, buf, NL_BUF, 0);
		size_t left;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hr_err_sys(err, "%s: receive from rtnetlink", what);
		left = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != nl->seq)
				continue;
			if (reply_end(h, &status))
				return status == 0 ? 0 : hr_err_set(err, -status, "%s", what);
			if (fn != NULL)
				fn(h, data);
		}
		if (n == 0)
			return hr_err_set(err, EPROTO, "%s: rtnetlink closed", what);
	}
}

static void take_ifindex(const struct nlmsghdr *h, void *data)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);

	if (h->nlmsg_type == RTM_NEWLINK)
		*(int *)data = ifi->ifi_index;
}

/* The index of the interface name (or, name NULL, index) in nl's namespace; 0: none. */
static int link_lookup(struct rtnl *nl, const char *name, int index, int *found, struct hr_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index};
	struct nl_req r;
	char what[64];

	*found = 0;
	if (name != NULL)
		snprintf(what, sizeof(what), "look interface %s up", name);
	else
		snprintf(what, sizeof(what), "look interface index %d up", index);
	req_init(&r, RTM_GETLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	if (name != NULL)
		req_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (rtnl_talk(nl, &r, take_ifindex, found, what, err) == 0)
		return 0;
	if (err->errnum == ENODEV) {
		*found = 0;
		return 0;
	}
	return -1;
}

/* ---- the plan ---- */

/* ENODEV, without its strerror: the message says it already. */
static int no_such_device(const struct hr_net_device *d, struct hr_err *err)
{
	hr_err_set(err, 0, "%s: no such network interface on the host", d->json_path);
	err->errnum = ENODEV;
	return -1;
}

int hr_netdev_plan_build(const struct hr_linux *linux_cfg, struct hr_arena *arena,
			 struct hr_netdev_plan *plan, struct hr_err *err)
{
	struct rtnl nl = {.fd = -1};
	int r = 0;

	memset(plan, 0, sizeof(*plan));
	if (linux_cfg == NULL || linux_cfg->n_net_devices == 0)
		return 0;
	plan->devices = linux_cfg->net_devices;
	plan->n = linux_cfg->n_net_devices;
	plan->host_ifindex = hr_arena_array(arena, plan->n, sizeof(*plan->host_ifindex));
	if (rtnl_open(&nl, err) < 0)
		return hr_err_prefix(err, "linux.netDevices");
	for (size_t i = 0; r == 0 && i < plan->n; i++) {
		const struct hr_net_device *d = &plan->devices[i];

		r = link_lookup(&nl, d->host_name, 0, &plan->host_ifindex[i], err);
		if (r < 0)
			hr_err_prefix(err, "%s", d->json_path);
		else if (plan->host_ifindex[i] == 0)
			r = no_such_device(d, err);
	}
	close(nl.fd);
	return r;
}

/* ---- moving ---- */

/* An address to give back after the move: its message, without label and lifetimes. */
struct saved_addr {
	struct ifaddrmsg ifa;
	uint32_t flags;
	unsigned char attrs[96]; /* IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST as the kernel sent them */
	size_t attrs_len;
};

struct addr_list {
	int ifindex;
	struct saved_addr *v;
	size_t n;
};

/* The flags an address may be created with (the others are the kernel's to set). */
#define SETTABLE_IFA_FLAGS                                                                         \
	(IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE |            \
	 IFA_F_MCAUTOJOIN)

static void keep_attr(struct saved_addr *a, const struct rtattr *rta)
{
	if (a->attrs_len + RTA_ALIGN(rta->rta_len) > sizeof(a->attrs))
		return;
	memcpy(a->attrs + a->attrs_len, rta, rta->rta_len);
	a->attrs_len += RTA_ALIGN(rta->rta_len);
}

/* Keeps the permanent addresses of global scope (the runtime-spec's words) of the device. */
static void take_addr(const struct nlmsghdr *h, void *data)
{
	struct addr_list *list = data;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = (int)IFA_PAYLOAD(h);
	struct saved_addr a = {.ifa = *ifa, .flags = ifa->ifa_flags};

	if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != list->ifindex ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return;
	for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) >= sizeof(uint32_t))
			memcpy(&a.flags, RTA_DATA(rta), sizeof(uint32_t));
		else if (rta->rta_type == IFA_ADDRESS || rta->rta_type == IFA_LOCAL ||
			 rta->rta_type == IFA_BROADCAST)
			keep_attr(&a, rta);
	}
	if (!(a.flags & IFA_F_PERMANENT))
		return;
	list->v = hr_xrealloc(list->v, list->n + 1, sizeof(*list->v));
	list->v[list->n++] = a;
}

static int dump_addrs(struct rtnl *nl, int ifindex, struct addr_list *list, struct hr_err *err)
{
	struct ifaddrmsg ifa = {.ifa_family = AF_UNSPEC, .ifa_index = (uint32_t)ifindex};
	struct nl_req r;

	list->ifindex = ifindex;
	req_init(&r, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
	return rtnl_talk(nl, &r, take_addr, list, "list its addresses", err);
}

static int add_addr(struct rtnl *nl, int ifindex, const struct saved_addr *a, struct hr_err *err)
{
	struct ifaddrmsg ifa = a->ifa;
	uint32_t flags = a->flags & SETTABLE_IFA_FLAGS;
	struct nl_req r;

	ifa.ifa_index = (uint32_t)ifindex;
	ifa.ifa_flags = (unsigned char)flags;
	req_init(&r, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, &ifa, sizeof(ifa));
	memcpy((char *)&r.hdr + NLMSG_ALIGN(r.hdr.nlmsg_len), a->attrs, a->attrs_len);
	r.hdr.nlmsg_len = (uint32_t)(NLMSG_ALIGN(r.hdr.nlmsg_len) + a->attrs_len);
	req_attr(&r, IFA_FLAGS, &flags, sizeof(flags));
	return rtnl_talk(nl, &r, NULL, NULL, "give an address back", err);
}

static int set_link(struct rtnl *nl, int ifindex, int netns_fd, const char *name, bool up,
		    const char *what, struct hr_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	struct nl_req r;
	uint32_t fd = (uint32_t)netns_fd;

	if (up) {
		ifi.ifi_flags = IFF_UP;
		ifi.ifi_change = IFF_UP;
	}
	req_init(&r, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	if (netns_fd >= 0)
		req_attr(&r, IFLA_NET_NS_FD, &fd, sizeof(fd));
	if (name != NULL)
		req_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	return rtnl_talk(nl, &r, NULL, NULL, what, err);
}

/*
 * An rtnetlink socket of the network namespace netns_fd: opened by a short-lived child that
 * joins it, so that hardrun itself never changes namespace.
 */
static int rtnl_open_in(int netns_fd, struct rtnl *nl, struct hr_err *err)
{
	int sv[2] = {-1, -1}, r;
	pid_t pid;

	nl->seq = 0;
	nl->fd = -1;
	if (hr_sync_pair(sv, err) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		r = hr_err_sys(err, "fork to open a socket in the container's network namespace");
		goto out;
	}
	if (pid == 0) {
		struct hr_err child_err;
		int fd;

		close(sv[0]);
		if (setns(netns_fd, CLONE_NEWNET) < 0) {
			hr_err_sys(&child_err, "join the container's network namespace");
			hr_sync_fail(sv[1], &child_err);
		}
		if (rtnl_open(nl, &child_err) < 0)
			hr_sync_fail(sv[1], &child_err);
		fd = nl->fd;
		_exit(hr_sync_send(sv[1], HR_SYNC_READY, NULL, fd, &child_err) < 0 ? 1 : 0);
	}
	close(sv[1]);
	sv[1] = -1;
	r = hr_sync_wait(sv[0], HR_SYNC_READY, &nl->fd, err);
	if (r == 0 && nl->fd < 0)
		r = hr_err_set(err, EPROTO,
			       "no socket came from the container's network namespace");
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
out:
	close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return r;
}

static const char *target_name(const struct hr_net_device *d)
{
	return d->name != NULL ? d->name : d->host_name;
}

/*
 * Refuses, before anything moves, a name already taken in the container's namespace. A
 * template ("eth%d") is completed by the kernel there: the device is found again by its index,
 * which the kernel keeps when it is free, so that index must be.
 */
static int check_free(struct rtnl *in, const struct hr_net_device *d, int ifindex,
		      struct hr_err *err)
{
	const char *name = target_name(d);
	bool template = strchr(name, '%') != NULL;
	int found;

	if (link_lookup(in, template ? NULL : name, template ? ifindex : 0, &found, err) < 0)
		return hr_err_prefix(err, "%s", d->json_path);
	if (found != 0 && !template)
		return hr_err_set(err, EEXIST,
				  "%s: the container's network namespace has an interface %s "
				  "already",
				  d->json_path, name);
	if (found != 0)
		return hr_err_set(err, EEXIST,
				  "%s: index %d of %s is taken in the container's network "
				  "namespace: the template \"%s\" could not be followed there",
				  d->json_path, ifindex, d->host_name, name);
	return 0;
}

static int move_one(struct rtnl *host, struct rtnl *in, int netns_fd, const struct hr_net_device *d,
		    int ifindex, struct hr_err *err)
{
	struct addr_list addrs = {0};
	const char *name = target_name(d);
	bool template = strchr(name, '%') != NULL;
	char what[96];
	int new_index = 0, r;

	r = dump_addrs(host, ifindex, &addrs, err);
	if (r == 0) {
		snprintf(what, sizeof(what), "move %s into the container's network namespace%s%s",
			 d->host_name, d->name != NULL ? " as " : "",
			 d->name != NULL ? d->name : "");
		/* one message: the kernel moves it, then renames it in the new namespace */
		r = set_link(host, ifindex, netns_fd, d->name, false, what, err);
	}
	if (r == 0)
		r = link_lookup(in, template ? NULL : name, template ? ifindex : 0, &new_index,
				err);
	if (r == 0 && new_index == 0)
		r = hr_err_set(err, ENODEV, "%s is not in the container's network namespace", name);
	for (size_t i = 0; r == 0 && i < addrs.n; i++)
		r = add_addr(in, new_index, &addrs.v[i], err);
	if (r == 0)
		r = set_link(in, new_index, -1, NULL, true, "bring it up", err);
	free(addrs.v);
	return r < 0 ? hr_err_prefix(err, "%s", d->json_path) : 0;
}

int hr_netdev_move(const struct hr_netdev_plan *plan, int netns_fd, struct hr_err *err)
{
	struct rtnl host = {.fd = -1}, in = {.fd = -1};
	int r = 0;

	if (plan->n == 0)
		return 0;
	if (rtnl_open(&host, err) < 0 || rtnl_open_in(netns_fd, &in, err) < 0)
		r = hr_err_prefix(err, "linux.netDevices");
	for (size_t i = 0; r == 0 && i < plan->n; i++)
		r = check_free(&in, &plan->devices[i], plan->host_ifindex[i], err);
	for (size_t i = 0; r == 0 && i < plan->n; i++)
		r = move_one(&host, &in, netns_fd, &plan->devices[i], plan->host_ifindex[i], err);
	if (host.fd >= 0)
		close(host.fd);
	if (in.fd >= 0)
		close(in.fd);
	return r;
}
