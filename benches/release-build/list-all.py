#!/usr/bin/env python3
"""list --all of 10,000 on loopback, interleaved across builds.

Usage: benches/release-build/list-all.py ROUNDS NAME=BIN [NAME=BIN ...]
One sandbox (the first BIN, `sandbox --count 10000 --seed 1`) serves every build, so only the
client differs. Each round runs every build once, in turn, for
`list --all -o ndjson` (output to /dev/null) and `list --limit 1 -o json` (start-up + one page).
Prints medians, min and max per build.
"""
import os, socket, statistics, subprocess, sys, tempfile, time

rounds = int(sys.argv[1])
builds = [a.split("=", 1) for a in sys.argv[2:]]
home = tempfile.mkdtemp()
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
sb = subprocess.Popen([builds[0][1], "sandbox", "--listen", f"127.0.0.1:{port}", "--token", "tk",
                       "--secret", "sc", "--count", "10000", "--seed", "1"],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
env = {"HOME": home, "PATH": os.environ["PATH"], "XDG_CONFIG_HOME": home + "/c",
       "XDG_STATE_HOME": home + "/s", "PROSPECT_BASE_URL": f"http://127.0.0.1:{port}",
       "PROSPECT_API_TOKEN": "tk", "PROSPECT_API_SECRET": "sc"}
try:
    for _ in range(100):
        if subprocess.run([builds[0][1], "list", "--limit", "1"], env=env, capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    cases = {"list --all (10k, ndjson)": ["list", "--all", "-o", "ndjson"],
             "list --limit 1 (start + one page)": ["list", "--limit", "1", "-o", "json"]}
    res = {(c, n): [] for c in cases for n, _ in builds}
    for r in range(rounds):
        for c, args in cases.items():
            for n, b in builds:
                t0 = time.perf_counter()
                p = subprocess.run([b, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                ms = (time.perf_counter() - t0) * 1000
                assert p.returncode == 0, p.stderr
                res[(c, n)].append(ms)
    for c in cases:
        print(c)
        for n, _ in builds:
            v = res[(c, n)]
            print(f"  {n:<12} median {statistics.median(v):8.1f} ms  (min {min(v):.1f}, max {max(v):.1f}, n={len(v)})")
finally:
    sb.terminate()
