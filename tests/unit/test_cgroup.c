/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup v2 manager's pure parts: paths, value strings, the plan of writes, update options
 * and the BPF device filter (run here through a small interpreter of the instructions it
 * uses). No cgroup is touched: that is tests/vm/cgroup.bats, in a guest kernel.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libcontainer/cgroup.h"
#include "libcontainer/cgroup_dir.h"
#include "libcontainer/cgroup_sdprops.h"
#include "libcontainer/cgroup_systemd.h"
#include "libcontainer/config.h"

/* ---- paths ---- */

static const char *derive(const char *cgroups_path, const char *id, const char *own)
{
	static char out[4096];
	struct hr_err err = {0};

	if (hr_cgroup_derive_path(cgroups_path, id, own, out, sizeof(out), &err) < 0)
		snprintf(out, sizeof(out), "error: %s", err.msg);
	return out;
}

Test(cgroup_path, defaults_to_the_id_below_the_root)
{
	cr_assert_str_eq(derive(NULL, "c1", NULL), "/c1");
	cr_assert_str_eq(derive("", "c1", "/x"), "/c1");
}

Test(cgroup_path, absolute_is_normalized)
{
	cr_assert_str_eq(derive("/a//b/", "c1", NULL), "/a/b");
	cr_assert_str_eq(derive("/machine.slice/ctr-1", "c1", "/x"), "/machine.slice/ctr-1");
}

Test(cgroup_path, relative_is_below_our_own_cgroup)
{
	cr_assert_str_eq(derive("x/y", "c1", "/user.slice/s.scope"), "/user.slice/s.scope/x/y");
	cr_assert_str_eq(derive("x", "c1", "/"), "/x");
}

Test(cgroup_path, refuses_escapes_and_the_root)
{
	cr_assert(strstr(derive("/a/../../etc", "c1", NULL), "\"..\" are not allowed") != NULL);
	cr_assert(strstr(derive("./x", "c1", "/"), "are not allowed") != NULL);
	cr_assert(strstr(derive("/", "c1", NULL), "root cgroup") != NULL);
	cr_assert(strstr(derive("//", "c1", NULL), "root cgroup") != NULL);
}

/* exec --cgroup: the message of a refused sub-cgroup, "" when accepted. */
static const char *sub_check(const char *sub)
{
	static struct hr_err err;

	err = (struct hr_err){0};
	if (hr_cgroup_sub_path_check(sub, &err) == 0)
		return "";
	cr_assert_eq(err.errnum, EINVAL, "%s: errno %d", sub, err.errnum);
	return err.msg;
}

Test(cgroup_path, exec_sub_cgroup_stays_below_the_container)
{
	cr_assert_str_eq(sub_check("a"), "");
	cr_assert_str_eq(sub_check("a/b"), "");
	cr_assert_str_eq(sub_check("a/b/"), "");
	cr_assert_str_eq(sub_check("..a/b..c"), "");
	cr_assert(strstr(sub_check(""), "empty") != NULL);
	cr_assert(strstr(sub_check("/a"), "not an absolute path") != NULL);
	cr_assert(strstr(sub_check("/sys/fs/cgroup/x"), "not an absolute path") != NULL);
	cr_assert(strstr(sub_check(".."), "\"..\" components are not allowed") != NULL);
	cr_assert(strstr(sub_check("a/../.."), "are not allowed") != NULL);
	cr_assert(strstr(sub_check("a/.."), "are not allowed") != NULL);
	cr_assert(strstr(sub_check("."), "are not allowed") != NULL);
	cr_assert(strstr(sub_check("a//b"), "are not allowed") != NULL);
	cr_assert(strstr(sub_check("cpu:a"), "CONTROLLER:PATH") != NULL);
}

Test(cgroup_path, parses_proc_self_cgroup)
{
	char out[256];
	struct hr_err err = {0};

	cr_assert_eq(hr_cgroup_parse_self("0::/user.slice/a.scope\n", out, sizeof(out), &err), 0);
	cr_assert_str_eq(out, "/user.slice/a.scope");
	cr_assert_eq(hr_cgroup_parse_self("12:memory:/x\n1:name=systemd:/y\n0::/z\n", out,
					  sizeof(out), &err),
		     0);
	cr_assert_str_eq(out, "/z");
	cr_assert_eq(hr_cgroup_parse_self("0::/\n", out, sizeof(out), &err), 0);
	cr_assert_str_eq(out, "/");
	cr_assert_lt(hr_cgroup_parse_self("12:memory:/x\n", out, sizeof(out), &err), 0);
	cr_assert(strstr(err.msg, "no cgroup v2 entry") != NULL, "%s", err.msg);
}

/* ---- values ---- */

Test(cgroup_values, shares_to_weight_as_runc_and_crun)
{
	cr_assert_eq(hr_cgroup_shares_to_weight(2), 1);
	cr_assert_eq(hr_cgroup_shares_to_weight(1024), 39);
	cr_assert_eq(hr_cgroup_shares_to_weight(512), 20);
	cr_assert_eq(hr_cgroup_shares_to_weight(262144), 10000);
	/* out of the v1 range: clamped */
	cr_assert_eq(hr_cgroup_shares_to_weight(1), 1);
	cr_assert_eq(hr_cgroup_shares_to_weight(1000000), 10000);
}

Test(cgroup_values, blkio_weight_to_io_weight)
{
	cr_assert_eq(hr_cgroup_blkio_to_io_weight(10), 1);
	cr_assert_eq(hr_cgroup_blkio_to_io_weight(500), 4950);
	cr_assert_eq(hr_cgroup_blkio_to_io_weight(1000), 10000);
}

