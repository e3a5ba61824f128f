/* SPDX-License-Identifier: Apache-2.0 */
/* decodecase.c - see decodecase.h. */
#include "decodecase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nsbt_dec_setup(void **state)
{
	struct nsbt_dec *t = calloc(1, sizeof *t);
	if (!t) {
		return -1;
	}
	*state = t;
	return 0;
}

int nsbt_dec_teardown(void **state)
{
	struct nsbt_dec *t = *state;
	mb_free(&t->m);
	free(t);
	return 0;
}

struct mb *dec_new(struct nsbt_dec *t)
{
	mb_free(&t->m);
	mb_new(&t->m);
	return &t->m;
}

struct mb *dec_new_type(struct nsbt_dec *t, uint16_t type)
{
	mb_free(&t->m);
	mb_new_type(&t->m, type);
	return &t->m;
}

struct mb *dec_base(struct nsbt_dec *t, uint32_t clone_flags)
{
	mb_free(&t->m);
	mb_base(&t->m, clone_flags);
	return &t->m;
}

void nsbt_dec_check(struct nsbt_dec *t, bool finish, enum nsb_dialect dialect, enum nsb_err code,
                    uint32_t offset, int32_t attr, uint32_t pos, const char *file, int line)
{
	if (finish) {
		mb_finish(&t->m);
	}
	enum nsb_err rc = tdecode(&t->m, dialect, &t->b, &t->e);
	if (code == NSB_OK) {
		nsbt_check_ok(rc, &t->e, file, line);
	} else {
		nsbt_check_err(rc, &t->e, code, offset, attr, pos, file, line);
	}
}

void nsbt_dcase_build(const struct nsbt_dcase *c, struct mb *m, size_t *off)
{
	if (c->bare) {
		mb_new(m);
	} else {
		mb_base(m, c->clone_flags);
	}
	for (size_t i = 0; i < NSBT_MAX_ATTRS; i++) {
		const struct nsbt_attr *a = &c->attrs[i];
		switch (a->kind) {
		case NSBT_A_END:
			off[i] = m->len;
			continue;
		case NSBT_A_STR:
			off[i] = mb_str(m, a->type, a->bytes);
			break;
		case NSBT_A_U32:
			off[i] = mb_u32(m, a->type, a->value);
			break;
		case NSBT_A_BYTES:
			off[i] = mb_bytes(m, a->type, a->bytes, a->len);
			break;
		case NSBT_A_RAW:
			off[i] = mb_attr_raw(m, (uint16_t)a->value, a->type, a->bytes, a->len, a->padlen,
			                     a->pad);
			break;
		}
	}
	mb_finish(m);
}

/* The test function of every row: its state is the row. */
static void run_dcase(void **state)
{
	const struct nsbt_dcase *c = *state;
	struct nsbt_dec t;
	size_t off[NSBT_MAX_ATTRS];
	memset(&t, 0, sizeof t);
	nsbt_dcase_build(c, &t.m, off);
	uint32_t at = 0;
	if (c->at == AT_END) {
		at = (uint32_t)t.m.len;
	} else if (c->at != AT_ZERO) {
		at = (uint32_t)off[c->at - 1];
	}
	nsbt_dec_check(&t, false, c->dialect, c->code, at + c->plus, c->attr, c->pos, __FILE__, __LINE__);
	mb_free(&t.m);
}

int nsbt_run_group(const char *group, const struct CMUnitTest *fns, size_t nfns, struct nsbt_dcase *rows,
                   size_t nrows)
{
	struct CMUnitTest *all = calloc(nfns + nrows, sizeof *all);
	if (!all) {
		fprintf(stderr, "%s: out of memory\n", group);
		return 1;
	}
	if (nfns) {
		memcpy(all, fns, nfns * sizeof *all);
	}
	for (size_t i = 0; i < nrows; i++) {
		all[nfns + i].name = rows[i].name;
		all[nfns + i].test_func = run_dcase;
		all[nfns + i].initial_state = &rows[i];
	}
	int rc = _cmocka_run_group_tests(group, all, nfns + nrows, NULL, NULL);
	free(all);
	return rc;
}
