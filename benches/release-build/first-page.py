#!/usr/bin/env python3
"""Time from process start to the first page of data on screen, in tmux, against a floor,
for several builds in turn (the team's first-page tool, interleaved so that a noisy machine
weighs on every build alike).

Usage (from the project root):
    benches/release-build/first-page.py RUNS NAME=BIN [NAME=BIN ...]

Starts the first BIN's `sandbox` with 10,000 prospects, then RUNS times:
  floor:    a shell that only prints the first prospect's email (what tmux itself costs)
  each BIN: the TUI until that email is on screen
and prints the medians and the gaps (prospect minus floor). Needs tmux and python3.
"""
import json, os, socket, statistics, subprocess, sys, tempfile, time, urllib.request

RUNS = int(sys.argv[1])
BUILDS = [a.split("=", 1) for a in sys.argv[2:]]
BIN = os.path.abspath(BUILDS[0][1])
SOCK = "first-page-%d" % os.getpid()
home = tempfile.mkdtemp()
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
sb = subprocess.Popen([BIN, "sandbox", "--listen", f"127.0.0.1:{port}", "--token", "tk", "--secret", "sc",
                       "--count", "10000", "--seed", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    env = {"HOME": home, "PATH": os.environ["PATH"], "TERM": "xterm-256color",
           "PROSPECT_BASE_URL": f"http://127.0.0.1:{port}", "PROSPECT_API_TOKEN": "tk", "PROSPECT_API_SECRET": "sc"}
    marker = None
    for _ in range(100):
        try:
            out = subprocess.run([BIN, "list", "--limit", "1", "--output", "json"], env=env, capture_output=True,
                                 text=True, timeout=5)
            if out.returncode == 0:
                marker = json.loads(out.stdout)[0]["email"]
                break
        except Exception:
            pass
        time.sleep(0.1)
    if not marker:
        sys.exit("the sandbox did not answer")
    envargs = sum([["-e", f"{k}={v}"] for k, v in env.items()], [])
    tmux = ["tmux", "-L", SOCK]
    subprocess.run(tmux + ["new-session", "-d", "-s", "keep", "sleep 600"])

    def one(name, cmd):
        t0 = time.perf_counter()
        subprocess.run(tmux + ["new-session", "-d", "-s", name, "-x", "140", "-y", "40", *envargs, cmd])
        while time.perf_counter() - t0 < 10:
            screen = subprocess.run(tmux + ["capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout
            if marker in screen:
                break
            time.sleep(0.002)
        ms = (time.perf_counter() - t0) * 1000
        subprocess.run(tmux + ["kill-session", "-t", name])
        return ms

    floor, app = [], {n: [] for n, _ in BUILDS}
    for i in range(RUNS):
        floor.append(one(f"f{i}", f"sh -c 'echo {marker}; sleep 5'"))
        for n, b in BUILDS:
            app[n].append(one(f"p{n}{i}", os.path.abspath(b)))
    f = statistics.median(floor)
    print(f"floor (tmux + a shell printing one line): median {f:.1f} ms")
    for n, _ in BUILDS:
        a = app[n]
        print(f"{n:<10} first page: median {statistics.median(a):.1f} ms (min {min(a):.1f}, max {max(a):.1f}), gap {statistics.median(a) - f:.1f} ms")
finally:
    subprocess.run(["tmux", "-L", SOCK, "kill-server"], capture_output=True)
    sb.terminate()