Test(cgroup_values, memory)
{
	char buf[32];

	hr_cgroup_memory_value(-1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "max");
	hr_cgroup_memory_value(536870912, buf, sizeof(buf));
	cr_assert_str_eq(buf, "536870912");
}

static const char *swap(bool swap_set, int64_t s, bool limit_set, int64_t l)
{
	static char buf[256];
	hr_opt_i64 sw = {swap_set, s}, li = {limit_set, l};
	struct hr_err err = {0};
	int r = hr_cgroup_swap_value(&sw, &li, buf, sizeof(buf), &err);

	if (r < 0)
		snprintf(buf, sizeof(buf), "error: %s", err.msg);
	else if (r == 0)
		snprintf(buf, sizeof(buf), "none");
	return buf;
}

Test(cgroup_values, swap_is_memory_plus_swap_minus_memory)
{
	cr_assert_str_eq(swap(true, 536870912, true, 536870912), "0");
	cr_assert_str_eq(swap(true, 1073741824, true, 536870912), "536870912");
	cr_assert_str_eq(swap(true, -1, true, 536870912), "max");
	cr_assert_str_eq(swap(false, 0, true, -1), "max");
	cr_assert_str_eq(swap(false, 0, true, 536870912), "none");
	cr_assert_str_eq(swap(false, 0, false, 0), "none");
	cr_assert(strstr(swap(true, 100, true, 200), "is less than memory.limit 200") != NULL);
	cr_assert(strstr(swap(true, 100, false, 0), "needs a memory limit") != NULL);
	cr_assert(strstr(swap(true, 100, true, -1), "needs a memory limit") != NULL);
}

