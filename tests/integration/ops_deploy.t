#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Checks of the deployment files: Kubernetes manifests (yamllint and a
# schema check of what the DaemonSet must carry), the ConfigMap's
# configuration against the daemon's own parser, the systemd unit
# (systemd-analyze verify and security), and the Vagrantfile.

import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
K8S = os.path.join(ROOT, "deploy", "kubernetes")
UNIT = os.path.join(ROOT, "deploy", "systemd", "xdpdnsd.service")
count = 0
failed = 0


def ok(cond, desc, todo=None):
    global count, failed
    count += 1
    line = ("ok" if cond else "not ok") + " %d - %s" % (count, desc)
    if todo:
        line += " # TODO " + todo
    elif not cond:
        failed += 1
    print(line, flush=True)
    return cond


def diag(text):
    for line in str(text).splitlines():
        print("# " + line)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                          **kw)


# --- Kubernetes -----------------------------------------------------------

YAMLLINT_CONF = ("{extends: default, rules: {line-length: {max: 100}, "
                 "document-start: disable, truthy: {check-keys: false}}}")

if shutil.which("yamllint"):
    r = run(["yamllint", "-s", "-d", YAMLLINT_CONF, K8S])
    ok(r.returncode == 0, "yamllint: deploy/kubernetes is clean")
    if r.returncode:
        diag(r.stdout + r.stderr)
else:
    ok(False, "yamllint installed (scripts/install-deps.sh)")

docs = {}
for name in sorted(os.listdir(K8S)):
    if not name.endswith(".yaml"):
        continue
    with open(os.path.join(K8S, name)) as f:
        for d in yaml.safe_load_all(f):
            if d is None:
                continue
            ok(isinstance(d, dict) and d.get("apiVersion") and d.get("kind"),
               "%s: a document with apiVersion and kind" % name)
            docs.setdefault(d["kind"], []).append((name, d))

KNOWN = {"DaemonSet": "apps/v1", "ConfigMap": "v1", "Service": "v1",
         "Kustomization": "kustomize.config.k8s.io/v1beta1"}
for kind, items in docs.items():
    for name, d in items:
        ok(KNOWN.get(kind) == d["apiVersion"],
           "%s: %s has apiVersion %s" % (name, kind, KNOWN.get(kind)))
        if kind != "Kustomization":
            md = d.get("metadata", {})
            ok(md.get("name") and md.get("namespace") == "kube-system",
               "%s: %s named, in kube-system" % (name, kind))

kust = docs["Kustomization"][0][1]
ok(all(os.path.exists(os.path.join(K8S, r)) for r in kust["resources"]) and
   sorted(kust["resources"]) == sorted(n for n in os.listdir(K8S)
                                       if n.endswith(".yaml") and
                                       n != "kustomization.yaml"),
   "kustomization lists exactly the manifests")

ds = docs["DaemonSet"][0][1]
cm = docs["ConfigMap"][0][1]
svc = docs["Service"][0][1]
spec = ds["spec"]
pod = spec["template"]["spec"]
labels = spec["template"]["metadata"]["labels"]

ok(all(labels.get(k) == v for k, v in spec["selector"]["matchLabels"].items()),
   "selector matches the pod template's labels")
us = spec.get("updateStrategy", {})
ok(us.get("type") == "RollingUpdate" and
   us.get("rollingUpdate", {}).get("maxUnavailable") == 1,
   "rolling update, one node at a time")
ok(pod.get("hostNetwork") is True, "hostNetwork")
ok(pod.get("dnsPolicy") in ("Default", "ClusterFirstWithHostNet"),
   "a dnsPolicy meant for host-network pods")
ok(any(t.get("operator") == "Exists" and "key" not in t and "effect" not in t
       for t in pod.get("tolerations", [])),
   "tolerates every taint: runs on every node")
ok(pod.get("priorityClassName") == "system-node-critical",
   "node-critical priority")

containers = pod["containers"]
inits = pod.get("initContainers", [])
for c in containers + inits:
    sc = c.get("securityContext", {})
    res = c.get("resources", {})
    ok(c.get("image"), "%s: has an image" % c["name"])
    ok(sc.get("privileged") is not True and
       sc.get("allowPrivilegeEscalation") is False,
       "%s: not privileged, no privilege escalation" % c["name"])
    ok(sc.get("capabilities", {}).get("drop") == ["ALL"],
       "%s: drops every capability first" % c["name"])
    ok(all(k in res.get("requests", {}) and k in res.get("limits", {})
           for k in ("cpu", "memory")),
       "%s: cpu and memory requests and limits" % c["name"])

