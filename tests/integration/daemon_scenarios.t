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
ROOT_ONLY = ["--listen", "198.18.2.1", "--upstream", env["LAB_UPSTREAM"],
             "--trust-anchor", env["LAB_ANCHOR_DS"]]
EXTRA = 3       # tests after the table: the private zone without its anchor


def private_zone_without_anchor(n):
    """www.mesh.internal. has no DS in any parent and the root denies
    internal.: with the root anchor alone it must not validate as Secure."""
    d2 = Daemon(work + "/root-only", ROOT_ONLY,
                prefix=["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]])
    failed = 0
    if not d2.start():
        print("not ok %d - daemon with the root anchor only started" % n)
        return 1 + (EXTRA - 1)
    try:
        print("ok %d - daemon with the root anchor only started" % n)
        s = [x for x in scenarios.load()
             if x.qname == "www.mesh.internal." and x.flags == {"do"}][0]
        r = scenarios.query(s, "198.18.2.1")
        good = r.msg is not None and r.ad == 0
        print("%s %d - www.mesh.internal. A without its anchor: no AD (%s)"
              % ("ok" if good else "not ok", n + 1, r.summary()))
        failed += not good
        good = r.rcode == "SERVFAIL"
        print("%s %d - and SERVFAIL: the root's denial of internal. "
              "contradicts the data (%s)"
              % ("ok" if good else "not ok", n + 2, r.summary()))
        failed += not good
    finally:
        d2.stop()
    return failed


rc = 1
try:
    table = scenarios.load()
    print("1..%d" % (2 * len(table) + EXTRA))
    if not d.start():
        print("not ok 1 - daemon started\n# " + d.logtext().replace("\n", "\n# "))
    else:
        failed = scenarios.run_tap("198.18.2.1", mode="rfc",
                                   reference=env["LAB_VALIDATOR"],
                                   plan_extra=EXTRA)
        status = d.stop()
        if status != 0:
            print("# daemon exit status %s" % status)
            failed += 1
        failed += private_zone_without_anchor(2 * len(table) + 1)
        rc = 1 if failed else 0
finally:
    d.stop()
    shutil.rmtree(work, ignore_errors=True)
sys.exit(rc)
