#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""End-to-end benchmarks in the lab: xdpdnsd against a validating unbound
1.17 in the same namespace, on the same veth, with the same anchors and
upstream, loaded by the same dnsperf in the same run.

  bench/e2e_bench.py daemon    cache hits, CPU per answer, validated misses
  bench/e2e_bench.py xdp       cached answers with the XDP program attached

Environment: E2E_SECONDS (length of each timed run, default 5), E2E_ROUNDS
(rounds alternating the servers, default 3), E2E_CLIENTS (dnsperf -c,
default 4), E2E_PACED_QPS (rate of the latency runs, default 200),
E2E_NATIVE=0 (skip the native-mode rounds of `xdp`), E2E_PROFILE=0 (skip
the perf profile of the NAPI kthread; in `daemon`: of xdpdnsd's hit path),
E2E_MISS=0 (`daemon`: cache hits only, no validated-miss runs),
E2E_BASELINE=PATH (`daemon`: a second xdpdnsd binary, an earlier build,
measured as a third server "baseline" on port 5354 in the same rounds:
before and after a change in one run).

CPU placement (see docs/performance.md): dnsperf runs on CPU 0, both servers
on CPU 1; both veths of the client link get threaded NAPI, the kthreads of
the server's side (napi/xl-fwdc-*) pinned to CPU 1 and those of the client's
side (napi/xl-cli-*) to CPU 0, so that receive work lands on the core of the
side it belongs to instead of on whichever core sent the packet.

Takes the lab lock, starts the lab, and stops everything it started (by PID)
and the lab on every exit path. Prints tables; asserts nothing about time.
"""

import fcntl
import json
import math
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB = os.path.join(ROOT, "tests", "lab", "lab.sh")
ENV = os.path.join(ROOT, "tests", "lab", "run", "env.sh")
LOCK = "/tmp/xdpdns-lab.lock"
HZ = os.sysconf("SC_CLK_TCK")
CLIENT_CPU = 0
SERVER_CPU = 1
UNBOUND_PORT = 5353
BASELINE_PORT = 5354
# Names of the lab that validate as Secure (tests/lab/mkzones.py, STD).
HIT_NAMES = ["www.alg8.test. A", "www.alg13.test. A", "www.alg15.test. A",
             "www.alg10.test. A", "www.alg14.test. A", "www.alg8.test. AAAA",
             "www.alg13.test. AAAA", "txt.alg13.test. TXT"]
# Signed wildcard under NSEC3 (nsec3zero.test., *.w): every fresh label
# is a validated wildcard answer that no cache holds yet. NSEC3 also keeps
# unbound's aggressive use of NSEC (RFC 8198) out of it.
MISS_SUFFIX = "w.nsec3zero.test."

SECONDS = int(os.environ.get("E2E_SECONDS", "5"))
ROUNDS = int(os.environ.get("E2E_ROUNDS", "3"))
CLIENTS = int(os.environ.get("E2E_CLIENTS", "4"))
PACED_QPS = int(os.environ.get("E2E_PACED_QPS", "200"))


def log(msg):
    print("e2e: " + msg, file=sys.stderr, flush=True)


class Bench:
    def __init__(self):
        self.procs = []          # (Popen, name) we started, stopped by PID
        self.work = tempfile.mkdtemp(prefix="xdpdns-e2e.")
        self.pin = "/sys/fs/bpf/xdpdns-e2e-%d" % os.getpid()
        self.lab_started = False
        self.lockf = None
        self.env = {}
        self.xdpd = None
        self.baseline = None
        self.unbound = None
        self.xdp_via = None

    # --- lab and processes -------------------------------------------------

    def lock(self):
        self.lockf = open(LOCK, "a")
        deadline = time.monotonic() + 900
        while True:
            try:
                fcntl.flock(self.lockf, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError("lab lock busy for 900 s")
                time.sleep(1)

    def copy_bins(self):
        """Private copies of the programs: the checkout is shared and may
        be relinked by someone else's build in the middle of a run."""
        for prog in ("xdpdnsd", "xdpdns"):
            dst = os.path.join(self.work, prog)
            for _ in range(30):
                shutil.copy2(os.path.join(ROOT, prog), dst)
                if subprocess.run([dst, "--version" if prog == "xdpdnsd"
                                   else "-V"], capture_output=True
                                  ).returncode == 0:
                    break
                time.sleep(1)
            else:
                raise RuntimeError("%s does not run" % prog)
        shutil.copy2(os.path.join(ROOT, ".output", "bpf", "xdp_pass.bpf.o"),
                     os.path.join(self.work, "xdp_pass.bpf.o"))
        if os.environ.get("E2E_BASELINE"):
            shutil.copy2(os.environ["E2E_BASELINE"],
                         os.path.join(self.work, "xdpdnsd-baseline"))

    def start_lab(self):
        self.copy_bins()
        self.lock()
        self.lab_started = True
        subprocess.run([LAB, "start"], check=True, stdout=subprocess.DEVNULL)
        with open(ENV) as f:
            for line in f:
                m = re.match(r"^(\w+)=(.*)$", line.strip())
                if m:
                    self.env[m.group(1)] = m.group(2)

    def ns(self, which):
        return ["nsenter", "--net=/run/netns/" + self.env["LAB_NS_" + which]]

    def spawn(self, name, argv, cpu):
        # taskset and nsenter both exec in place: the PID is the server's.
        out = open(os.path.join(self.work, name + ".log"), "w")
        p = subprocess.Popen(["taskset", "-c", str(cpu)] + argv,
                             stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
        out.close()
        self.procs.append((p, name))
        return p

    def stop_all(self):
        for p, name in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p, name in reversed(self.procs):
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                log("%s (pid %d) ignored SIGTERM, killing" % (name, p.pid))
                p.kill()
                p.wait()
        self.procs = []

    def stop_proc(self, p):
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        self.procs = [x for x in self.procs if x[0] is not p]

    def cleanup(self):
        self.stop_all()
        if self.lab_started:
            subprocess.run([LAB, "stop"], stdout=subprocess.DEVNULL)
        if os.path.isdir(self.pin):
            shutil.rmtree(self.pin, ignore_errors=True)
        shutil.rmtree(self.work, ignore_errors=True)
        if self.lockf:
            self.lockf.close()

    def fwdc(self):
        return self.env["LAB_VETH_FWDC4"].split("/")[0]

    # --- servers -------------------------------------------------------------

    def start_xdpdnsd(self, extra=(), prog="xdpdnsd", port=53):
        argv = self.ns("FWD") + [
            b_bin(self, prog), "--listen", "%s:%d" % (self.fwdc(), port),
            "--upstream", self.env["LAB_UPSTREAM"],
            "--trust-anchor", self.env["LAB_ANCHOR_DS"],
            "--trust-anchor", self.env["LAB_MESH_DS"],
            "--control-socket", os.path.join(self.work, prog + ".sock"),
            "--workers", "1", "--log-level", "warn"] + list(extra)
        p = self.spawn(prog, argv, SERVER_CPU)
        self.wait_answer(self.fwdc(), port, prog)
        return p

    def start_unbound(self):
        d = os.path.join(self.work, "unbound")
        os.makedirs(d)
        conf = os.path.join(d, "unbound.conf")
        # Same anchors and upstream as xdpdnsd, one thread like xdpdnsd's
        # one worker, caches big enough for the whole run, an 8 MiB receive
        # buffer as xdpdnsd asks for, no logging on the query path. RFC
        # 8198 aggressive NSEC is off: xdpdnsd does not have it yet, and
        # the miss test must miss on both.
        lines = [
            "server:",
            "    interface: %s@%d" % (self.fwdc(), UNBOUND_PORT),
            "    outgoing-interface: %s" % self.env["LAB_VETH_FWD4"].split("/")[0],
            "    do-ip6: no", "    do-daemonize: no", "    chroot: \"\"",
            "    username: \"\"", "    directory: \"%s\"" % d,
            "    pidfile: \"%s/unbound.pid\"" % d, "    use-syslog: no",
            "    logfile: \"%s/unbound.log\"" % d, "    verbosity: 0",
            "    num-threads: 1", "    so-rcvbuf: 8m",
            "    outgoing-range: 4096", "    num-queries-per-thread: 2048",
            "    access-control: 198.18.0.0/16 allow",
            "    msg-cache-size: 64m", "    rrset-cache-size: 128m",
            "    key-cache-size: 8m", "    neg-cache-size: 8m",
            "    aggressive-nsec: no", "    prefetch: no",
            "    serve-expired: no", "    ede: yes",
            "    local-zone: \"test.\" nodefault",
            "    module-config: \"validator iterator\"",
            "    trust-anchor-file: \"%s\"" % self.env["LAB_ANCHOR_DS"],
            "    trust-anchor-file: \"%s\"" % self.env["LAB_MESH_DS"],
            "    extended-statistics: yes",
            "remote-control:", "    control-enable: yes",
            "    control-interface: \"%s/ctl.sock\"" % d,
            "forward-zone:", "    name: \".\"",
            "    forward-addr: %s" % self.env["LAB_UPSTREAM"],
        ]
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.unbound_conf = conf
        self.unbound = self.spawn("unbound", self.ns("FWD") + [
            "unbound", "-d", "-c", conf], SERVER_CPU)
        self.wait_answer(self.fwdc(), UNBOUND_PORT, "unbound")

    def unbound_stat(self, key):
        r = subprocess.run(["unbound-control", "-c", self.unbound_conf,
                            "stats_noreset"], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            k, _, v = line.partition("=")
            if k == key:
                return float(v)
        return None

    def kdig(self, server, port, name, rtype="A", extra=()):
        r = subprocess.run(self.ns("CLI") + [
            "kdig", "+time=2", "+retry=0", "-p", str(port), "@" + server,
            name, rtype] + list(extra), capture_output=True, text=True)
        return r.stdout

    def wait_answer(self, server, port, what):
        for _ in range(100):
            for p, name in self.procs:
                if p.poll() is not None:
                    raise RuntimeError("%s exited (%d): %s" % (
                        name, p.returncode, self.logtail(name)))
            if "status: NOERROR" in self.kdig(server, port, "www.alg13.test."):
                return
            time.sleep(0.1)
        raise RuntimeError("%s does not answer: %s" % (what, self.logtail(what)))

    def logtail(self, name):
        try:
            with open(os.path.join(self.work, name + ".log")) as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    # --- network placement ---------------------------------------------------

    def threaded_napi(self):
        """GRO on (a veth has NAPI only then, or with native XDP) and
        threaded NAPI on both ends of the client link, each side's
        kthreads pinned to that side's CPU."""
        sides = [("FWD", self.env["LAB_VETH_FWDC"], SERVER_CPU),
                 ("CLI", self.env["LAB_VETH_CLI"], CLIENT_CPU)]
        for which, dev, cpu in sides:
            subprocess.run(["ip", "netns", "exec", self.env["LAB_NS_" + which],
                            "sh", "-c", "ethtool -K %s gro on tso off >/dev/null && "
                            "echo 1 > /sys/class/net/%s/threaded" % (dev, dev)],
                           check=True)
        self.napi = {}
        for which, dev, cpu in sides:
            pids = napi_threads(dev)
            if not pids:
                raise RuntimeError("no napi/%s-* kthread after threaded=1" % dev)
            for pid in pids:
                subprocess.run(["taskset", "-pc", str(cpu), str(pid)],
                               check=True, stdout=subprocess.DEVNULL)
            self.napi[which] = pids

    # --- measurement -----------------------------------------------------------

    def snapshot(self, pids):
        return {"t": time.monotonic(),
                "task": {k: task_secs(v) for k, v in pids.items()},
                "ticks": {k: task_ticks(v) for k, v in pids.items()},
                "cpu": {c: cpu_ticks(c) for c in (CLIENT_CPU, SERVER_CPU)}}

    def dnsperf(self, server, port, qfile, seconds, clients, outstanding,
                extra=(), verbose=False):
        argv = ["taskset", "-c", str(CLIENT_CPU)] + self.ns("CLI") + [
            "dnsperf", "-s", server, "-p", str(port), "-d", qfile,
            "-l", str(seconds), "-c", str(clients), "-q", str(outstanding),
            "-t", "2"] + list(extra) + (["-v"] if verbose else [])
        r = subprocess.run(argv, capture_output=True, text=True,
                           timeout=seconds + 30)
        res = parse_dnsperf(r.stdout)
        if res is None:
            raise RuntimeError("dnsperf failed: %s %s" % (r.stdout[-1000:],
                                                           r.stderr[-1000:]))
        res["argv"] = argv[argv.index("dnsperf"):]
        return res

    def measured(self, server, port, qfile, pids, **kw):
        s0 = self.snapshot(pids)
        res = self.dnsperf(server, port, qfile, **kw)
        s1 = self.snapshot(pids)
        res["cpu"] = delta(s0, s1)
        return res

    def idle(self, pids, seconds):
        s0 = self.snapshot(pids)
        time.sleep(seconds)
        s1 = self.snapshot(pids)
        return delta(s0, s1)


# --- /proc readers --------------------------------------------------------------

def b_bin(b, prog):
    return os.path.join(b.work, prog)


def napi_threads(dev):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                comm = f.read().strip()
        except OSError:
            continue
        # comm is cut at 15 characters: napi/xl-fwdc-NN.
        if comm.startswith("napi/%s-" % dev):
            found.append(int(pid))
    return found


def task_ticks(pids):
    """utime + stime (clock ticks) summed over PIDs (every thread of a
    process is included in its /proc/PID/stat)."""
    total = 0
    for pid in pids:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total


def task_secs(pids):
    """CPU time of PIDs in seconds from their process CPU clocks
    (clock_getcpuclockid(3): the scheduler's sum_exec_runtime of every
    thread, in ns, unlike the tick-sampled utime + stime)."""
    total = 0.0
    for pid in pids:
        # CPUCLOCK_SCHED (2) of process PID, encoded as the kernel expects.
        total += time.clock_gettime(((~pid) << 3) | 2)
    return total


def cpu_ticks(cpu):
    """user, nice, system, irq, softirq of one CPU in /proc/stat, ticks."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu%d " % cpu):
                v = [int(x) for x in line.split()[1:]]
                return {"usr": v[0] + v[1], "sys": v[2], "irq": v[5],
                        "softirq": v[6], "idle": v[3] + v[4], "steal": v[7]}
    raise RuntimeError("cpu%d not in /proc/stat" % cpu)


def delta(s0, s1):
    d = {"secs": s1["t"] - s0["t"], "task": {}, "ticks": {}, "cpu": {}}
    for k in s0["task"]:
        d["task"][k] = s1["task"][k] - s0["task"][k]
        d["ticks"][k] = (s1["ticks"][k] - s0["ticks"][k]) / HZ
    for c in s0["cpu"]:
        d["cpu"][c] = {k: (s1["cpu"][c][k] - s0["cpu"][c][k]) / HZ
                       for k in s0["cpu"][c]}
        d["cpu"][c]["busy"] = sum(d["cpu"][c][k] for k in
                                  ("usr", "sys", "irq", "softirq"))
    return d


def parse_dnsperf(text):
    res = {}
    pats = {"sent": r"Queries sent:\s+(\d+)",
            "completed": r"Queries completed:\s+(\d+)",
            "lost": r"Queries lost:\s+(\d+)",
            "qps": r"Queries per second:\s+([\d.]+)",
            "runtime": r"Run time \(s\):\s+([\d.]+)"}
    for k, p in pats.items():
        m = re.search(p, text)
        if not m:
            return None
        res[k] = float(m.group(1))
    m = re.search(r"Response codes:\s+(.*)", text)
    codes = {}
    if m:
        for name, n in re.findall(r"([A-Z]+) (\d+) \(", m.group(1)):
            codes[name] = int(n)
    res["codes"] = codes
    res["noerror"] = codes.get("NOERROR", 0)
    # -v: one line per answer, "> RCODE NAME TYPE LATENCY".
    lat = [float(x) for x in re.findall(
        r"^> [A-Z]+ \S+ \S+ ([\d.]+)$", text, re.M)]
    res["latencies"] = lat
    return res


def percentile(values, p):
    if not values:
        return float("nan")
    # Nearest rank.
    v = sorted(values)
    return v[max(0, min(len(v) - 1, math.ceil(p / 100.0 * len(v)) - 1))]


def med(values):
    return statistics.median(values) if values else float("nan")


def busy(rows, cpu):
    """Median share of one CPU busy during the runs, in per cent."""
    return med([100 * x["cpu"]["cpu"][cpu]["busy"] / x["cpu"]["secs"]
                for x in rows])


def ring_packets(ns, dev):
    """Packets that went through the veth's NAPI ring (ethtool -S)."""
    r = subprocess.run(["ip", "netns", "exec", ns, "ethtool", "-S", dev],
                       capture_output=True, text=True)
    m = re.search(r"rx_queue_0_xdp_packets:\s+(\d+)", r.stdout)
    return int(m.group(1)) if m else -1


def write_queries(path, lines, repeat=1):
    with open(path, "w") as f:
        for _ in range(repeat):
            for line in lines:
                f.write(line + "\n")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# --- sections --------------------------------------------------------------------

def warm(b, port, qfile):
    """Run the hit names through a server until every one is cached."""
    for _ in range(3):
        b.dnsperf(b.fwdc(), port, qfile, seconds=2, clients=1, outstanding=1,
                  extra=["-n", "1"])


def section_daemon(b):
    b.start_lab()
    b.threaded_napi()
    b.xdpd = b.start_xdpdnsd()
    b.start_unbound()
    srv = {"xdpdnsd": (53, [b.xdpd.pid]), "unbound": (UNBOUND_PORT,
                                                     [b.unbound.pid])}
    if os.environ.get("E2E_BASELINE"):
        b.baseline = b.start_xdpdnsd(prog="xdpdnsd-baseline",
                                     port=BASELINE_PORT)
        srv["baseline"] = (BASELINE_PORT, [b.baseline.pid])
    hits = os.path.join(b.work, "hits.txt")
    write_queries(hits, HIT_NAMES)
    for name, (port, _) in srv.items():
        warm(b, port, hits)
    print("== Daemon against unbound (%s, load average %s, %d s runs, %d "
          "rounds alternating, dnsperf -c %d on CPU %d, servers on CPU %d)" % (
              time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), loadavg(),
              SECONDS, ROUNDS, CLIENTS, CLIENT_CPU, SERVER_CPU))
    idle = b.idle({"napi": b.napi["FWD"]}, SECONDS)
    print("CPU %d idle baseline (no traffic, %d s): %.2f busy s, %.2f "
          "softirq s" % (SERVER_CPU, SECONDS,
                         idle["cpu"][SERVER_CPU]["busy"],
                         idle["cpu"][SERVER_CPU]["softirq"]))

    # (a) and (b): cache hits.
    hit = {n: [] for n in srv}
    for r in range(ROUNDS):
        order = list(srv) if r % 2 == 0 else list(reversed(list(srv)))
        for name in order:
            port, pids = srv[name]
            res = b.measured(b.fwdc(), port, hits,
                             {"proc": pids, "napi": b.napi["FWD"]},
                             seconds=SECONDS, clients=CLIENTS,
                             outstanding=100)
            hit[name].append(res)
    hitcmd = " ".join(hit["xdpdnsd"][0]["argv"])
    print("\ncache hits (%d names, warmed; -q 100):" % len(HIT_NAMES))
    print("%-8s %10s %8s %11s %11s %11s %10s %7s %7s" % (
        "server", "qps", "lost", "proc ms/1k", "napi ms/1k", "side ms/1k",
        "softirq s", "cpu0 %", "cpu1 %"))
    for name in srv:
        rows = hit[name]
        qps = med([x["noerror"] / x["runtime"] for x in rows])
        lost = med([x["lost"] for x in rows])
        proc = med([1e6 * x["cpu"]["task"]["proc"] / max(1, x["noerror"])
                    for x in rows])
        napi = med([1e6 * x["cpu"]["task"]["napi"] / max(1, x["noerror"])
                    for x in rows])
        side = med([1e6 * (x["cpu"]["task"]["proc"] + x["cpu"]["task"]["napi"])
                    / max(1, x["noerror"]) for x in rows])
        sirq = med([x["cpu"]["cpu"][SERVER_CPU]["softirq"] for x in rows])
        print("%-8s %10.0f %8.0f %11.4f %11.4f %11.4f %10.2f %7.0f %7.0f" % (
            name, qps, lost, proc, napi, side, sirq, busy(rows, CLIENT_CPU),
            busy(rows, SERVER_CPU)))
        tick = med([1e6 * x["cpu"]["ticks"]["proc"] / max(1, x["noerror"])
                    for x in rows])
        print("%-8s utime+stime of the process (ticks of 1/%d s): %.4f ms/1k"
              % ("", HZ, tick))
        print("RESULT hit %s qps=%.0f proc_ms_per_1k=%.4f napi_ms_per_1k=%.4f "
              "per_round_qps=%s per_round_proc=%s" % (
                  name, qps, proc, napi, ",".join(
                      "%.0f" % (x["noerror"] / x["runtime"]) for x in rows),
                  ",".join("%.3f" % (1e6 * x["cpu"]["task"]["proc"] /
                                     max(1, x["noerror"])) for x in rows)))

    if os.environ.get("E2E_PROFILE", "1") != "0":
        profile_hits(b, hits)
    if os.environ.get("E2E_MISS", "1") == "0":
        print()
        return
    # (c): validated misses, throughput then paced latency.
    runid = "%x" % random.getrandbits(32)
    miss = {n: [] for n in srv}
    paced = {n: [] for n in srv}
    misses_before = b.unbound_stat("total.num.cachemiss")
    for r in range(ROUNDS):
        order = list(srv) if r % 2 == 0 else list(reversed(list(srv)))
        for name in order:
            port, pids = srv[name]
            for kind, store, extra, outst in (
                    ("s", miss, [], 64),
                    ("p", paced, ["-Q", str(PACED_QPS)], 64)):
                qf = os.path.join(b.work, "miss-%s-%d-%s.txt" % (name, r, kind))
                # More names than any run can use, each once (-n 1).
                n = 40000 if kind == "s" else PACED_QPS * SECONDS + 100
                write_queries(qf, ["%s%s%d%s%d.%s A" % (
                    runid, kind, r, name[0], i, MISS_SUFFIX) for i in range(n)])
                res = b.measured(b.fwdc(), port, qf,
                                 {"proc": pids, "napi": b.napi["FWD"]},
                                 seconds=SECONDS, clients=CLIENTS,
                                 outstanding=outst, extra=["-n", "1"] + extra,
                                 verbose=True)
                store[name].append(res)
    misses = b.unbound_stat("total.num.cachemiss")
    misscmd = " ".join(miss["xdpdnsd"][0]["argv"])
    pacedcmd = " ".join(paced["xdpdnsd"][0]["argv"])
    print("\nvalidated cache misses (unique <label>.%s A, wildcard under "
          "NSEC3):" % MISS_SUFFIX)
    print("%-8s %10s %8s %10s %10s %10s %12s %10s %10s" % (
        "server", "qps", "lost", "p50 ms", "p99 ms", "proc ms/1k",
        "paced qps", "p50 ms", "p99 ms"))
    for name in srv:
        rows, prow = miss[name], paced[name]
        qps = med([x["noerror"] / x["runtime"] for x in rows])
        lost = med([x["lost"] for x in rows])
        p50 = med([1000 * percentile(x["latencies"], 50) for x in rows])
        p99 = med([1000 * percentile(x["latencies"], 99) for x in rows])
        proc = med([1e6 * x["cpu"]["task"]["proc"] / max(1, x["noerror"])
                    for x in rows])
        pq = med([x["noerror"] / x["runtime"] for x in prow])
        pp50 = med([1000 * percentile(x["latencies"], 50) for x in prow])
        pp99 = med([1000 * percentile(x["latencies"], 99) for x in prow])
        print("%-8s %10.0f %8.0f %10.2f %10.2f %10.4f %12.0f %10.2f %10.2f" % (
            name, qps, lost, p50, p99, proc, pq, pp50, pp99))
        print("RESULT miss %s qps=%.0f p50_ms=%.2f p99_ms=%.2f paced_p50_ms=%.2f "
              "paced_p99_ms=%.2f rcodes=%s samples=%s" % (
                  name, qps, p50, p99, pp50, pp99,
                  json.dumps(rows[0]["codes"], separators=(",", ":")),
                  ",".join(str(len(x["latencies"])) for x in rows)))
    if misses_before is not None and misses is not None:
        sent = sum(x["noerror"] + x["lost"] for x in
                   miss["unbound"] + paced["unbound"])
        print("unbound cache misses counted during the miss runs: %.0f "
              "(queries answered or lost there: %.0f)" % (
                  misses - misses_before, sent))
    st = daemon_stats(b)
    if st:
        print("xdpdnsd counters after the runs: %s" % json.dumps(
            {k: st[k] for k in ("queries", "cache") if k in st},
            separators=(",", ":"))[:400])
    print("commands (from xdpdns-cli, taskset -c %d):\n  hits:   %s\n"
          "  misses: %s\n  paced:  %s" % (CLIENT_CPU, hitcmd, misscmd,
                                          pacedcmd))
    print("servers (taskset -c %d, nsenter --net=/run/netns/xdpdns-fwd): "
          "xdpdnsd --listen %s --upstream %s --trust-anchor root.ds "
          "--trust-anchor mesh.internal.ds --workers 1; unbound -d (num-threads 1, "
          "port %d, validator iterator, same anchors, forward . to %s)" % (
              SERVER_CPU, b.fwdc(), b.env["LAB_UPSTREAM"], UNBOUND_PORT,
              b.env["LAB_UPSTREAM"]))
    if "baseline" in srv:
        print("baseline: %s, run as xdpdnsd on port %d" % (
            os.environ["E2E_BASELINE"], BASELINE_PORT))
    print()


def perf_during_hits(b, hits, data, target, sort):
    """perf record of @target (perf's -p/-t arguments) into @data during
    one more hit run against port 53; the report's self time by @sort."""
    rec = subprocess.Popen(["perf", "record", "-q", "-o", data] + target +
                           ["--", "sleep", str(max(1, SECONDS - 1))],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    b.dnsperf(b.fwdc(), 53, hits, seconds=SECONDS, clients=CLIENTS,
              outstanding=100)
    rec.wait(timeout=60)
    return subprocess.run(["perf", "report", "-i", data, "--no-children",
                           "--sort", sort, "--stdio", "-g", "none"],
                          capture_output=True, text=True)


def profile_hits(b, hits):
    """One more hit run with perf sampling xdpdnsd (user and kernel, with
    call graphs): where its CPU per answer goes."""
    if not shutil.which("perf"):
        return
    data = os.path.join(b.work, "perf-hits.data")
    r = perf_during_hits(b, hits, data, ["-g", "-p", str(b.xdpd.pid)],
                         "dso,symbol")
    syms = re.findall(r"^\s+([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(\S+)",
                      r.stdout, re.M)
    if not syms:
        log("perf report gave no samples: %s" % r.stderr[-300:])
        return
    print("profile of xdpdnsd during one more hit run (perf record -g -p, "
          "self time): %s" % ", ".join("%s %s%%" % (sym, pct)
                                       for pct, dso, sym in syms[:25]))
    keep = os.environ.get("E2E_PERF_KEEP")
    if keep:
        shutil.copy2(data, keep)


def daemon_stats(b):
    r = subprocess.run([b_bin(b, "xdpdns"), "-j", "--control",
                        os.path.join(b.work, "xdpdnsd.sock"), "--pin-path",
                        b.pin, "stats"], capture_output=True, text=True)
    try:
        return json.loads(r.stdout).get("daemon") or {}
    except ValueError:
        return {}


def kernel_counters(b):
    r = subprocess.run([b_bin(b, "xdpdns"), "-j", "--pin-path",
                        b.pin, "--control", os.path.join(b.work, "none.sock"),
                        "stats"], capture_output=True, text=True)
    try:
        k = json.loads(r.stdout).get("kernel")
        return k["counters"] if k else None
    except (ValueError, KeyError, TypeError):
        return None


def attach_xdp(b, hits, mode):
    """Start xdpdnsd with its XDP program on the client-facing veth and
    check that it answers the hit names from the kernel cache."""
    dev = b.env["LAB_VETH_FWDC"]
    b.xdpd = b.start_xdpdnsd(["--interface", dev, "--xdp-mode", mode,
                              "--pin-path", b.pin])
    warm(b, 53, hits)
    before = kernel_counters(b)
    warm(b, 53, hits)
    after = kernel_counters(b)
    if not before or not after or \
            after["answered"] - before["answered"] < 3 * len(HIT_NAMES):
        raise RuntimeError("xdpdnsd --interface %s --xdp-mode %s: the XDP "
                           "program does not answer the cached names "
                           "(counters %s -> %s)" % (dev, mode, before, after))
    b.xdp_via = "xdpdnsd --interface %s --xdp-mode %s --pin-path DIR" % (
        dev, mode)


def xdp_rounds(b, srv, hits):
    """Alternate the servers ROUNDS times, an idle interval (no traffic)
    before each round for CPU 1's baseline."""
    pids = lambda p: {"proc": p, "napi": b.napi["FWD"],  # noqa: E731
                      "cnapi": b.napi["CLI"]}
    allp = [pid for _, p in srv.values() for pid in p]
    res = {n: [] for n in srv}
    idle = []
    hits_xdp = []
    ring0 = ring_packets(b.env["LAB_NS_FWD"], b.env["LAB_VETH_FWDC"])
    for r in range(ROUNDS):
        order = list(srv) if r % 2 == 0 else list(reversed(list(srv)))
        idle.append(b.idle(pids(allp), SECONDS))
        for name in order:
            port, p = srv[name]
            c0 = kernel_counters(b) if port == 53 else None
            x = b.measured(b.fwdc(), port, hits, pids(p), seconds=SECONDS,
                           clients=CLIENTS, outstanding=100)
            if c0 is not None:
                c1 = kernel_counters(b)
                hits_xdp.append((c1["answered"] - c0["answered"],
                                 x["noerror"]))
            res[name].append(x)
    ring = ring_packets(b.env["LAB_NS_FWD"], b.env["LAB_VETH_FWDC"]) - ring0
    sent = sum(x["sent"] for rows in res.values() for x in rows)
    return res, idle, hits_xdp, ring, sent


def xdp_table(b, srv, res, idle, hits_xdp, ring, sent):
    base = med([i["cpu"][SERVER_CPU]["busy"] / i["secs"] for i in idle])
    base_sirq = med([i["cpu"][SERVER_CPU]["softirq"] / i["secs"] for i in idle])
    print("XDP: %s" % b.xdp_via)
    print("CPU %d idle baseline (median of %d x %d s without traffic): "
          "%.3f busy s/s, %.3f softirq s/s" % (SERVER_CPU, len(idle), SECONDS,
                                                base, base_sirq))
    print("%-8s %10s %11s %11s %11s %13s %10s %11s %7s %7s" % (
        "server", "answers/s", "proc ms/1k", "napi ms/1k", "side ms/1k",
        "cpu1-base/1k", "sirq/1k", "cli napi/1k", "cpu0 %", "cpu1 %"))
    side_of = {}
    for name in srv:
        rows = res[name]
        n = [max(1, x["noerror"]) for x in rows]
        qps = med([x["noerror"] / x["runtime"] for x in rows])
        proc = med([1e6 * x["cpu"]["task"]["proc"] / k for x, k in zip(rows, n)])
        napi = med([1e6 * x["cpu"]["task"]["napi"] / k for x, k in zip(rows, n)])
        side = med([1e6 * (x["cpu"]["task"]["proc"] + x["cpu"]["task"]["napi"])
                    / k for x, k in zip(rows, n)])
        cpu1 = med([1e6 * (x["cpu"]["cpu"][SERVER_CPU]["busy"] -
                           base * x["cpu"]["secs"]) / k
                    for x, k in zip(rows, n)])
        sirq = med([1e6 * x["cpu"]["cpu"][SERVER_CPU]["softirq"] / k
                    for x, k in zip(rows, n)])
        cnapi = med([1e6 * x["cpu"]["task"]["cnapi"] / k
                     for x, k in zip(rows, n)])
        tick = med([1e6 * (x["cpu"]["ticks"]["proc"] + x["cpu"]["ticks"]["napi"])
                    / k for x, k in zip(rows, n)])
        side_of[name] = (side, cpu1, tick)
        print("%-8s %10.0f %11.4f %11.4f %11.4f %13.4f %10.4f %11.4f %7.0f "
              "%7.0f" % (name, qps, proc, napi, side, cpu1, sirq, cnapi,
                         busy(rows, CLIENT_CPU), busy(rows, SERVER_CPU)))
        print("RESULT xdp %s answers_per_s=%.0f side_ms_per_1k=%.4f "
              "cpu1_ms_per_1k=%.4f per_round=%s side_per_round=%s" % (
                  name, qps, side, cpu1, ",".join(
                      "%.0f" % (x["noerror"] / x["runtime"]) for x in rows),
                  ",".join("%.3f" % (1e6 * (x["cpu"]["task"]["proc"] +
                                             x["cpu"]["task"]["napi"]) / k)
                           for x, k in zip(rows, n))))
    xdp, ub = side_of[list(srv)[0]], side_of["unbound"]
    if xdp[0] > 0:
        print("unbound / XDP server CPU per answer: %.1f (per task), %.1f "
              "(CPU %d minus idle baseline), %.1f (utime+stime); target >= 20"
              % (ub[0] / xdp[0], ub[1] / xdp[1] if xdp[1] > 0 else
                 float("nan"), SERVER_CPU,
                 ub[2] / xdp[2] if xdp[2] > 0 else float("nan")))
    print("XDP program answered / dnsperf answers per round: %s" % ", ".join(
        "%d/%d" % h for h in hits_xdp))
    print("packets through the NAPI ring of %s: %d for %d queries sent" % (
        b.env["LAB_VETH_FWDC"], ring, sent))
    return xdp[0]


def profile_napi(b, hits, napi_us):
    """One more XDP run with perf sampling the server side's NAPI
    kthreads: how much of their time is the XDP program itself."""
    if os.environ.get("E2E_PROFILE", "1") == "0" or not shutil.which("perf"):
        return
    data = os.path.join(b.work, "perf.data")
    r = perf_during_hits(b, hits, data, ["-t", ",".join(
        str(t) for t in b.napi["FWD"])], "symbol")
    syms = [(float(pct), sym) for pct, sym in re.findall(
        r"^\s+([\d.]+)%\s+\[k\]\s+(\S+)", r.stdout, re.M)]
    ev = re.search(r"of event '([^']+)'", r.stdout)
    n = re.search(r"# Samples: (\S+)", r.stdout)
    if not syms:
        log("perf report gave no samples: %s" % r.stderr[-300:])
        return
    prog = sum(p for p, sym in syms if sym.startswith("bpf_prog_"))
    print("profile of napi/%s-* during one more run (perf record -t, %s "
          "samples of %s): BPF programs %.1f %% of it, about %.2f of its %.2f "
          "us per answer; top symbols: %s" % (
              b.env["LAB_VETH_FWDC"], n.group(1) if n else "?",
              ev.group(1) if ev else "?", prog, prog / 100 * napi_us, napi_us,
              ", ".join("%s %.1f%%" % (sym, p) for p, sym in syms[:8])))


def section_xdp(b):
    b.start_lab()
    b.threaded_napi()
    hits = os.path.join(b.work, "hits.txt")
    write_queries(hits, HIT_NAMES)
    attach_xdp(b, hits, "generic")
    b.start_unbound()
    warm(b, UNBOUND_PORT, hits)
    srv = {"xdp": (53, [b.xdpd.pid]), "unbound": (UNBOUND_PORT,
                                                 [b.unbound.pid])}
    print("== Cached answers end to end: XDP against unbound (%s, load "
          "average %s, %d s runs, %d rounds alternating, dnsperf -c %d on "
          "CPU %d, servers and napi/%s-* on CPU %d)" % (
              time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), loadavg(),
              SECONDS, ROUNDS, CLIENTS, CLIENT_CPU, b.env["LAB_VETH_FWDC"],
              SERVER_CPU))
    out = xdp_rounds(b, srv, hits)
    cmd = " ".join(out[0]["xdp"][0]["argv"])
    profile_napi(b, hits, xdp_table(b, srv, *out))

    if os.environ.get("E2E_NATIVE", "1") != "0":
        # Native mode on the veth, with the pass-through program on the
        # client's veth that veth needs to deliver XDP_TX (DESIGN.md).
        b.stop_proc(b.xdpd)
        subprocess.run(["ip", "-n", b.env["LAB_NS_CLI"], "link", "set", "dev",
                        b.env["LAB_VETH_CLI"], "xdpdrv", "obj",
                        os.path.join(b.work, "xdp_pass.bpf.o"),
                        "sec", "xdp"], check=True)
        b.threaded_napi()
        attach_xdp(b, hits, "native")
        srv = {"xdp-nat": (53, [b.xdpd.pid]), "unbound": (UNBOUND_PORT,
                                                         [b.unbound.pid])}
        print("\nsame with xdp_dns in native mode on %s and xdp_pass "
              "(native) on %s:" % (b.env["LAB_VETH_FWDC"],
                                   b.env["LAB_VETH_CLI"]))
        profile_napi(b, hits, xdp_table(b, srv, *xdp_rounds(b, srv, hits)))
    print("command (from xdpdns-cli, taskset -c %d): %s" % (CLIENT_CPU, cmd))
    print()


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("daemon", "xdp"):
        print("usage: e2e_bench.py daemon|xdp", file=sys.stderr)
        return 2
    if os.cpu_count() < 2:
        log("needs two CPUs (client and server pinned apart)")
        return 1
    b = Bench()
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    try:
        if sys.argv[1] == "daemon":
            section_daemon(b)
        else:
            section_xdp(b)
    finally:
        b.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
