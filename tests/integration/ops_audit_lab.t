#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""DNSSEC health events performed in the lab while xdpdnsd runs with
--audit-log and --metrics: a KSK rollover of keyroll.test. (new KSK
published and double-signed, DS replaced at the parent, old KSK retired;
TTLs of 2 s) seen as dnskey_changed and ds_changed lines while every answer
keeps AD; a CDS at cdsdiff.test. that disagrees with the parent's DS seen
as cds_mismatch; soonexp.test. re-signed to expire in two hours: the
expiry warning in the log, `xdpdns zone list/show` and the
xdpdns_zone_signature_expiry_seconds metric; an anchor changed by a reload
seen as anchor_changed with the anchors' key tags and digests. The lab
events are `tests/lab/lab.sh event ...` (tests/lab/mkzones.py run_event())."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, HERE)
from daemon_lib import ROOT, Daemon, Tap, query  # noqa: E402

from daemon_lab_outer import outer, private_workdir, read_env  # noqa: E402

import dns.flags  # noqa: E402

LAB = os.path.join(ROOT, "tests", "lab", "lab.sh")
TTL = 2                 # mkzones.py EVENT_TTL
EXPIRE_IN = 7200        # expire-soon: inside the default 3-day horizon
PORT = 9254


def lab_event(*args):
    """Runs one lab event; its JSON summary, or None (printed as diag)."""
    p = subprocess.run([LAB, "event"] + list(args), capture_output=True,
                       text=True, timeout=60)
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        print("# lab event %s failed: %s %s" % (args, p.stdout, p.stderr))
        return None


def wait_for(fn, timeout=10, step=0.2):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(step)


def metric(base, name, **labels):
    """One sample of /metrics (plain text exposition), None if absent."""
    try:
        with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
            body = r.read().decode()
    except OSError:
        return None
    want = name + "{" + ",".join('%s="%s"' % kv for kv in sorted(labels.items())) + "}"
    for line in body.splitlines():
        if line.startswith(want + " "):
            return float(line.split()[-1])
    return None


