/* SPDX-License-Identifier: Apache-2.0 */
/*
 * coverage.h - keep coverage honest across _exit(2) and execve(2).
 *
 * gcov writes its counters from an exit handler. The stages end with _exit
 * and stage-2 ends in execve, and both skip that handler, so a --coverage
 * build (-DNSB_COVERAGE, preset `coverage`) writes the counters explicitly
 * just before. Every other build compiles this to nothing.
 */
#ifndef NSB_COVERAGE_H
#define NSB_COVERAGE_H

#ifdef NSB_COVERAGE
void __gcov_dump(void); /* libgcov */
#define NSB_COVERAGE_FLUSH() __gcov_dump()
#else
#define NSB_COVERAGE_FLUSH() ((void)0)
#endif

#endif /* NSB_COVERAGE_H */
