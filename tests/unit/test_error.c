// SPDX-License-Identifier: GPL-2.0
/* Tests of the error table in userspace/util/error.c. */
#include <errno.h>

#include "tap.h"
#include "util/error.h"

int main(void)
{
	is_str(xdpdns_strerror(0), "success", "zero is success");
	is_str(xdpdns_strerror(-ENOMEM), "Cannot allocate memory",
	       "errno values pass through");
	is_str(xdpdns_strerror(XDPDNS_EPOINTER_LOOP), "compression pointer loop",
	       "domain code has its text");
	is_str(xdpdns_strerror(XDPDNS_ELAYOUT), "shared layout version mismatch",
	       "last code has its text");
	is_str(xdpdns_strerror(XDPDNS_ERROR_LAST), "unknown error",
	       "past the last code is unknown");
	is_str(xdpdns_strerror(5), "unknown error", "positive values are unknown");

	return done_testing();
}
