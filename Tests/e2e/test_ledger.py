"""The verifiable record over HTTP, checked independently of Swift: the signed checkpoint (Ed25519 over the C2SP
signed note), tiles, entry bundles and an RFC 9162 inclusion proof, all recomputed with hashlib."""

from __future__ import annotations

import base64
import hashlib
import struct
from pathlib import Path

import pytest

from conftest import auth, make_event, unique


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2."""
    assert index < size
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        assert sn != 0
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    assert sn == 0
    return r


def tree_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH over leaf hashes."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(tree_root(leaves[:k]), tree_root(leaves[k:]))


def parse_note(text: str):
    body, _, sigs = text.partition("\n\n")
    origin, size, root = body.split("\n")[:3]
    signatures = [line for line in sigs.split("\n") if line.startswith("\u2014 ")]
    return body + "\n", origin, int(size), base64.b64decode(root), signatures


def test_checkpoint_tiles_and_inclusion_proof_verify_independently(deployment):
    server = deployment.server
    events = [make_event(id=unique("ledger")) for _ in range(300)]
    r = server.post_events(events, deployment.ingest)
    assert r.status_code == 200, r.text
    seqs = r.json()["seqs"]
    r = requests_post(deployment, "/v1/checkpoints")
    assert r.status_code == 201, r.text

    cp = server.get("/checkpoint")
    assert cp.status_code == 200
    assert cp.headers["Content-Type"].startswith("text/plain")
    body, origin, size, root, signatures = parse_note(cp.text)
    assert origin == "custos.local/log"
    assert size >= 300 and size > max(seqs)

    # The signature: Ed25519 over the note body with the verifier key the server wrote to DATA/keys.
    vkey = (Path(deployment.data_dir) / "keys" / "verifier.vkey").read_text().strip()
    name, key_id, material = vkey.split("+", 2)
    raw = base64.b64decode(material)
    assert raw[0] == 1 and name == origin
    assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_id
    signed = [base64.b64decode(s.split(" ")[2]) for s in signatures if s.split(" ")[1] == name]
    assert signed and signed[0][:4].hex() == key_id
    ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
    ed25519.Ed25519PublicKey.from_public_bytes(raw[1:]).verify(signed[0][4:], body.encode())

    # Every leaf of the checkpoint's tree from the entry bundles; the level-0 tiles hold their hashes.
    leaves: list[bytes] = []
    for index in range((size + 255) // 256):
        width = min(256, size - index * 256)
        suffix = "" if width == 256 else f".p/{width}"
        bundle = server.get(f"/tile/entries/{index:03d}{suffix}")
        assert bundle.status_code == 200, bundle.text
        data, entries = bundle.content, []
        while data:
            (n,) = struct.unpack(">H", data[:2])
            entries.append(data[2 : 2 + n])
            data = data[2 + n :]
        assert len(entries) == width
        for offset, entry in enumerate(entries):
            assert len(entry) == 49 and entry[0] == 1
            assert struct.unpack(">Q", entry[1:9])[0] == index * 256 + offset
        tile = server.get(f"/tile/0/{index:03d}{suffix}")
        assert tile.status_code == 200
        hashes = [leaf_hash(e) for e in entries]
        assert tile.content == b"".join(hashes)
        leaves += hashes
    assert tree_root(leaves) == root

    # An inclusion proof from the API for one of our events, verified against the signed root.
    seq = seqs[123]
    proof = server.get(f"/v1/proofs/inclusion?seq={seq}&size={size}", deployment.read)
    assert proof.status_code == 200, proof.text
    doc = proof.json()
    assert base64.b64decode(doc["leaf_hash"]) == leaves[seq]
    path = [base64.b64decode(h) for h in doc["hashes"]]
    assert root_from_inclusion(seq, size, leaves[seq], path) == root
    # A tampered leaf does not verify.
    assert root_from_inclusion(seq, size, leaf_hash(b"forged"), path) != root

    # Tiles beyond the checkpoint are not served.
    assert server.get(f"/tile/entries/{(size + 256) // 256:03d}").status_code == 404


def requests_post(deployment, path: str):
    import requests

    return requests.post(deployment.url + path, headers=auth(deployment.admin), timeout=30)


def test_keygen_writes_a_private_signer_key(tmp_path):
    from conftest import run_cli

    out = tmp_path / "keys"
    p = run_cli("keygen", "--origin", "example.org/custos", "--out", str(out), check=True)
    signer = out / "signer.key"
    vkey = (out / "verifier.vkey").read_text().strip()
    assert signer.stat().st_mode & 0o777 == 0o600
    assert signer.read_text().startswith("PRIVATE+KEY+example.org/custos+")
    assert vkey.startswith("example.org/custos+") and vkey in p.stdout
    # Never overwrites a key.
    assert run_cli("keygen", "--origin", "example.org/custos", "--out", str(out)).returncode != 0


def test_verify_accepts_an_untouched_store_and_names_a_tampered_entry(tmp_path, tmp_data, server_factory):
    import sqlite3

    from conftest import run_cli

    token = __import__("conftest").create_key(tmp_data, "host", "ingest", "admin")
    server = server_factory(tmp_data)
    r = server.post_events([make_event(id=unique("v")) for _ in range(50)], token)
    assert r.status_code == 200, r.text
    import requests

    assert requests.post(server.url + "/v1/checkpoints", headers=auth(token), timeout=30).status_code == 201
    assert server.stop() == 0

    key = tmp_data / "keys" / "verifier.vkey"
    state = tmp_path / "state"
    ok = run_cli("verify", "--data", str(tmp_data), "--key", str(key), "--state", str(state))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK:" in ok.stdout and state.exists()
    again = run_cli("verify", "--data", str(tmp_data), "--key", str(key), "--state", str(state))
    assert again.returncode == 0, again.stdout + again.stderr
    unpinned = run_cli("verify", "--data", str(tmp_data))
    assert unpinned.returncode == 0 and "trusts the data directory's own key" in unpinned.stdout

    db = sqlite3.connect(tmp_data / "custos.sqlite")
    db.execute("UPDATE events SET body = CAST(replace(CAST(body AS TEXT), '\"rows\":1', '\"rows\":7') AS BLOB) WHERE seq = 20")
    db.commit()
    db.close()
    bad = run_cli("verify", "--data", str(tmp_data), "--key", str(key), "--state", str(state))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "entry 20" in bad.stdout