static const char *cpu_max(bool qs, int64_t q, bool ps, uint64_t p)
{
	static char buf[64];
	struct hr_cpu cpu = {.quota = {qs, q}, .period = {ps, p}};

	if (!hr_cgroup_cpu_max_value(&cpu, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "none");
	return buf;
}

Test(cgroup_values, cpu_max)
{
	cr_assert_str_eq(cpu_max(true, 50000, true, 100000), "50000 100000");
	cr_assert_str_eq(cpu_max(true, -1, true, 100000), "max 100000");
	cr_assert_str_eq(cpu_max(false, 0, true, 100000), "max 100000");
	cr_assert_str_eq(cpu_max(true, 25000, false, 0), "25000");
	cr_assert_str_eq(cpu_max(false, 0, false, 0), "none");
}

Test(cgroup_values, unified_keys)
{
	cr_assert(hr_cgroup_unified_key_valid("memory.high"));
	cr_assert(hr_cgroup_unified_key_valid("cpu.weight.nice"));
	cr_assert_not(hr_cgroup_unified_key_valid("../memory.max"));
	cr_assert_not(hr_cgroup_unified_key_valid("a/b"));
	cr_assert_not(hr_cgroup_unified_key_valid(".."));
	cr_assert_not(hr_cgroup_unified_key_valid("."));
	cr_assert_not(hr_cgroup_unified_key_valid(""));
	cr_assert_eq(hr_cgroup_controller_of("memory.swap.max"), HR_CTRL_MEMORY);
	cr_assert_eq(hr_cgroup_controller_of("cpuset.cpus"), HR_CTRL_CPUSET);
	cr_assert_eq(hr_cgroup_controller_of("cpu.max"), HR_CTRL_CPU);
	cr_assert_eq(hr_cgroup_controller_of("cgroup.freeze"), 0);
	cr_assert_eq(hr_cgroup_controller_of("hugetlb.2MB.max"), HR_CTRL_HUGETLB);
}

/* ---- the plan ---- */

static const char *plan_value(const struct hr_cgroup_plan *plan, const char *file)
{
	for (size_t i = 0; i < plan->n_writes; i++)
		if (strcmp(plan->writes[i].file, file) == 0)
			return plan->writes[i].value;
	return NULL;
}

static struct hr_resources_doc *parse_resources(const char *json)
{
	struct hr_diags diags = {0};
	struct hr_resources_doc *doc = hr_resources_parse(json, strlen(json), "r.json", &diags);

	cr_assert_not_null(doc, "%s", diags.len ? diags.msgs[0] : "?");
	hr_diags_free(&diags);
	return doc;
}

Test(cgroup_plan, production_profile_values)
{
	struct hr_resources_doc *doc = parse_resources(
	    "{\"memory\":{\"limit\":536870912,\"swap\":536870912},"
	    "\"cpu\":{\"quota\":50000,\"period\":100000,\"shares\":1024},\"pids\":{\"limit\":256},"
	    "\"unified\":{\"memory.high\":\"400000000\"},"
	    "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}");
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	struct hr_err err = {0};

	cr_assert_eq(hr_cgroup_plan_build(&doc->resources, &arena, &plan, &err), 0, "%s", err.msg);
	cr_assert_str_eq(plan_value(&plan, "memory.max"), "536870912");
	cr_assert_str_eq(plan_value(&plan, "memory.swap.max"), "0");
	cr_assert_str_eq(plan_value(&plan, "cpu.max"), "50000 100000");
	cr_assert_str_eq(plan_value(&plan, "cpu.weight"), "39");
	cr_assert_str_eq(plan_value(&plan, "pids.max"), "256");
	cr_assert_str_eq(plan_value(&plan, "hugetlb.2MB.max"), "4194304");
	cr_assert_str_eq(plan_value(&plan, "memory.high"), "400000000");
	/* unified comes last, so that it wins over the typed fields */
	cr_assert_str_eq(plan.writes[plan.n_writes - 1].file, "memory.high");
	cr_assert_eq(plan.controllers,
		     HR_CTRL_MEMORY | HR_CTRL_CPU | HR_CTRL_PIDS | HR_CTRL_HUGETLB);
	cr_assert_null(plan.dev_prog);
	hr_arena_free(&arena);
	hr_resources_doc_free(doc);
}

Test(cgroup_plan, unlimited_values_and_io)
{
	struct hr_resources_doc *doc = parse_resources(
	    "{\"memory\":{\"limit\":-1},\"cpu\":{\"quota\":-1,\"period\":100000,"
	    "\"cpus\":\"0-1\",\"mems\":\"0\"},\"pids\":{\"limit\":0},"
	    "\"blockIO\":{\"weight\":500,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,"
	    "\"rate\":1048576}]}}");
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	struct hr_err err = {0};

	cr_assert_eq(hr_cgroup_plan_build(&doc->resources, &arena, &plan, &err), 0, "%s", err.msg);
	cr_assert_str_eq(plan_value(&plan, "memory.max"), "max");
	cr_assert_str_eq(plan_value(&plan, "memory.swap.max"), "max");
	cr_assert_str_eq(plan_value(&plan, "cpu.max"), "max 100000");
	cr_assert_str_eq(plan_value(&plan, "pids.max"), "max");
	cr_assert_str_eq(plan_value(&plan, "cpuset.cpus"), "0-1");
	cr_assert_str_eq(plan_value(&plan, "cpuset.mems"), "0");
	cr_assert_str_eq(plan_value(&plan, "io.weight"), "default 4950");
	cr_assert_str_eq(plan_value(&plan, "io.max"), "8:0 rbps=1048576");
	cr_assert(plan.controllers & HR_CTRL_CPUSET);
	cr_assert(plan.controllers & HR_CTRL_IO);
	hr_arena_free(&arena);
	hr_resources_doc_free(doc);
}

Test(cgroup_plan, what_v2_cannot_express_is_an_error)
{
	/* as `update --cpu-rt-runtime` builds them, without a document the reader would refuse */
	struct hr_resources r = {.has_cpu = true,
				 .cpu = {.realtime_runtime = {.set = true, .value = 950000}}};
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	struct hr_err err = {0};

	cr_assert_lt(hr_cgroup_plan_build(&r, &arena, &plan, &err), 0);
	cr_assert(strstr(err.msg, "real-time") != NULL, "%s", err.msg);
	r.cpu.realtime_runtime.value = -1;
	cr_assert_eq(hr_cgroup_plan_build(&r, &arena, &plan, &err), 0, "-1 asks for nothing: %s",
		     err.msg);
	hr_arena_free(&arena);
}

static const struct hr_cgroup_write *plan_write(const struct hr_cgroup_plan *plan, const char *file)
{
	for (size_t i = 0; i < plan->n_writes; i++)
		if (strcmp(plan->writes[i].file, file) == 0)
			return &plan->writes[i];
	cr_assert_fail("no %s in the plan", file);
	return NULL;
}

Test(cgroup_plan, rdma_a_line_per_device_unset_counts_max)
{
	struct hr_resources_doc *doc =
	    parse_resources("{\"rdma\":{\"mlx5_0\":{\"hcaHandles\":8,\"hcaObjects\":4096},"
			    "\"rxe0\":{\"hcaHandles\":2},\"mlx.1\":{}}}");
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	struct hr_err err = {0};
	const char *want[][2] = {{"mlx5_0 hca_handle=8 hca_object=4096", "rdma.mlx5_0"},
				 {"rxe0 hca_handle=2 hca_object=max", "rdma.rxe0"},
				 {"mlx.1 hca_handle=max hca_object=max", "rdma[\"mlx.1\"]"}};

	cr_assert_eq(hr_cgroup_plan_build(&doc->resources, &arena, &plan, &err), 0, "%s", err.msg);
	cr_assert_eq(plan.n_writes, 3);
	for (size_t i = 0; i < 3; i++) {
		cr_expect_str_eq(plan.writes[i].file, "rdma.max");
		cr_expect_str_eq(plan.writes[i].value, want[i][0]);
		cr_expect_str_eq(plan.writes[i].what, want[i][1]);
	}
	cr_expect_eq(plan.controllers, HR_CTRL_RDMA);
	hr_arena_free(&arena);
	hr_resources_doc_free(doc);
}

/* Messages name a unified key by its JSON path, as the config's own errors do. */
Test(cgroup_plan, unified_writes_name_their_key)
{
	struct hr_resources_doc *doc =
	    parse_resources("{\"unified\":{\"memory.high\":\"1G\",\"misc.max\":\"x 1\"}}");
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	struct hr_err err = {0};

	cr_assert_eq(hr_cgroup_plan_build(&doc->resources, &arena, &plan, &err), 0, "%s", err.msg);
	cr_expect_str_eq(plan_write(&plan, "memory.high")->what, "unified[\"memory.high\"]");
	cr_expect_str_eq(plan_write(&plan, "misc.max")->what, "unified[\"misc.max\"]");
	cr_expect_eq(plan.controllers, HR_CTRL_MEMORY | HR_CTRL_MISC);
	hr_arena_free(&arena);
	hr_resources_doc_free(doc);
}

/* Without swap accounting: runc skips "max" and "0"; hardrun says so when swap asked for it. */
static enum hr_cgroup_if_missing swap_if_missing(const char *memory_json)
{
	struct hr_resources_doc *doc = parse_resources(memory_json);
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	struct hr_err err = {0};
	enum hr_cgroup_if_missing m;

	cr_assert_eq(hr_cgroup_plan_build(&doc->resources, &arena, &plan, &err), 0, "%s", err.msg);
	m = plan_write(&plan, "memory.swap.max")->if_missing;
	cr_expect_eq(plan_write(&plan, "memory.max")->if_missing, HR_MISSING_FAIL);
	hr_arena_free(&arena);
	hr_resources_doc_free(doc);
	return m;
}

Test(cgroup_plan, swap_without_accounting)
{
	/* swap == limit: no swap, which cannot be enforced */
	cr_expect_eq(swap_if_missing("{\"memory\":{\"limit\":1000000,\"swap\":1000000}}"),
		     HR_MISSING_WARN);
	/* unlimited swap, asked for */
	cr_expect_eq(swap_if_missing("{\"memory\":{\"limit\":1000000,\"swap\":-1}}"),
		     HR_MISSING_WARN);
	/* only the memory is unlimited: nothing was asked of swap */
	cr_expect_eq(swap_if_missing("{\"memory\":{\"limit\":-1}}"), HR_MISSING_QUIET);
	/* extra swap cannot be had at all: an error naming memory.swap */
	cr_expect_eq(swap_if_missing("{\"memory\":{\"limit\":1000000,\"swap\":3000000}}"),
		     HR_MISSING_FAIL);
}

/* ---- update options ---- */

Test(cgroup_update, options_map_to_resources)
{
	struct hr_resources r = {0};
	struct hr_err err = {0};

	cr_assert_eq(hr_resources_set_option(&r, "memory", "512M", &err), 0, "%s", err.msg);
	cr_assert(r.has_memory && r.memory.limit.set);
	cr_assert_eq(r.memory.limit.value, 536870912);
	cr_assert_eq(hr_resources_set_option(&r, "memory-swap", "1g", &err), 0);
	cr_assert_eq(r.memory.swap.value, 1073741824);
	cr_assert_eq(hr_resources_set_option(&r, "memory-reservation", "-1", &err), 0);
	cr_assert_eq(r.memory.reservation.value, -1);
	cr_assert_eq(hr_resources_set_option(&r, "cpu-quota", "-1", &err), 0);
	cr_assert(r.has_cpu && r.cpu.quota.set && r.cpu.quota.value == -1);
	cr_assert_eq(hr_resources_set_option(&r, "cpu-period", "100000", &err), 0);
	cr_assert_eq(r.cpu.period.value, 100000);
	cr_assert_eq(hr_resources_set_option(&r, "cpu-shares", "512", &err), 0);
	cr_assert_eq(r.cpu.shares.value, 512);
	cr_assert_eq(hr_resources_set_option(&r, "cpuset-cpus", "0-1", &err), 0);
	cr_assert_str_eq(r.cpu.cpus, "0-1");
	cr_assert_eq(hr_resources_set_option(&r, "cpuset-mems", "0", &err), 0);
	cr_assert_str_eq(r.cpu.mems, "0");
	cr_assert_eq(hr_resources_set_option(&r, "pids-limit", "100", &err), 0);
	cr_assert(r.has_pids && r.pids_limit.value == 100);
	cr_assert_eq(hr_resources_set_option(&r, "blkio-weight", "300", &err), 0);
	cr_assert(r.has_block_io && r.block_io.weight == 300);
	cr_assert_eq(hr_resources_set_option(&r, "memory", "1048576", &err), 0);
	cr_assert_eq(r.memory.limit.value, 1048576);
}

Test(cgroup_update, bad_options_are_named)
{
	struct hr_resources r = {0};
	struct hr_err err = {0};

	cr_assert_lt(hr_resources_set_option(&r, "memory", "12X", &err), 0);
	cr_assert(strstr(err.msg, "--memory 12X") != NULL, "%s", err.msg);
	cr_assert_lt(hr_resources_set_option(&r, "blkio-weight", "5", &err), 0);
	cr_assert(strstr(err.msg, "10..1000") != NULL, "%s", err.msg);
	cr_assert_lt(hr_resources_set_option(&r, "cpu-period", "-5", &err), 0);
	cr_assert_lt(hr_resources_set_option(&r, "cpu-period", "-1", &err), 0);
	cr_assert_lt(hr_resources_set_option(&r, "kernel-memory", "1", &err), 0);
	cr_assert(strstr(err.msg, "unknown update option --kernel-memory") != NULL, "%s", err.msg);
}

/* ---- the device filter ---- */

/* Runs a device program over one request; -1 when an instruction is not understood. */
static int run_prog(const struct bpf_insn *p, size_t len, int type, int access, uint32_t major,
		    uint32_t minor)
{
	uint32_t ctx[3] = {(uint32_t)type | ((uint32_t)access << 16), major, minor};
	uint64_t reg[11] = {0};

	for (size_t pc = 0; pc < len; pc++) {
		const struct bpf_insn *in = &p[pc];
		uint64_t src =
		    BPF_SRC(in->code) == BPF_X ? reg[in->src_reg] : (uint64_t)(int64_t)in->imm;
		bool jump = false;

		switch (in->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			cr_assert_eq(in->src_reg, BPF_REG_1);
			reg[in->dst_reg] = ctx[in->off / 4];
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			reg[in->dst_reg] = (uint32_t)(reg[in->dst_reg] & src);
			continue;
		case BPF_ALU | BPF_RSH | BPF_K:
			reg[in->dst_reg] = (uint32_t)reg[in->dst_reg] >> in->imm;
			continue;
		case BPF_ALU | BPF_MOV | BPF_X:
		case BPF_ALU | BPF_MOV | BPF_K:
			reg[in->dst_reg] = (uint32_t)src;
			continue;
		case BPF_JMP32 | BPF_JNE | BPF_K:
		case BPF_JMP32 | BPF_JNE | BPF_X:
			jump = (uint32_t)reg[in->dst_reg] != (uint32_t)src;
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
			jump = (uint32_t)reg[in->dst_reg] == (uint32_t)src;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)reg[BPF_REG_0];
		default:
			return -1;
		}
		if (jump) {
			cr_assert_lt(pc + (size_t)in->off + 1, len + 1, "jump past the end at %zu",
				     pc);
			pc += (size_t)in->off;
		}
	}
	return -2; /* fell off the end */
}

