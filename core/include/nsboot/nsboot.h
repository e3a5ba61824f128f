/* SPDX-License-Identifier: Apache-2.0 */
/* nsboot.h - umbrella header of the vendorable nsboot core. */
#ifndef NSBOOT_NSBOOT_H
#define NSBOOT_NSBOOT_H

#include "nsboot/bootstrap.h"
#include "nsboot/cpulist.h"
#include "nsboot/error.h"
#include "nsboot/payload.h"

#define NSBOOT_VERSION "0.1.0"

#endif /* NSBOOT_NSBOOT_H */
