/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_probe.c - `nsboot probe [--json]`: what the running kernel does, each
 * fact found by experiment (probe_*.c) and printed with how it was found.
 * The keys are documented in docs/probe.md and are stable.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probe.h"

static const char probe_help[] =
        "Usage: nsboot probe [--json]\n"
        "\n"
        "Find out by experiment how the running kernel behaves: CPU affinity semantics\n"
        "around cpuset moves (old: before 6.2, a move replaces the mask; new: the user's\n"
        "mask is kept), the cgroup layout, setns with a pidfd, clone3, CLONE_INTO_CGROUP,\n"
        "time namespaces, the id-map extent limit and CAP_SYS_RESOURCE.\n"
        "\n"
        "Experiments run in child processes and scratch cgroups under this process's own\n"
        "cgroup, which are removed again; most need root. A fact that could not be decided\n"
        "is null (JSON) or 'unknown' (text); its 'how' says why.\n"
        "\n"
        "Options:\n"
        "  --json       one JSON object: each key, then \"how\": {key: explanation}\n"
        "  -h, --help   print this help\n"
        "\n"
        "Keys: kernel_release, cpus_online, affinity_semantics (old|new|unknown),\n"
        "cgroup_v1_cpuset, cgroup_v2, cgroup_v2_cpuset, setns_pidfd, clone3,\n"
        "clone_into_cgroup, time_namespaces, idmap_max_extents, cap_sys_resource, restored.\n"
        "See docs/probe.md.\n"
        "\n"
        "Exit status: 0 done (unknown facts included), 2 usage error, or something the\n"
        "probe created could not be removed (restored: false).\n";

enum { OPT_JSON = 256 };

static const struct option probe_options[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

/* Schema of the JSON object; bumped only if a key changes meaning (never so far). */
#define PROBE_SCHEMA 1

static bool add_fact_json(cJSON *obj, cJSON *how, enum probe_fact_id id, const struct probe_fact *f)
{
	const char *key = probe_fact_key(id);
	bool ok;

	if (!f->known) {
		ok = cJSON_AddNullToObject(obj, key) != NULL;
	} else if (f->type == PROBE_V_BOOL) {
		ok = cJSON_AddBoolToObject(obj, key, f->b) != NULL;
	} else if (f->type == PROBE_V_INT) {
		ok = cli_json_add_int(obj, key, f->i);
	} else {
		ok = cli_json_add_bytes(obj, key, f->s, strlen(f->s));
	}
	return ok && cli_json_add_bytes(how, key, f->how.text, strlen(f->how.text));
}

static bool print_json(const struct probe_report *r)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *how = cJSON_CreateObject();
	bool ok = root != NULL && how != NULL && cli_json_add_int(root, "schema", PROBE_SCHEMA);

	for (int i = 0; ok && i < PROBE_F_COUNT; i++) {
		ok = add_fact_json(root, how, (enum probe_fact_id)i, &r->facts[i]);
	}
	if (ok) {
		ok = cJSON_AddItemToObject(root, "how", how);
		how = ok ? NULL : how;
	}
	ok = ok && cli_json_print(root);
	cJSON_Delete(how);
	cJSON_Delete(root);
	return ok;
}

static void print_text(const struct probe_report *r)
{
	for (int i = 0; i < PROBE_F_COUNT; i++) {
		const struct probe_fact *f = &r->facts[i];
		(void)printf("%-20s ", probe_fact_key((enum probe_fact_id)i));
		if (!f->known) {
			(void)fputs(f->type == PROBE_V_STRING ? "none" : "unknown", stdout);
		} else if (f->type == PROBE_V_BOOL) {
			(void)fputs(f->b ? "yes" : "no", stdout);
		} else if (f->type == PROBE_V_INT) {
			(void)printf("%lld", f->i);
		} else {
			cli_put_escaped(stdout, f->s, strlen(f->s), false);
		}
		(void)fputs("\n    how: ", stdout);
		cli_put_escaped(stdout, f->how.text, strlen(f->how.text), false);
		(void)fputc('\n', stdout);
	}
}

int cli_cmd_probe(int argc, char **argv)
{
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, ":h", probe_options, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case 'h':
			(void)fputs(probe_help, stdout);
			return cli_finish_stdout("probe", CLI_EXIT_OK);
		default:
			return cli_getopt_error("probe", argv, c);
		}
	}
	if (optind < argc) {
		return cli_usage("probe", "unexpected argument '%s'", argv[optind]);
	}

	struct probe_report *r = malloc(sizeof(*r));
	if (r == NULL) {
		return cli_sys_error("probe", "report", ENOMEM);
	}
	probe_collect(r);
	int status = CLI_EXIT_OK;
	if (json) {
		if (!print_json(r)) {
			status = cli_sys_error("probe", "JSON output", ENOMEM);
		}
	} else {
		print_text(r);
	}
	if (!r->facts[PROBE_F_RESTORED].b) {
		(void)fprintf(stderr, "nsboot probe: %s\n", r->facts[PROBE_F_RESTORED].how.text);
		status = CLI_EXIT_USAGE;
	}
	free(r);
	return cli_finish_stdout("probe", status);
}
