/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec_place.c - `nsboot exec --cpu-affinity-initial/-final LIST,
 * --process FILE, --cgroup DIR` (exec_place.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "exec_place.h"

/* The first 64 bytes of @text for a message, '?' for each byte that is not
 * printable ASCII (it may come from a file: no control byte reaches the
 * terminal), "..." if cut. @out has room for 68 bytes. */
static void printable(const char *text, size_t len, char out[68])
{
	size_t i;

	for (i = 0; i < len && i < 64; i++) {
		out[i] = '?';
		if (text[i] >= ' ' && text[i] <= '~')
			out[i] = text[i];
	}
	(void)snprintf(out + i, 68 - i, "%s", len > i ? "..." : "");
}

/* Parse @text as a CPU list into @set; NULL, or why not in @why. */
static const char *parse_list(const char *text, size_t len, struct nsb_cpuset *set, char *why, size_t cap)
{
	struct nsb_error err;
	enum nsb_err rc = nsb_cpulist_parse(text, len, set, &err);
	char shown[68];

	if (rc == NSB_OK)
		return NULL;
	printable(text, len, shown);
	(void)snprintf(why, cap, "'%s' is not a CPU list: %s at position %u: %s", shown, nsb_error_name(rc),
	               (unsigned)err.pos, nsb_error_describe(rc));
	return why;
}

int exec_place_cpus(struct exec_place *pl, bool final, const char *text)
{
	char why[256];

	if (parse_list(text, strlen(text), final ? &pl->final : &pl->initial, why, sizeof(why)) != NULL)
		return cli_usage("exec", "--cpu-affinity-%s: %s", final ? "final" : "initial", why);
	if (final)
		pl->final_opt = true;
	else
		pl->initial_opt = true;
	return -1;
}

/* One member of execCPUAffinity: a CPU list string or null. */
static const char *take_member(struct exec_place *pl, const cJSON *m, bool final, char *why, size_t cap)
{
	struct nsb_cpuset *set = malloc(sizeof(*set)); /* 8 KiB: checked even when an option wins */
	const char *bad = NULL;

	if (set == NULL)
		return strerror(ENOMEM);
	memset(set, 0, sizeof(*set));
	if (cJSON_IsString(m)) {
		char inner[224];
		bad = parse_list(m->valuestring, strlen(m->valuestring), set, inner, sizeof(inner));
		if (bad != NULL) {
			(void)snprintf(why, cap, "execCPUAffinity.%s: %s", m->string, inner);
			bad = why;
		}
	} else if (!cJSON_IsNull(m)) {
		(void)snprintf(why, cap, "execCPUAffinity.%s is not a string", m->string);
		bad = why;
	}
	if (bad == NULL && !(final ? pl->final_opt : pl->initial_opt))
		memcpy(final ? &pl->final : &pl->initial, set, sizeof(*set));
	free(set);
	return bad;
}

static const char *take_affinity(struct exec_place *pl, const cJSON *aff, char *why, size_t cap)
{
	bool seen[2] = {false, false};
	const cJSON *m;

	if (cJSON_IsNull(aff))
		return NULL;
	if (!cJSON_IsObject(aff)) {
		(void)snprintf(why, cap, "execCPUAffinity is not an object");
		return why;
	}
	cJSON_ArrayForEach(m, aff)
	{
		bool final = strcmp(m->string, "final") == 0;
		const char *bad;
		if (!final && strcmp(m->string, "initial") != 0) {
			(void)snprintf(why, cap,
			               "execCPUAffinity has a member '%.64s': only initial and final",
			               m->string);
			return why;
		}
		if (seen[final]) {
			(void)snprintf(why, cap, "execCPUAffinity.%s is given twice", m->string);
			return why;
		}
		seen[final] = true;
		if ((bad = take_member(pl, m, final, why, cap)) != NULL)
			return bad;
	}
	return NULL;
}

const char *exec_place_process_json(struct exec_place *pl, const char *json, size_t len, char *why,
                                    size_t cap)
{
	const char *bad = NULL, *end = NULL;
	const cJSON *aff = NULL, *m = NULL;
	char *text;
	cJSON *root;

	/* cJSON reads C strings: a NUL inside would hide what follows it */
	if (memchr(json, '\0', len) != NULL) {
		(void)snprintf(why, cap, "not JSON: a NUL byte at offset %zu",
		               (size_t)((const char *)memchr(json, '\0', len) - json));
		return why;
	}
	if ((text = malloc(len + 1)) == NULL)
		return strerror(ENOMEM);
	memcpy(text, json, len);
	text[len] = '\0';
	root = cJSON_ParseWithOpts(text, &end, 1); /* 1: nothing but white space after the value */
	if (root == NULL) {
		(void)snprintf(why, cap, "not JSON: error at offset %zu",
		               end != NULL && end >= text ? (size_t)(end - text) : (size_t)0);
		free(text);
		return why;
	}
	if (!cJSON_IsObject(root)) {
		(void)snprintf(why, cap, "not a process object: the top level is not a JSON object");
		bad = why;
	} else {
		cJSON_ArrayForEach(m, root)
		{
			if (strcmp(m->string, "execCPUAffinity") != 0)
				continue;
			if (aff != NULL) {
				(void)snprintf(why, cap, "execCPUAffinity is given twice");
				bad = why;
				break;
			}
			aff = m;
		}
	}
	if (bad == NULL && aff != NULL)
		bad = take_affinity(pl, aff, why, cap);
	cJSON_Delete(root);
	free(text);
	return bad;
}

/* --cgroup DIR: a directory with a cgroup.procs file (v1 or v2). */
static int check_cgroup(const char *dir)
{
	char procs[4096];
	struct stat st;

	if (dir[0] == '\0')
		return cli_usage("exec", "--cgroup needs a directory, not ''");
	if (stat(dir, &st) != 0)
		return cli_usage("exec", "--cgroup %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cli_usage("exec", "--cgroup %s: not a directory", dir);
	if ((size_t)snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir) >= sizeof(procs) ||
	    stat(procs, &st) != 0 || !S_ISREG(st.st_mode))
		return cli_usage("exec", "--cgroup %s: not a cgroup directory (no cgroup.procs file)", dir);
	return -1;
}

int exec_place_finish(struct exec_place *pl)
{
	if (pl->process != NULL) {
		unsigned char *buf = NULL;
		size_t len = 0;
		char why[512];
		const char *bad;
		int e = cli_read_input(pl->process, EXEC_PROCESS_MAX + 1u, &buf, &len);

		if (e != 0)
			return cli_usage("exec", "--process %s: %s", pl->process, strerror(e));
		bad = len > EXEC_PROCESS_MAX
		              ? "larger than 1 MiB"
		              : exec_place_process_json(pl, (const char *)buf, len, why, sizeof(why));
		free(buf);
		if (bad != NULL)
			return cli_usage("exec", "--process %s: %s", pl->process, bad);
	}
	return pl->cgroup != NULL ? check_cgroup(pl->cgroup) : -1;
}
