/* SPDX-License-Identifier: Apache-2.0 */
/*
 * errors.c - stable names and descriptions of enum nsb_err.
 *
 * Both tables are generated from NSB_ERROR_LIST, the same X-macro that
 * defines the enum, so a code, its name and its description cannot drift.
 */
#include "nsboot/error.h"

#define NSB_X_NAME(name, desc) [NSB_ERR_##name] = #name,
static const char *const error_names[NSB_ERR__COUNT] = {NSB_ERROR_LIST(NSB_X_NAME)};
#undef NSB_X_NAME

#define NSB_X_DESC(name, desc) [NSB_ERR_##name] = (desc),
static const char *const error_descriptions[NSB_ERR__COUNT] = {NSB_ERROR_LIST(NSB_X_DESC)};
#undef NSB_X_DESC

static int error_in_range(enum nsb_err code)
{
	/* Compare as unsigned: an out-of-range negative value is rejected too. */
	return (unsigned)code < (unsigned)NSB_ERR__COUNT;
}

const char *nsb_error_name(enum nsb_err code)
{
	return error_in_range(code) ? error_names[code] : "UNKNOWN";
}

const char *nsb_error_describe(enum nsb_err code)
{
	return error_in_range(code) ? error_descriptions[code] : "unknown error code";
}
