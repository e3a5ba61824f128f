/* SPDX-License-Identifier: Apache-2.0 */
/*
 * export.h - symbol visibility for the vendorable nsboot core.
 *
 * core/ is built with -fvisibility=hidden; only declarations marked NSB_API
 * are exported, so a runtime that links core statically or as a shared
 * object sees nothing but the nsb_ API.
 */
#ifndef NSBOOT_EXPORT_H
#define NSBOOT_EXPORT_H

#if defined(__GNUC__)
#define NSB_API __attribute__((visibility("default")))
#else
#define NSB_API
#endif

#ifdef __cplusplus
#define NSB_BEGIN_DECLS extern "C" {
#define NSB_END_DECLS   }
#else
#define NSB_BEGIN_DECLS
#define NSB_END_DECLS
#endif

#endif /* NSBOOT_EXPORT_H */
