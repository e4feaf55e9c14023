#!/usr/bin/env python3
"""Measures the witness path on loopback with real processes: the time from POST /v1/checkpoints until /checkpoint
carries the witness's cosignature, and `custos witness` add-checkpoint throughput (each cosignature persists the
state file with fsync before answering).

    CUSTOS_BIN=$PWD/.build/debug/custos scripts/bench-witness.py
"""
import os
import tempfile

BIN = os.path.abspath(os.environ.get("CUSTOS_BIN", ".build/debug/custos"))
os.chdir(tempfile.mkdtemp(prefix="custos-witness-bench-"))
import json, re, subprocess, threading, time, requests
subprocess.run([BIN, "keygen", "--origin", "witness.example/w1", "--out", "wkeys"], check=True, capture_output=True)
subprocess.run([BIN, "keygen", "--origin", "custos.local/log", "--out", "log/keys"], check=True, capture_output=True)
vkey = open("log/keys/verifier.vkey").read().strip()
json.dump({"key": "wkeys/signer.key", "state": "state.json", "logs": [{"origin": "custos.local/log", "key": vkey}]}, open("w.json", "w"))
w = subprocess.Popen([BIN, "witness", "--config", "w.json", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = None; wkey = None
for line in w.stdout:
    if m := re.search(r"Witness verifier key: (\S+)", line): wkey = m.group(1)
    if m := re.search(r"listening on (http://\S+) ", line): url = m.group(1); break
threading.Thread(target=lambda: [None for _ in w.stdout], daemon=True).start()
json.dump({"checkpoint_interval_seconds": 86400, "witnesses": [{"name": "w1", "url": url, "key": wkey}]}, open("log.json", "w"))
p = subprocess.run([BIN, "keys", "create", "--name", "i", "--owner", "o", "--scope", "ingest", "--scope", "admin", "--data", "log"], capture_output=True, text=True, check=True)
tok = p.stdout.strip().splitlines()[-1]
s = subprocess.Popen([BIN, "serve", "--data", "log", "--port", "0", "--config", "log.json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
for line in s.stdout:
    if m := re.search(r"listening on (http://\S+) ", line): surl = m.group(1); break
threading.Thread(target=lambda: [None for _ in s.stdout], daemon=True).start()
H = {"Authorization": f"Bearer {tok}"}
lat = []
for i in range(20):
    ev = [{"id": f"b{i}-{k}", "time": "2026-11-20T10:00:00.000Z", "actor": {"id": "a"}, "action": "view", "outcome": "success", "app": "x"} for k in range(100)]
    requests.post(surl + "/v1/events", json=ev, headers=H).raise_for_status()
    r = requests.post(surl + "/v1/checkpoints", headers=H); r.raise_for_status()
    size = r.json()["size"]; t0 = time.monotonic()
    while True:
        text = requests.get(surl + "/checkpoint").text
        if text.split("\n")[1] != str(size): break  # a newer checkpoint replaced it; skip
        if "witness.example/w1" in text: lat.append(time.monotonic() - t0); break
        time.sleep(0.005)
lat.sort()
print(f"publish->cosignature served: n={len(lat)} median={lat[len(lat)//2]*1000:.0f} ms max={lat[-1]*1000:.0f} ms")
# Witness throughput: the same checkpoint resubmitted (each cosign persists the state with fsync).
note = requests.get(surl + "/checkpoint").text
body_note = note.split("\n\n")[0] + "\n\n" + [l for l in note.split("\n\n",1)[1].split("\n") if l.startswith("\u2014 custos.local/log")][0] + "\n"
size = int(note.split("\n")[1])
st = json.load(open("state.json"))["logs"][0]["size"]
n = 200; t0 = time.monotonic(); ok = 0
sess = requests.Session()
for _ in range(n):
    cur = json.load(open("state.json"))["logs"][0]["size"]
    r = sess.post(url + "/add-checkpoint", data=f"old {cur}\n\n{body_note}".encode())
    ok += r.status_code == 200
dt = time.monotonic() - t0
print(f"witness add-checkpoint (same checkpoint, fsync'd state): {n} requests, {ok} cosigned, {n/dt:.0f} req/s, {dt/n*1000:.1f} ms each")
s.terminate(); w.terminate(); s.wait(); w.wait()