#define C  BPF_DEVCG_DEV_CHAR
#define B  BPF_DEVCG_DEV_BLOCK
#define R  BPF_DEVCG_ACC_READ
#define W  BPF_DEVCG_ACC_WRITE
#define MK BPF_DEVCG_ACC_MKNOD

static struct hr_device_rule rule(bool allow, char type, int64_t major, int64_t minor,
				  const char *access)
{
	return (struct hr_device_rule){.allow = allow,
				       .type = type,
				       .major = {major >= 0, major},
				       .minor = {minor >= 0, minor},
				       .access = (char *)access};
}

struct prog {
	struct hr_arena arena;
	struct bpf_insn *insns;
	size_t len;
};

static void build(struct prog *p, const struct hr_device_rule *rules, size_t n)
{
	struct hr_err err = {0};

	memset(p, 0, sizeof(*p));
	cr_assert_eq(hr_devfilter_build(rules, n, &p->arena, &p->insns, &p->len, &err), 0, "%s",
		     err.msg);
}

Test(devfilter, production_rules_as_runc_lays_them_out)
{
	struct hr_device_rule rules[] = {
	    rule(false, 'a', -1, -1, "rwm"), rule(true, 'c', 1, 3, "rwm"),
	    rule(true, 'c', 1, 5, "rwm"),    rule(true, 'c', 1, 7, "rwm"),
	    rule(true, 'c', 1, 8, "rwm"),    rule(true, 'c', 1, 9, "rwm"),
	    rule(true, 'c', 5, 0, "rwm"),    rule(true, 'c', 5, 2, "rwm"),
	    rule(true, 'c', 136, -1, "rwm"),
	};
	struct prog p;

	build(&p, rules, 9);
	/* prologue 6, seven rules of 5 (type, major, minor, verdict), 136:* of 4, default 2 */
	cr_assert_eq(p.len, 6 + 7 * 5 + 4 + 2);
	cr_assert_eq(p.insns[0].code, BPF_LDX | BPF_MEM | BPF_W);
	cr_assert_eq(p.insns[p.len - 2].code, BPF_ALU | BPF_MOV | BPF_K);
	cr_assert_eq(p.insns[p.len - 2].imm, 0, "default deny");
	cr_assert_eq(p.insns[p.len - 1].code, BPF_JMP | BPF_EXIT);
	cr_assert_eq(run_prog(p.insns, p.len, C, R | W, 1, 3), 1, "/dev/null");
	cr_assert_eq(run_prog(p.insns, p.len, C, MK, 136, 42), 1, "a pty");
	cr_assert_eq(run_prog(p.insns, p.len, C, R, 1, 4), 0, "/dev/port");
	cr_assert_eq(run_prog(p.insns, p.len, B, R, 7, 200), 0, "a block device");
	cr_assert_eq(run_prog(p.insns, p.len, B, R, 1, 3), 0, "block 1:3 is not char 1:3");
	hr_arena_free(&p.arena);
}

