# SPDX-License-Identifier: GPL-2.0
"""The outer half of the xdpdnsd lab tests: take the lab lock, start the
lab, run the test's --inner half inside xdpdns-cli, always stop the lab."""

import fcntl
import os
import subprocess
import time

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