def inner():
    env = read_env()
    t = Tap()
    work = private_workdir("xdpdns-opsaudit.")
    if not work:
        return 0
    pin = "/sys/fs/bpf/xdpdns-opsaudit-%d" % os.getpid()
    v4 = env["LAB_VETH_FWDC4"].split("/")[0]
    prefix = ["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]]
    mesh = os.path.join(work, "mesh.anchor")
    shutil.copy(env["LAB_MESH_DS"], mesh)
    audit = os.path.join(work, "audit.log")
    base = "http://%s:%d" % (v4, PORT)
    answers = []        # (name, type, rcode, AD) of every query of the test
    reference = []      # the same from the lab's reference validator

    def ask(name, rdtype="A"):
        r = query(v4, name, rdtype, dnssec=True, timeout=3)
        answers.append((name, rdtype, r and r.rcode(),
                        bool(r and r.flags & dns.flags.AD)))
        return r is not None and r.rcode() == 0 and bool(r.flags & dns.flags.AD)

    def ask_for(name, seconds):
        """Asks every half second for @seconds; True if all were secure.
        The reference validator (unbound) is asked too: the lab's events
        must keep the zone valid for it as well."""
        good = True
        end = time.time() + seconds
        while time.time() < end:
            good &= ask(name)
            r = query(env["LAB_VALIDATOR"], name, "A", dnssec=True, timeout=3)
            reference.append(bool(r and r.rcode() == 0 and r.flags & dns.flags.AD))
            time.sleep(0.5)
        return good

    def events(kind, zone):
        try:
            with open(audit) as f:
                lines = [json.loads(x) for x in f if x.strip()]
        except (OSError, ValueError):
            return []
        return [x for x in lines if x.get("kind") == kind and x.get("zone") == zone]

    def seen(kind, zone, name, match=lambda x: True):
        """Asks @name (keeping the validator walking to the zone) until
        an audit line of @kind for @zone matches; the lines, or []."""
        def once():
            ask(name)
            return [x for x in events(kind, zone) if match(x)]
        return wait_for(once, timeout=6, step=0.5)

    def cli(*args):
        p = subprocess.run([os.path.join(work, "xdpdns"), "--control", d.ctl,
                            "--pin-path", pin] + list(args),
                           capture_output=True, text=True, timeout=10)
        return p.stdout

    def tags(keys):
        return sorted(k["tag"] for k in keys)

    d = None
    try:
        # (c) first, before the daemon ever sees the zone.
        soon = lab_event("expire-soon", "soonexp.test.", str(EXPIRE_IN))
        t.ok(soon is not None and 0 < soon["expiration"] - time.time() <= EXPIRE_IN,
             "lab: soonexp.test. re-signed to expire in %d s" % EXPIRE_IN)
        d = Daemon(os.path.join(work, "d"),
                   ["--listen", v4, "--upstream", env["LAB_UPSTREAM"],
                    "--trust-anchor", env["LAB_ANCHOR_DS"], "--trust-anchor", mesh,
                    "--pin-path", pin, "--workers", "1",
                    "--metrics", "%s:%d" % (v4, PORT), "--audit-log", audit],
                   prefix=prefix)
        if not t.ok(d.start(), "daemon started with --audit-log and --metrics"):
            t.diag(d.logtext())
            return t.done()

        # --- the KSK rollover of keyroll.test. ------------------------------
        t.ok(ask("www.keyroll.test."), "www.keyroll.test. A: NOERROR with AD")
        z = json.loads(cli("-j", "zone", "show", "keyroll.test.") or "null") or {}
        old = sorted(k["key_tag"] for k in z.get("keys", []) if k["role"] == "ksk")
        t.ok(z.get("state") == "secure" and len(old) == 1,
             "zone show keyroll.test.: secure, one KSK (%s)" % old)
        t.ok(wait_for(lambda: events("zone_state_changed", "keyroll.test.")),
             "audit: zone_state_changed for keyroll.test. (known, secure)")

        pub = lab_event("rollover-publish", "keyroll.test.")
        new = sorted(set(pub["dnskey_tags"]) - set(old) -
                     {k["key_tag"] for k in z.get("keys", [])}) if pub else []
        old_ds = sorted(x["digest"] for x in pub["ds"]) if pub else []
        t.ok(len(new) == 1 and [x["tag"] for x in pub["ds"]] == old,
             "lab: new KSK %s published, DNSKEY signed by both, DS unchanged" % new)
        t.ok(ask_for("www.keyroll.test.", TTL + 1.5),
             "secure throughout the new KSK's publication")
        ch = seen("dnskey_changed", "keyroll.test.", "www.keyroll.test.",
                  lambda x: tags(x["added"]) == new)
        t.ok(ch and tags(ch[0]["removed"]) == [] and
             set(old + new) <= set(tags(ch[0]["after"])),
             "audit: dnskey_changed adds KSK %s, removes nothing" % new)
        if ch:
            t.diag("sample: " + json.dumps(ch[0]))

        ds = lab_event("rollover-ds", "keyroll.test.")
        new_ds = sorted(x["digest"] for x in ds["ds"]) if ds else []
        t.ok(ds and [x["tag"] for x in ds["ds"]] == new,
             "lab: DS at test. replaced by the new KSK's")
        t.ok(ask_for("www.keyroll.test.", TTL + 1.5), "secure throughout the DS change")
        ch = seen("ds_changed", "keyroll.test.", "www.keyroll.test.")
        t.ok(ch and tags(ch[0]["before"]) == old and tags(ch[0]["after"]) == new,
             "audit: ds_changed, key tags %s -> %s" % (old, new))
        t.ok(ch and sorted(x.get("digest") for x in ch[0]["after"]) == new_ds and
             sorted(x.get("digest") for x in ch[0]["before"]) == old_ds and
             old_ds != new_ds,
             "audit: ds_changed carries the digests before and after")
        if ch:
            t.diag("sample: " + json.dumps(ch[0]))

        ret = lab_event("rollover-retire", "keyroll.test.")
        t.ok(ret and not set(old) & set(ret["dnskey_tags"]),
             "lab: old KSK %s retired" % old)
        t.ok(ask_for("www.keyroll.test.", TTL + 1.5), "secure throughout the old KSK's removal")
        ch = seen("dnskey_changed", "keyroll.test.", "www.keyroll.test.",
                  lambda x: tags(x["removed"]) == old)
        t.ok(ch and tags(ch[0]["added"]) == [] and new[0] in tags(ch[0]["after"]),
             "audit: dnskey_changed removes KSK %s" % old)
        if ch:
            t.diag("sample: " + json.dumps(ch[0]))
        bad = [a for a in answers if a[0] == "www.keyroll.test." and not a[3]]
        t.ok(not bad and len(answers) > 6,
             "all %d answers during the rollover had AD (%s)" % (len(answers), bad))
        t.ok(reference and all(reference),
             "the reference validator's %d answers had AD too" % len(reference))
        z = json.loads(cli("-j", "zone", "show", "keyroll.test.") or "null") or {}
        t.ok(z.get("state") == "secure" and
             sorted(k["key_tag"] for k in z.get("keys", []) if k["role"] == "ksk") == new,
             "zone show keyroll.test.: secure, the new KSK only")
        t.ok(not events("zone_state_changed", "keyroll.test.")[1:],
             "no zone_state_changed after the first: never bogus")

        # --- a CDS that disagrees with the parent's DS -----------------------
        cds = lab_event("cds-mismatch", "cdsdiff.test.")
        t.ok(cds and cds["cds"] and cds["cds"][0]["tag"] != cds["ds"][0]["tag"],
             "lab: cdsdiff.test. publishes a CDS for a key the DS does not name")
        time.sleep(TTL + 1)
        t.ok(ask("cdsdiff.test.", "CDS"), "cdsdiff.test. CDS: NOERROR with AD")
        mm = wait_for(lambda: events("cds_mismatch", "cdsdiff.test."), timeout=5)
        t.ok(mm and cds and tags(mm[0]["before"]) == [cds["ds"][0]["tag"]] and
             tags(mm[0]["after"]) == [cds["cds"][0]["tag"]],
             "audit: cds_mismatch with the DS tag before and the CDS tag after")
        if mm:
            t.diag("sample: " + json.dumps(mm[0]))
        z = json.loads(cli("-j", "zone", "show", "cdsdiff.test.") or "null") or {}
        t.ok((z.get("cds") or {}).get("match") == "differ", "zone show: cds differ")

        # --- signatures expiring soon ---------------------------------------
        t.ok(ask("www.soonexp.test."), "www.soonexp.test. A: NOERROR with AD")
        t.ok(wait_for(lambda: "zone soonexp.test.: a signature expires in" in d.logtext(),
                      timeout=5), "expiry warning in the daemon's log")
        t.diag([x for x in d.logtext().splitlines() if "signature expires in" in x][:1])
        zl = json.loads(cli("-j", "zone", "list") or "null") or {}
        zl = zl.get("zones") or [] if isinstance(zl, dict) else zl
        se = [x for x in zl if x.get("name") == "soonexp.test."]
        t.ok(se and 0 < se[0]["expires_in"] <= EXPIRE_IN,
             "zone list: soonexp.test. expires in %s s" % (se and se[0]["expires_in"]))
        far = [x for x in zl if x.get("name") == "keyroll.test."]
        t.ok(far and far[0]["expires_in"] > 86400, "zone list: keyroll.test. much later")
        plain = cli("zone", "show", "soonexp.test.")
        t.ok("soonexp.test." in plain and "secure" in plain, "zone show soonexp.test. (plain)")
        t.diag(plain.strip())
        m = metric(base, "xdpdns_zone_signature_expiry_seconds", zone="soonexp.test.")
        t.ok(m is not None and 0 < m <= EXPIRE_IN,
             "xdpdns_zone_signature_expiry_seconds{zone=soonexp.test.} = %s" % m)

        # --- anchor_changed with the anchors' keys ---------------------------
        with open(env["LAB_MESH_DS"]) as f:
            dsf = f.read().split()
        shutil.copy(env["LAB_MESH_DNSKEY"], mesh)
        d.send_signal(signal.SIGHUP)
        an = wait_for(lambda: events("anchor_changed", "mesh.internal."), timeout=10)
        t.ok(an and [(k["tag"], k.get("digest")) for k in an[0]["before"]] ==
             [(int(dsf[4]), dsf[7].lower())],
             "anchor_changed: before = the DS anchor's tag and digest")
        t.ok(an and [(k["tag"], k.get("flags")) for k in an[0]["after"]] ==
             [(int(dsf[4]), 257)],
             "anchor_changed: after = the DNSKEY anchor's tag and flags")
        if an:
            t.diag("sample: " + json.dumps(an[0]))
        t.ok(ask("www.mesh.internal."), "www.mesh.internal. still secure")
        t.is_(d.stop(), 0, "daemon stops cleanly")
        d = None
        # The lines as written, for a report or the demo.
        if os.environ.get("XDPDNS_OPS_AUDIT"):
            shutil.copy(audit, os.environ["XDPDNS_OPS_AUDIT"])
    finally:
        if d:
            d.stop(sig=signal.SIGKILL)
        shutil.rmtree(pin, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return t.done()


sys.exit(inner() if "--inner" in sys.argv else outer(os.path.abspath(__file__)))