Test(devfilter, access_subsets)
{
	struct hr_device_rule rules[] = {rule(true, 'c', 10, 200, "rw")};
	struct prog p;

	build(&p, rules, 1);
	/* default deny (no "a" rule): prologue 6, block with access test 8, default 2 */
	cr_assert_eq(p.len, 16);
	cr_assert_eq(run_prog(p.insns, p.len, C, R, 10, 200), 1);
	cr_assert_eq(run_prog(p.insns, p.len, C, R | W, 10, 200), 1);
	cr_assert_eq(run_prog(p.insns, p.len, C, MK, 10, 200), 0, "mknod not allowed");
	cr_assert_eq(run_prog(p.insns, p.len, C, R, 10, 201), 0);
	hr_arena_free(&p.arena);
}

Test(devfilter, allow_all_then_deny_one)
{
	struct hr_device_rule rules[] = {rule(true, 'a', -1, -1, NULL),
					 rule(false, 'b', 8, -1, "w")};
	struct prog p;

	build(&p, rules, 2);
	cr_assert_eq(p.insns[p.len - 2].imm, 1, "default allow");
	cr_assert_eq(run_prog(p.insns, p.len, B, W, 8, 1), 0);
	cr_assert_eq(run_prog(p.insns, p.len, B, R | W, 8, 1), 0, "any denied access denies");
	cr_assert_eq(run_prog(p.insns, p.len, B, R, 8, 1), 1);
	cr_assert_eq(run_prog(p.insns, p.len, C, W, 8, 1), 1);
	hr_arena_free(&p.arena);
}

