#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# The metrics endpoint's scrape, read by the Prometheus project's own
# parser (python3-prometheus-client): every documented family with its
# type, labels and histogram series. The scrape comes from the unit test
# binary, which serves the XDP counters of a real per-CPU map and the
# daemon's families over HTTP (tests/unit/test_metrics.c, demo_render).

import os
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, os.environ.get("OUTPUT", ".output"), "tests",
                   "unit", "test_metrics")
count = 0
failed = 0


def ok(cond, desc):
    global count, failed
    count += 1
    if not cond:
        failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", count, desc), flush=True)
    return cond


try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("1..0 # SKIP python3-prometheus-client missing")
    sys.exit(0)
if not os.access(BIN, os.X_OK):
    print("1..0 # SKIP %s not built" % BIN)
    sys.exit(0)

with tempfile.TemporaryDirectory(prefix="xdpdns-metrics-") as tmp:
    scrape = os.path.join(tmp, "scrape.txt")
    r = subprocess.run([BIN], env=dict(os.environ,
                                       XDPDNS_METRICS_SCRAPE=scrape),
                       capture_output=True, text=True, timeout=60)
    ok(r.returncode == 0, "test_metrics ran and passed")
    text = open(scrape).read() if os.path.exists(scrape) else ""
ok(text, "a scrape was saved")

try:
    fams = {f.name: f for f in text_string_to_metric_families(text)}
    ok(True, "prometheus_client parses the scrape")
except Exception as e:  # the parser raises ValueError and others
    fams = {}
    ok(False, "prometheus_client parses the scrape: %s" % e)

# The client library names counter families without "_total".
want = {
    "xdpdns_requests": ("counter", {"path", "proto"}),
    "xdpdns_responses": ("counter", {"rcode"}),
    "xdpdns_cache_hits": ("counter", {"cache"}),
    "xdpdns_cache_entries": ("gauge", {"cache"}),
    "xdpdns_validation": ("counter", {"result"}),
    "xdpdns_ede": ("counter", {"code"}),
    "xdpdns_upstream_requests": ("counter", {"upstream"}),
    "xdpdns_upstream_rtt_seconds": ("histogram", {"upstream"}),
    "xdpdns_xdp_packets": ("counter", {"counter"}),
    "xdpdns_xdp_sent_bytes": ("counter", set()),
    "xdpdns_zone_signature_expiry_seconds": ("gauge", {"zone"}),
    "xdpdns_audit_events": ("counter", {"result"}),
    "xdpdns_xdp_interfaces": ("gauge", set()),
    "xdpdns_interface_resyncs": ("counter", set()),
}
for name, (typ, labels) in want.items():
    f = fams.get(name)
    ok(f is not None and f.type == typ and f.documentation and
       all(set(s.labels) - {"le"} == labels for s in f.samples),
       "%s: %s with labels %s and help" % (name, typ, sorted(labels)))

req = fams.get("xdpdns_requests")
paths = {s.labels.get("path") for s in req.samples} if req else set()
ok(paths == {"xdp", "daemon"}, "requests from both paths in one family")
xdp = fams.get("xdpdns_xdp_packets")
names = {s.labels["counter"] for s in xdp.samples} if xdp else set()
ok({"seen", "ours", "answered", "pass_miss", "drop_aborted"} <= names,
   "XDP counters by name (%d)" % len(names))

h = fams.get("xdpdns_upstream_rtt_seconds")
buckets = [s for s in h.samples if s.name.endswith("_bucket")] if h else []
les = [float(s.labels["le"]) for s in buckets]
vals = [s.value for s in buckets]
cnt = [s.value for s in h.samples if s.name.endswith("_count")] if h else []
ok(les and les == sorted(les) and les[-1] == float("inf"),
   "histogram bounds increase up to +Inf")
ok(vals == sorted(vals) and cnt and vals[-1] == cnt[0],
   "histogram buckets cumulative, +Inf equals _count")

print("1..%d" % count)
sys.exit(1 if failed else 0)
