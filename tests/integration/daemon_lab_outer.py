# SPDX-License-Identifier: GPL-2.0
"""The outer half of the xdpdnsd lab tests: take the lab lock, start the
lab, run the test's --inner half inside xdpdns-cli, always stop the lab;
and private copies of the binaries for the inner half."""

import fcntl
import os
import shutil
import subprocess
import tempfile
import time

import daemon_lib
from daemon_lib import ROOT, XDPDNSD, skip_all

LAB = os.path.join(ROOT, "tests", "lab", "lab.sh")
ENV = os.path.join(ROOT, "tests", "lab", "run", "env.sh")


def read_env():
    env = {}
    with open(ENV) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                env[k] = v.strip("'\"")
    return env


def outer(script):
    if os.geteuid() != 0:
        skip_all("needs root")
    if not os.access(XDPDNSD, os.X_OK):
        skip_all("%s not built" % XDPDNSD)
    if not os.access(LAB, os.X_OK):
        skip_all("tests/lab/lab.sh missing")
    lock = open("/tmp/xdpdns-lab.lock", "w")
    deadline = time.time() + 900
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.time() > deadline:
                skip_all("lab busy for 15 minutes")
            time.sleep(1)
    rc = 1
    try:
        start = subprocess.run([LAB, "start"], capture_output=True, text=True)
        if start.returncode != 0:
            print("1..0 # SKIP lab did not start: %s" % start.stderr.strip()[-200:])
            return 0
        env = read_env()
        rc = subprocess.run(["nsenter", "--net=/run/netns/" + env["LAB_NS_CLI"],
                             "/usr/bin/python3", script, "--inner"]
                            ).returncode
    finally:
        subprocess.run([LAB, "stop"], capture_output=True)
        lock.close()
    return rc


def private_binaries(work):
    """Copies xdpdnsd and xdpdns into @work (a parallel "make" relinking
    them cannot disturb the test) and points daemon_lib at the copy.
    Returns the missing binary's name, or None."""
    for b in ("xdpdnsd", "xdpdns"):
        if not os.access(os.path.join(ROOT, b), os.X_OK):
            return b
        shutil.copy(os.path.join(ROOT, b), os.path.join(work, b))
    daemon_lib.XDPDNSD = os.path.join(work, "xdpdnsd")
    return None


def private_workdir(prefix):
    """A new temporary directory holding private_binaries(); None, after
    the TAP line that skips the test, when a binary is not built."""
    work = tempfile.mkdtemp(prefix=prefix)
    missing = private_binaries(work)
    if missing:
        shutil.rmtree(work, ignore_errors=True)
        print("1..0 # SKIP %s not built" % missing)
        return None
    return work