Test(devfilter, later_rules_win_and_holes_are_punched)
{
	struct hr_device_rule rules[] = {
	    rule(true, 'c', 1, 3, "rwm"), /* before the "a" rule: irrelevant */
	    rule(false, 'a', -1, -1, "rwm"), rule(true, 'c', -1, -1, "rwm"),
	    rule(false, 'c', 1, 3, "rwm"),   rule(false, 'c', 1, 9, "rwm"),
	    rule(true, 'c', 1, 9, "r"),
	};
	struct prog p;

	build(&p, rules, 6);
	cr_assert_eq(run_prog(p.insns, p.len, C, R, 1, 3), 0, "hole in c *:*");
	cr_assert_eq(run_prog(p.insns, p.len, C, R, 4, 1), 1);
	cr_assert_eq(run_prog(p.insns, p.len, C, R, 1, 9), 1, "re-allowed for reading");
	cr_assert_eq(run_prog(p.insns, p.len, C, W, 1, 9), 0);
	cr_assert_eq(run_prog(p.insns, p.len, B, R, 1, 3), 0);
	hr_arena_free(&p.arena);
}

Test(devfilter, rules_equal_to_the_default_are_dropped)
{
	struct hr_device_rule rules[] = {rule(false, 'a', -1, -1, "rwm"),
					 rule(false, 'c', 1, 3, "rwm")};
	struct prog p;

	build(&p, rules, 2);
	cr_assert_eq(p.len, 8, "prologue and default deny only");
	hr_arena_free(&p.arena);
}

/* Docker's --device and Kubernetes' device plugins add many rules: the kernel must accept the
 * program whatever its size (a verifier log too small for it once made the load fail). */
Test(devfilter, the_kernel_loads_a_filter_of_many_rules)
{
	struct hr_device_rule rules[65];
	struct hr_err err = {0};
	struct prog p;
	int fd;

	rules[0] = rule(false, 'a', -1, -1, "rwm");
	for (int i = 1; i < 65; i++)
		rules[i] = rule(true, i % 2 ? 'c' : 'b', 240 + i % 8, i, i % 3 ? "rw" : "rwm");
	build(&p, rules, 65);
	cr_assert_gt(p.len, 64 * 5);
	fd = hr_devfilter_load(p.insns, p.len, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	close(fd);
	hr_arena_free(&p.arena);
}

Test(devfilter, plan_compiles_device_rules)
{
	struct hr_resources_doc *doc = parse_resources(
	    "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
	    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]}");
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	struct hr_err err = {0};

	cr_assert_eq(hr_cgroup_plan_build(&doc->resources, &arena, &plan, &err), 0, "%s", err.msg);
	cr_assert_not_null(plan.dev_prog);
	cr_assert_eq(plan.dev_prog_len, 6 + 5 + 2);
	cr_assert_eq(plan.n_writes, 0);
	cr_assert_eq(plan.controllers, 0, "devices need no controller in cgroup v2");
	hr_arena_free(&arena);
	hr_resources_doc_free(doc);
}

/* ---- the systemd unit ---- */

static const char *unit_of(const char *cgroups_path)
{
	static char out[1024];
	char slice[256], unit[512];
	struct hr_err err = {0};

	if (hr_cgroup_systemd_unit(cgroups_path, "c1", false, slice, sizeof(slice), unit,
				   sizeof(unit), &err) < 0)
		snprintf(out, sizeof(out), "error: %s", err.msg);
	else
		snprintf(out, sizeof(out), "%s %s", slice, unit);
	return out;
}

Test(cgroup_systemd, slice_prefix_name)
{
	cr_assert_str_eq(unit_of("machine.slice:libpod:abc"), "machine.slice libpod-abc.scope");
	cr_assert_str_eq(unit_of(":docker:abc"), "system.slice docker-abc.scope");
	cr_assert_str_eq(unit_of("user.slice::abc"), "user.slice abc.scope");
	cr_assert_str_eq(unit_of(NULL), "system.slice hardrun-c1.scope");
	cr_assert(strstr(unit_of("/a/b"), "expects \"slice:prefix:name\"") != NULL);
	cr_assert(strstr(unit_of("a:b"), "expects") != NULL);
	cr_assert(strstr(unit_of("a:b:c:d"), "expects") != NULL);
	cr_assert(strstr(unit_of("a:b:"), "expects") != NULL);
}

Test(cgroup_systemd, rootless_default_slice_is_user_slice)
{
	char slice[256], unit[512];
	struct hr_err err = {0};

	cr_assert_eq(hr_cgroup_systemd_unit(NULL, "c1", true, slice, sizeof(slice), unit,
					    sizeof(unit), &err),
		     0);
	cr_assert_str_eq(slice, "user.slice");
	cr_assert_str_eq(unit, "hardrun-c1.scope");
	cr_assert_eq(hr_cgroup_systemd_unit(":p:n", "c1", true, slice, sizeof(slice), unit,
					    sizeof(unit), &err),
		     0);
	cr_assert_str_eq(slice, "user.slice");
	cr_assert_eq(hr_cgroup_systemd_unit("app.slice:p:n", "c1", true, slice, sizeof(slice), unit,
					    sizeof(unit), &err),
		     0);
	cr_assert_str_eq(slice, "app.slice");
	cr_assert_str_eq(unit, "p-n.scope");
}

Test(cgroup_systemd, user_manager_of_a_scope_path)
{
	uid_t uid = 0;

	cr_assert(hr_cgroup_systemd_user_uid("/sys/fs/cgroup/user.slice/user-1002.slice/"
					     "user@1002.service/user.slice/hardrun-a.scope",
					     &uid));
	cr_assert_eq(uid, 1002);
	cr_assert_not(
	    hr_cgroup_systemd_user_uid("/sys/fs/cgroup/system.slice/hardrun-a.scope", &uid));
	cr_assert_not(hr_cgroup_systemd_user_uid("/sys/fs/cgroup/user@x.service/a.scope", &uid));
	cr_assert_not(
	    hr_cgroup_systemd_user_uid("/sys/fs/cgroup/a/user@12.services/a.scope", &uid));
}