main = [c for c in containers if c["name"] == "xdpdnsd"]
ok(len(main) == 1, "the xdpdnsd container")
main = main[0]
caps = set(main["securityContext"]["capabilities"].get("add", []))
ok(caps == {"BPF", "NET_ADMIN", "SYS_ADMIN", "NET_BIND_SERVICE"},
   "capabilities BPF, NET_ADMIN, SYS_ADMIN, NET_BIND_SERVICE (got %s)" %
   sorted(caps))
ports = {p["name"]: p for p in main.get("ports", [])}
ok("metrics" in ports, "a port named metrics")
lp = main.get("livenessProbe", {}).get("httpGet", {})
rp = main.get("readinessProbe", {}).get("httpGet", {})
ok(lp.get("path") == "/healthz" and lp.get("port") in ("metrics", 9253),
   "liveness probe: GET /healthz on the metrics port")
ok(rp.get("path") == "/readyz" and rp.get("port") in ("metrics", 9253),
   "readiness probe: GET /readyz on the metrics port")

vols = {v["name"]: v for v in pod.get("volumes", [])}
mounts = {m["mountPath"]: m for m in main.get("volumeMounts", [])}
bpf = mounts.get("/sys/fs/bpf")
ok(bpf and vols.get(bpf["name"], {}).get("hostPath", {}).get("path") ==
   "/sys/fs/bpf", "the host's bpffs is mounted at /sys/fs/bpf")
cfgm = mounts.get("/etc/xdpdns")
ok(cfgm and vols.get(cfgm["name"], {}).get("configMap", {}).get("name") ==
   cm["metadata"]["name"], "the ConfigMap is mounted at /etc/xdpdns")
ok(all(m["name"] in vols for c in containers + inits
       for m in c.get("volumeMounts", [])), "every mount has its volume")

# The configuration the ConfigMap carries, seen from the manifests.
cfg = yaml.safe_load(cm["data"]["xdpdnsd.yaml"])
ok(isinstance(cfg, dict), "ConfigMap's xdpdnsd.yaml is YAML")
anchors = [a for a in cfg.get("trust-anchors", [])]
ok(anchors and all(a.startswith("/etc/xdpdns/") and
                   os.path.basename(a) in cm["data"] for a in anchors),
   "every trust-anchor file is a key of the ConfigMap")
mport = int(str(cfg.get("metrics", {}).get("listen", ":0")).rsplit(":", 1)[1])
ok(mport == ports.get("metrics", {}).get("containerPort"),
   "metrics.listen port is the container's metrics port (%d)" % mport)
local = [l.rsplit(":", 1)[0] for l in cfg.get("listen", [])]
script = " ".join(" ".join(c.get("command", [])) for c in inits)
ok(local and all(("ip addr replace %s/32 dev xdpdns0" % a) in script
                 for a in local),
   "the init container puts the listen address on xdpdns0")
ok(all(re.search(r"[*?\[]", i) for i in cfg.get("interfaces", [])) and
   {"lxc*", "cali*", "veth*"} <= set(cfg.get("interfaces", [])),
   "XDP follows lxc*, cali*, veth* interfaces")
ok(cfg.get("xdp", {}).get("keep-attached") is True,
   "keep-attached: fail-open across daemon restarts")
ok(svc["spec"]["selector"].items() <= labels.items() and
   svc["spec"]["ports"][0]["targetPort"] in ports,
   "metrics Service selects the pods and a declared port")

root_ds = "/usr/share/dns/root.ds"
if os.path.exists(root_ds):
    want = [l.split() for l in open(root_ds) if " DS " in l]
    have = [l.split() for l in cm["data"]["anchors.conf"].splitlines()
            if l.startswith(". ")]
    ok(want and have == want,
       "root anchors equal Debian's dns-root-data root.ds")
else:
    ok(False, "dns-root-data installed (scripts/install-deps.sh)")

