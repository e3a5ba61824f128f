/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sys_call.h - how core calls the system: NSB_CALL(ctx, entry, args...).
 *
 * Each use is one call site: it registers a static struct nsb_site (entry
 * name, file, line, kind) in the linker section "nsb_sites", so that
 * nsb_sys_sites() can list every site of the program and fault injection can
 * prove it failed each one. It then records the site in ctx->last_site,
 * tells the seam's optional site hook, and calls ctx->sys->entry(ctx->sys->ctx,
 * args...). @ctx is any struct with members `const struct nsb_sys *sys` and
 * `const struct nsb_site *last_site`.
 *
 * The section holds pointers, not the sites: compilers may pad a struct
 * global to a larger alignment, which would break walking the section as
 * an array, but never a pointer. ASan does not instrument globals in
 * sections named like C identifiers, for the same reason.
 *
 * Statement expressions are a GNU extension (gcc and clang); __extension__
 * keeps -Wpedantic quiet about them.
 */
#ifndef NSBOOT_SYS_CALL_H
#define NSBOOT_SYS_CALL_H

#include "nsboot/sys.h"

static inline void nsb_sys_enter(const struct nsb_sys *sys, const struct nsb_site **last,
                                 const struct nsb_site *site)
{
	*last = site;
	if (sys->site != NULL)
		sys->site(sys->ctx, site);
}

#define NSB_SITE_DECLARE_(kind_, call_)                                                   \
	static const struct nsb_site nsb_site_obj_ = {#call_, __FILE__, __LINE__, kind_}; \
	static const struct nsb_site *const nsb_site_ptr_                                 \
	        __attribute__((section("nsb_sites"), used, aligned(8))) = &nsb_site_obj_;

#define NSB_CALL_K(cx, kind, call, ...)                                    \
	__extension__({                                                    \
		NSB_SITE_DECLARE_(kind, call)                              \
		nsb_sys_enter((cx)->sys, &(cx)->last_site, nsb_site_ptr_); \
		(cx)->sys->call((cx)->sys->ctx, __VA_ARGS__);              \
	})

#define NSB_CALL0_K(cx, kind, call)                                        \
	__extension__({                                                    \
		NSB_SITE_DECLARE_(kind, call)                              \
		nsb_sys_enter((cx)->sys, &(cx)->last_site, nsb_site_ptr_); \
		(cx)->sys->call((cx)->sys->ctx);                           \
	})

/* A call whose failure ends the run. */
#define NSB_CALL(cx, call, ...) NSB_CALL_K(cx, NSB_SITE_FATAL, call, __VA_ARGS__)
#define NSB_CALL0(cx, call)     NSB_CALL0_K(cx, NSB_SITE_FATAL, call)

#endif /* NSBOOT_SYS_CALL_H */