/* Rootless: a limit on a controller the user manager lacks fails naming field, controller, fix. */
Test(cgroup_systemd, undelegated_controller_is_refused_by_name)
{
	struct hr_resources_doc *doc =
	    parse_resources("{\"memory\":{\"limit\":104857600},\"pids\":{\"limit\":20},"
			    "\"cpu\":{\"shares\":512,\"cpus\":\"0\"}}");
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	struct hr_err err = {0};

	cr_assert_eq(hr_cgroup_plan_build(&doc->resources, &arena, &plan, &err), 0, "%s", err.msg);
	cr_assert_eq(hr_cgroup_systemd_delegated(&plan, "cpu cpuset memory pids", 1002, &err), 0);
	cr_assert_eq(hr_cgroup_systemd_delegated(&plan, "cpu memory pids", 1002, &err), -1);
	cr_assert_eq(err.errnum, ENOTSUP);
	cr_assert(strstr(err.msg, "linux.resources.cpu.cpus needs the cpuset cgroup controller") !=
		      NULL,
		  "%s", err.msg);
	cr_assert(strstr(err.msg, "user@1002.service has \"cpu memory pids\"") != NULL, "%s",
		  err.msg);
	cr_assert(strstr(err.msg, "Delegate=cpu memory pids cpuset") != NULL, "%s", err.msg);
	cr_assert_eq(hr_cgroup_systemd_delegated(&plan, "cpuset", 1002, &err), -1);
	cr_assert(strstr(err.msg, "the cpu cgroup controller") != NULL, "%s", err.msg);
	hr_arena_free(&arena);
	hr_resources_doc_free(doc);
}

/* ---- the scope's properties (create and update) ---- */

static uint64_t prop_value(const struct hr_sd_props *p, const char *name)
{
	const struct hr_sd_prop *prop = hr_sd_props_find(p, name);

	cr_assert_not_null(prop, "no %s", name);
	cr_assert_not(prop->is_mask, "%s is a mask", name);
	return prop->value;
}

static void props_of(const char *json, struct hr_sd_props *p)
{
	struct hr_resources_doc *doc = parse_resources(json);
	struct hr_err err = {0};

	cr_assert_eq(hr_sd_props_build(&doc->resources, p, &err), 0, "%s", err.msg);
	hr_resources_doc_free(doc);
}

Test(cgroup_sdprops, production_profile_values)
{
	struct hr_sd_props p;
	char names[256];

	props_of("{\"memory\":{\"limit\":536870912,\"swap\":536870912},"
		 "\"cpu\":{\"quota\":50000,\"period\":100000,\"shares\":1024},"
		 "\"pids\":{\"limit\":256},\"unified\":{\"memory.high\":\"400000000\"}}",
		 &p);
	cr_assert_eq(prop_value(&p, "MemoryMax"), 536870912);
	cr_assert_eq(prop_value(&p, "MemorySwapMax"), 0);
	cr_assert_eq(prop_value(&p, "CPUWeight"), 39);
	cr_assert_eq(prop_value(&p, "CPUQuotaPerSecUSec"), 500000);
	cr_assert_eq(prop_value(&p, "CPUQuotaPeriodUSec"), 100000);
	cr_assert_eq(prop_value(&p, "TasksMax"), 256);
	/* unified has no property: the files only */
	hr_sd_props_names(&p, names, sizeof(names));
	cr_assert_str_eq(names, "MemoryMax, MemorySwapMax, CPUWeight, CPUQuotaPerSecUSec, "
				"CPUQuotaPeriodUSec, TasksMax");
}

Test(cgroup_sdprops, unlimited_is_infinity)
{
	struct hr_sd_props p;

	props_of("{\"memory\":{\"limit\":-1,\"reservation\":-1},\"cpu\":{\"quota\":-1},"
		 "\"pids\":{\"limit\":0}}",
		 &p);
	cr_assert_eq(prop_value(&p, "MemoryMax"), HR_SD_INFINITY);
	cr_assert_eq(prop_value(&p, "MemoryLow"), HR_SD_INFINITY);
	/* memory unlimited and swap unsaid: swap unlimited too, as the files */
	cr_assert_eq(prop_value(&p, "MemorySwapMax"), HR_SD_INFINITY);
	cr_assert_eq(prop_value(&p, "CPUQuotaPerSecUSec"), HR_SD_INFINITY);
	cr_assert_null(hr_sd_props_find(&p, "CPUQuotaPeriodUSec"));
	cr_assert_eq(prop_value(&p, "TasksMax"), HR_SD_INFINITY);
}

Test(cgroup_sdprops, quota_rounds_up_to_10ms_and_period_alone)
{
	struct hr_resources r = {0};
	struct hr_err err = {0};
	struct hr_sd_props p;

	props_of("{\"cpu\":{\"quota\":12345,\"period\":100000}}", &p);
	cr_assert_eq(prop_value(&p, "CPUQuotaPerSecUSec"), 130000);
	/* update --cpu-quota alone: per second of systemd's default period, 100 ms */
	cr_assert_eq(hr_resources_set_option(&r, "cpu-quota", "20000", &err), 0, "%s", err.msg);
	cr_assert_eq(hr_sd_props_build(&r, &p, &err), 0, "%s", err.msg);
	cr_assert_eq(prop_value(&p, "CPUQuotaPerSecUSec"), 200000);
	cr_assert_null(hr_sd_props_find(&p, "CPUQuotaPeriodUSec"));
	props_of("{\"cpu\":{\"period\":50000}}", &p);
	cr_assert_eq(prop_value(&p, "CPUQuotaPerSecUSec"), HR_SD_INFINITY);
	cr_assert_eq(prop_value(&p, "CPUQuotaPeriodUSec"), 50000);
	props_of("{\"memory\":{\"limit\":268435456,\"swap\":1073741824,\"reservation\":67108864}}",
		 &p);
	cr_assert_eq(prop_value(&p, "MemorySwapMax"), 1073741824 - 268435456);
	cr_assert_eq(prop_value(&p, "MemoryLow"), 67108864);
}

