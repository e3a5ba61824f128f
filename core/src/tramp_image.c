/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tramp_image.c - the bytes of the exec trampoline (core/tramp/nsb_tramp.c).
 *
 * CMake compiles the trampoline into a standalone static ELF, turns it into
 * a list of byte literals (core/tramp/bin2inc.cmake) and defines
 * NSB_HAVE_TRAMP_IMAGE. A build of core's sources that does not (a runtime
 * that only uses runtime mode, such as the runc adapters) gets no image,
 * and exec mode then refuses to exec rather than exec without it.
 */
#include <stddef.h>

#include "init_internal.h"

#ifdef NSB_HAVE_TRAMP_IMAGE
static const unsigned char tramp_image[] = {
#include "nsb_tramp_image.inc"
};

const unsigned char *nsb_tramp_image(size_t *len)
{
	*len = sizeof(tramp_image);
	return tramp_image;
}
#else
const unsigned char *nsb_tramp_image(size_t *len)
{
	*len = 0;
	return NULL;
}
#endif