# The daemon's own parser on the ConfigMap's configuration.
xdpdnsd = os.path.join(ROOT, "xdpdnsd")
if os.access(xdpdnsd, os.X_OK):
    with tempfile.TemporaryDirectory(prefix="xdpdns-deploy-") as tmp:
        text = cm["data"]["xdpdnsd.yaml"]
        for a in anchors:
            path = os.path.join(tmp, os.path.basename(a))
            with open(path, "w") as f:
                f.write(cm["data"][os.path.basename(a)])
            text = text.replace(a, path)
        with open(os.path.join(tmp, "xdpdnsd.yaml"), "w") as f:
            f.write(text)
        r = run([xdpdnsd, "--config", os.path.join(tmp, "xdpdnsd.yaml"),
                 "--check-config"])
        out = r.stdout + r.stderr
        ok(r.returncode == 0 and "configuration OK" in out,
           "xdpdnsd --check-config accepts the ConfigMap")
        if r.returncode:
            diag(out)
else:
    print("ok %d - # SKIP xdpdnsd not built" % (count + 1))
    count += 1

# --- systemd ------------------------------------------------------------------

if shutil.which("systemd-analyze") and os.access(xdpdnsd, os.X_OK):
    with tempfile.TemporaryDirectory(prefix="xdpdns-unit-") as tmp:
        unit = os.path.join(tmp, "xdpdnsd.service")
        with open(UNIT) as f:
            text = f.read()
        # verify wants the binary to exist: point it at the built one.
        with open(unit, "w") as f:
            f.write(text.replace("/usr/sbin/xdpdnsd", xdpdnsd))
        r = run(["systemd-analyze", "verify", unit])
        ok(r.returncode == 0 and not r.stderr.strip() and
           not r.stdout.strip(),
           "systemd-analyze verify: no error, no warning")
        if r.returncode or r.stderr.strip():
            diag(r.stdout + r.stderr)
        r = run(["systemd-analyze", "security", "--offline=true",
                 "--threshold=30", unit])
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout)
        ok(r.returncode == 0 and m,
           "systemd-analyze security: exposure %s of 10 (at most 3.0)" %
           (m.group(1) if m else "?"))
        if r.returncode:
            diag(r.stdout[-2000:] + r.stderr)
else:
    print("ok %d - # SKIP systemd-analyze or xdpdnsd missing" % (count + 1))
    count += 1

with open(UNIT) as f:
    unit_text = f.read()
keys = {}
for line in unit_text.splitlines():
    if "=" in line and not line.startswith("#"):
        k, v = line.split("=", 1)
        keys.setdefault(k, []).append(v)
ok(keys.get("Type") == ["simple"] and
   keys.get("ExecStart") == ["/usr/sbin/xdpdnsd --config "
                             "/etc/xdpdns/xdpdnsd.yaml"] and
   keys.get("ExecReload") == ["/bin/kill -HUP $MAINPID"],
   "unit: foreground daemon, reload by SIGHUP")
ok(set(keys.get("CapabilityBoundingSet", [""])[0].split()) ==
   {"CAP_BPF", "CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_NET_BIND_SERVICE"} and
   keys.get("AmbientCapabilities") == keys.get("CapabilityBoundingSet"),
   "unit: four capabilities, bounding and ambient alike")
ok(keys.get("ProtectSystem") == ["strict"] and
   "/sys/fs/bpf" in keys.get("ReadWritePaths", [""])[0].split() and
   keys.get("RestrictAddressFamilies") == ["AF_INET AF_INET6 AF_UNIX "
                                           "AF_NETLINK"],
   "unit: read-only system but bpffs, four address families")

# --- Vagrant ------------------------------------------------------------------

if shutil.which("vagrant"):
    env = dict(os.environ, VAGRANT_DEFAULT_PROVIDER="libvirt",
               VAGRANT_CHECKPOINT_DISABLE="1")
    with tempfile.TemporaryDirectory(prefix="xdpdns-vagrant-") as home:
        # Vagrant's state (.vagrant/) goes to the temporary directory,
        # not into the tree.
        env["VAGRANT_HOME"] = home
        env["VAGRANT_DOTFILE_PATH"] = os.path.join(home, "dot")
        r = run(["vagrant", "validate"], cwd=os.path.join(ROOT, "vagrant"),
                env=env)
    ok(r.returncode == 0 and "validated successfully" in r.stdout,
       "vagrant validate (libvirt provider settings checked)")
    if r.returncode:
        diag(r.stdout + r.stderr)
else:
    ok(False, "vagrant installed (scripts/install-deps.sh)")

print("1..%d" % count)
sys.exit(1 if failed else 0)