Test(cgroup_sdprops, cpusets_are_little_endian_bitmasks_as_runc)
{
	struct hr_sd_props p;
	const struct hr_sd_prop *cpus, *mems;

	props_of("{\"cpu\":{\"cpus\":\"0-2,9\",\"mems\":\"0\"},\"blockIO\":{\"weight\":500}}", &p);
	cpus = hr_sd_props_find(&p, "AllowedCPUs");
	mems = hr_sd_props_find(&p, "AllowedMemoryNodes");
	cr_assert(cpus != NULL && cpus->is_mask && mems != NULL && mems->is_mask);
	cr_assert_eq(cpus->n_bytes, 2);
	cr_assert_eq(cpus->bytes[0], 0x07);
	cr_assert_eq(cpus->bytes[1], 0x02);
	cr_assert_eq(mems->n_bytes, 1);
	cr_assert_eq(mems->bytes[0], 0x01);
	cr_assert_eq(prop_value(&p, "IOWeight"), 4950);
	props_of("{\"cpu\":{\"cpus\":\"8191\"}}", &p);
	cpus = hr_sd_props_find(&p, "AllowedCPUs");
	cr_assert_eq(cpus->n_bytes, HR_SD_MASK_BYTES);
	cr_assert_eq(cpus->bytes[HR_SD_MASK_BYTES - 1], 0x80);
}

Test(cgroup_sdprops, what_cannot_be_expressed_is_named)
{
	struct hr_resources r = {0};
	struct hr_sd_props p;
	struct hr_err err = {0};

	/* update options, which the config parser did not see */
	cr_assert_eq(hr_resources_set_option(&r, "cpuset-cpus", "3-1", &err), 0, "%s", err.msg);
	cr_assert_lt(hr_sd_props_build(&r, &p, &err), 0);
	cr_assert(strstr(err.msg, "cpu.cpus \"3-1\"") != NULL, "%s", err.msg);
	cr_assert(strstr(err.msg, "AllowedCPUs") != NULL, "%s", err.msg);
	r = (struct hr_resources){0};
	cr_assert_eq(hr_resources_set_option(&r, "memory-swap", "1G", &err), 0, "%s", err.msg);
	cr_assert_lt(hr_sd_props_build(&r, &p, &err), 0);
	cr_assert(strstr(err.msg, "needs a memory limit") != NULL, "%s", err.msg);
}

Test(cgroup_sdprops, a_property_systemd_does_not_know_is_dropped)
{
	struct hr_sd_props p;
	char names[256];

	props_of("{\"cpu\":{\"quota\":20000,\"period\":100000},\"pids\":{\"limit\":50}}", &p);
	cr_assert(hr_sd_props_remove(&p, "CPUQuotaPeriodUSec"));
	cr_assert_not(hr_sd_props_remove(&p, "CPUQuotaPeriodUSec"));
	hr_sd_props_names(&p, names, sizeof(names));
	cr_assert_str_eq(names, "CPUQuotaPerSecUSec, TasksMax");
	p.n = 0;
	hr_sd_props_names(&p, names, sizeof(names));
	cr_assert_str_eq(names, "none");
}

/* ---- update: memory.checkBeforeUpdate, against a directory standing for the cgroup ---- */

Test(cgroup_update, check_before_update_compares_with_memory_current)
{
	char dir[] = "/tmp/hr-cg-XXXXXX", file[64];
	struct hr_resources r = {.has_memory = true,
				 .memory = {.limit = {true, 8192}, .check_before_update = true}};
	struct hr_err err = {0};
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/memory.current", dir);
	cr_assert_not_null(f = fopen(file, "w"));
	fputs("1048576\n", f);
	fclose(f);
	cr_assert_lt(hr_cgroup_dir_check_update(dir, &r, &err), 0);
	cr_assert_eq(err.errnum, EBUSY);
	cr_assert(strstr(err.msg, "linux.resources.memory.checkBeforeUpdate: the new limit 8192 is "
				  "below the current usage 1048576") != NULL,
		  "%s", err.msg);
	r.memory.limit.value = 2097152;
	cr_assert_eq(hr_cgroup_dir_check_update(dir, &r, &err), 0, "%s", err.msg);
	/* without the flag, or without a positive limit, nothing is read */
	r.memory.limit.value = 8192;
	r.memory.check_before_update = false;
	cr_assert_eq(hr_cgroup_dir_check_update(dir, &r, &err), 0);
	unlink(file);
	r.memory.check_before_update = true;
	r.memory.limit.value = -1;
	cr_assert_eq(hr_cgroup_dir_check_update(dir, &r, &err), 0);
	r.memory.limit.value = 8192;
	cr_assert_lt(hr_cgroup_dir_check_update(dir, &r, &err), 0, "no memory.current: an error");
	cr_assert(strstr(err.msg, "checkBeforeUpdate") != NULL, "%s", err.msg);
	rmdir(dir);
}
