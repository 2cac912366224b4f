/* SPDX-License-Identifier: GPL-2.0 */
/* Release version of xdpdns, shared by the daemon and the CLI. */
#pragma once

#define XDPDNS_VERSION "0.1.0"
