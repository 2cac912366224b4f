#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The lab's scenario table (tests/lab/scenarios.tsv, what RFCs require of a
validating resolver with the lab's anchors) run against a freshly started
xdpdnsd, in mode rfc. The daemon runs in xdpdns-fwd (nsenter), forwards to
the lab's iterating unbound and validates with the lab's root and
mesh.internal. anchors; the table is asked from xdpdns-cli."""

import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lab"))

if "--inner" not in sys.argv:
    # The lab's lock, start and stop: shared with daemon_lab.t.
    from daemon_lab_outer import outer  # noqa: E402
    sys.exit(outer(os.path.abspath(__file__)))

from daemon_lib import Daemon  # noqa: E402
from daemon_lab_outer import read_env  # noqa: E402

import scenarios  # noqa: E402

env = read_env()
work = tempfile.mkdtemp(prefix="xdpdnsd-scen.")
d = Daemon(work, ["--listen", "198.18.2.1", "--upstream", env["LAB_UPSTREAM"],
                  "--trust-anchor", env["LAB_ANCHOR_DS"],
                  "--trust-anchor", env["LAB_MESH_DS"]],
           prefix=["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]])
rc = 1
try:
    if not d.start():
        print("1..1\nnot ok 1 - daemon started\n# " + d.logtext().replace("\n", "\n# "))
    else:
        failed = scenarios.run_tap("198.18.2.1", mode="rfc")
        rc = 1 if failed else 0
        status = d.stop()
        if status != 0:
            print("# daemon exit status %s" % status)
            rc = 1
finally:
    d.stop()
    shutil.rmtree(work, ignore_errors=True)
sys.exit(rc)
