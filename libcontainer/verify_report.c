/* SPDX-License-Identifier: GPL-2.0-or-later */
/* verify's reports as text and JSON (verify_job.h). */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "verify_report.h"

int hr_verify_print_text(const struct hr_verify_report *r, FILE *out)
{
	fprintf(out, "container %s%s%s\n", r->id, r->baseline ? ", baseline " : "",
		r->baseline ? r->baseline : "");
	fprintf(out, "%-6s %-8s %-44s %-19s %s\n", "RESULT", "PID", "CHECK", "SOURCE",
		"OBSERVED / EXPECTED");
	for (size_t i = 0; i < r->n; i++) {
		const struct hr_verify_check *c = &r->checks[i];
		char pid[16] = "-", source[48];

		if (c->pid > 0)
			snprintf(pid, sizeof(pid), "%d", (int)c->pid);
		snprintf(source, sizeof(source), "%s%s%s", c->source, c->rule ? " " : "",
			 c->rule ? c->rule : "");
		if (c->result == HR_VERIFY_SKIP)
			fprintf(out, "%-6s %-8s %-44s %-19s %s\n", hr_verify_result_name(c->result),
				pid, c->name, source, c->expected);
		else
			fprintf(out, "%-6s %-8s %-44s %-19s observed %s; expected %s\n",
				hr_verify_result_name(c->result), pid, c->name, source, c->observed,
				c->expected);
	}
	fprintf(out, "%zu passed, %zu failed, %zu skipped\n", r->counts[HR_VERIFY_PASS],
		r->counts[HR_VERIFY_FAIL], r->counts[HR_VERIFY_SKIP]);
	return ferror(out) ? -1 : 0;
}

void hr_verify_gen_json(yajl_gen g, const struct hr_verify_report *r)
{
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "id", r->id);
	hr_jgen_key(g, "baseline");
	if (r->baseline != NULL)
		hr_jgen_str(g, r->baseline);
	else
		yajl_gen_null(g);
	hr_jgen_key(g, "summary");
	yajl_gen_map_open(g);
	hr_jgen_kv_u64(g, "passed", r->counts[HR_VERIFY_PASS]);
	hr_jgen_kv_u64(g, "failed", r->counts[HR_VERIFY_FAIL]);
	hr_jgen_kv_u64(g, "skipped", r->counts[HR_VERIFY_SKIP]);
	yajl_gen_map_close(g);
	hr_jgen_key(g, "checks");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->n; i++) {
		const struct hr_verify_check *c = &r->checks[i];

		yajl_gen_map_open(g);
		hr_jgen_kv_str(g, "check", c->name);
		hr_jgen_kv_i64(g, "pid", c->pid);
		hr_jgen_kv_str(g, "source", c->source);
		hr_jgen_key(g, "rule");
		if (c->rule != NULL)
			hr_jgen_str(g, c->rule);
		else
			yajl_gen_null(g);
		hr_jgen_kv_str(g, "result", hr_verify_result_name(c->result));
		if (c->result == HR_VERIFY_SKIP) {
			hr_jgen_kv_str(g, "reason", c->expected);
		} else {
			hr_jgen_kv_str(g, "observed", c->observed);
			hr_jgen_kv_str(g, "expected", c->expected);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}
