"""Measures rule back-test throughput over a simulated history (against `custos rules test` over the same events)
and webhook delivery throughput to a local listener.

    python3 scripts/measure_backtest_webhooks.py OFFICERS DAYS PINGS     # e.g. 40 16 500

CUSTOS_BIN: the binary (default .build/debug/custos). Needs python3 with requests and pytest (for conftest)."""
import json, os, shutil, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))
os.environ.setdefault("CUSTOS_BIN", str(REPO / ".build" / "debug" / "custos"))
from conftest import Server, create_key, run_cli, auth  # noqa

root = Path(tempfile.mkdtemp(prefix="notify-measure-"))
sim = root / "sim"
officers, days = sys.argv[1], sys.argv[2]
run_cli("simulate", "--officers", officers, "--days", days, "--seed", "7", "--out", str(sim), check=True, timeout=900)
data = root / "data"; data.mkdir()
shutil.copy(sim / "entities.json", data / "entities.json")
# One batch at a time, so commit order is file order and both runs see the events in the same order.
t = time.monotonic(); run_cli("ingest", str(sim / "events.ndjson"), "--data", str(data), "--parallel", "1", check=True, timeout=1800)
print(f"ingested in {time.monotonic() - t:.1f} s")
lines = [l for l in (sim / "events.ndjson").read_text().splitlines() if l.strip()]
times = [json.loads(l)["time"] for l in lines]
pack = "\n---\n".join(p.read_text().strip() for p in sorted((REPO / "rules").glob("*.yml")))
packdir = root / "pack"; packdir.mkdir(); (packdir / "pack.yml").write_text(pack)
t = time.monotonic()
p = run_cli("rules", "test", "--rules", str(packdir), "--events", str(sim / "events.ndjson"), "--reference",
            str(sim / "entities.json"), check=True, timeout=1800)
offline_s = time.monotonic() - t
offline = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]

class Ok(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0"))); self.send_response(200)
        self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
listener = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
threading.Thread(target=listener.serve_forever, daemon=True).start()
config = root / "custos.json"
config.write_text(json.dumps({"webhooks": [{"name": "m", "secret": "measure-secret-0123456789",
                                            "url": f"http://127.0.0.1:{listener.server_address[1]}/h"}]}))
read = create_key(data, "auditor", "read"); admin = create_key(data, "sup", "admin")
server = Server(data, config).start()
try:
    body = {"rule": pack, "from": min(times), "to": "2100-01-01T00:00:00Z", "limit": 1000}
    t = time.monotonic()
    r = requests.post(server.url + "/v1/rules/backtest", json=body, headers=auth(read), timeout=3600)
    s = time.monotonic() - t
    doc = r.json()
    print(f"backtest: {doc['events_scanned']} events, {doc['findings_count']} findings in {s:.2f} s "
          f"= {doc['events_scanned'] / s:,.0f} events/s; rules test offline: {len(lines)} events, "
          f"{len(offline)} findings in {offline_s:.2f} s; first 1000 equal: {doc['findings'] == offline[:1000]}")
    n = int(sys.argv[3])
    t = time.monotonic()
    for _ in range(n):
        assert requests.post(server.url + "/v1/webhooks/test", headers=auth(admin), timeout=30).status_code == 202
    queued = time.monotonic() - t
    while True:
        d = requests.get(server.url + "/v1/webhooks/deliveries", params={"status": "pending", "limit": "1"},
                         headers=auth(admin), timeout=30).json()
        if not d["deliveries"]:
            break
        time.sleep(0.05)
    total = time.monotonic() - t
    delivered = 0; cursor = None
    while True:
        params = {"status": "delivered", "limit": "1000"} | ({"cursor": cursor} if cursor else {})
        d = requests.get(server.url + "/v1/webhooks/deliveries", params=params, headers=auth(admin), timeout=30).json()
        delivered += len(d["deliveries"]); cursor = d["next_cursor"]
        if not cursor: break
    print(f"webhooks: {n} pings queued in {queued:.2f} s ({n / queued:,.0f}/s through the API), all {delivered} "
          f"delivered {total:.2f} s after the first")
finally:
    server.stop(); listener.shutdown(); shutil.rmtree(root, ignore_errors=True)
