#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xdpdnsd validating the lab from an RFC 7958 XML anchor only: the lab's
root-anchors.xml (written by tests/lab/mkzones.py) as the sole root anchor,
a secure name gets AD, expired signatures give SERVFAIL with EDE 7; the
shipped deploy/anchors/root.ds and the lab's XML pass --check-config, an
XML file whose only digest is not yet valid does not."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, HERE)
from daemon_lib import ROOT, XDPDNSD, Daemon, Tap, addresses, ede_codes, query  # noqa: E402

import dns.flags  # noqa: E402
import dns.rcode  # noqa: E402

from daemon_lab_outer import outer, read_env  # noqa: E402


def check_config(*anchors):
    args = [XDPDNSD, "--check-config"]
    for a in anchors:
        args += ["--trust-anchor", a]
    r = subprocess.run(args, capture_output=True, text=True, timeout=30)
    return r.returncode, (r.stdout + r.stderr).strip()


def inner():
    env = read_env()
    t = Tap()
    work = tempfile.mkdtemp(prefix="xdpdnsd-xml.")
    xml = env["LAB_ANCHOR_XML"]
    v4 = env.get("LAB_VETH_FWDC4", "198.18.2.1").split("/")[0]

    rc, out = check_config(os.path.join(ROOT, "deploy", "anchors", "root.ds"))
    t.ok(rc == 0 and "OK" in out, "--check-config accepts deploy/anchors/root.ds (%s)" % out)
    rc, out = check_config(xml)
    t.ok(rc == 0 and "OK" in out, "--check-config accepts the lab's root-anchors.xml (%s)" % out)
    with open(xml) as f:
        text = f.read()
    future = os.path.join(work, "future.xml")
    with open(future, "w") as f:
        # Every validFrom moved to 2099: no digest is valid now.
        f.write(re.sub(r'validFrom="\d{4}', 'validFrom="2099', text))
    rc, out = check_config(future)
    t.ok(rc != 0 and "future.xml" in out and "no <KeyDigest> valid" in out,
         "an XML file with validFrom in the future is refused (%s)" % out)

    d = Daemon(work, ["--listen", v4, "--upstream", env["LAB_UPSTREAM"],
                      "--trust-anchor", xml],
               prefix=["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]])
    try:
        if not t.ok(d.start(), "daemon started with only the XML root anchor"):
            t.diag(d.logtext())
            return t.done()
        r = query(v4, "www.alg13.test.", dnssec=True)
        t.ok(r is not None and r.rcode() == dns.rcode.NOERROR and
             addresses(r) == ["192.0.2.1"] and r.flags & dns.flags.AD,
             "secure name: AD from the XML anchor")
        r = query(v4, "www.alg8.test.", dnssec=True)
        t.ok(r is not None and r.flags & dns.flags.AD, "a second secure zone: AD")
        r = query(v4, "www.expired.test.", dnssec=True)
        t.ok(r is not None and r.rcode() == dns.rcode.SERVFAIL and 7 in ede_codes(r),
             "expired.test: SERVFAIL with EDE 7 (%s)" % (ede_codes(r) if r else None))
        st = d.stats()
        t.ok(st["validation"]["secure"] >= 1 and st["validation"]["bogus"] >= 1,
             "validation counters (%s)" % st["validation"])
        t.is_(d.stop(), 0, "SIGTERM: exit 0")
        t.ok("Sanitizer" not in d.logtext(), "no sanitizer report")
    finally:
        d.stop()
        shutil.rmtree(work, ignore_errors=True)
    return t.done()


sys.exit(inner() if "--inner" in sys.argv else outer(os.path.abspath(__file__)))
