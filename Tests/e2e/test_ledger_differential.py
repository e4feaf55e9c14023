"""The ledger against independent RFC 6962 / RFC 9162 / C2SP implementations from PyPI: tlog-scales (tree heads,
inclusion and consistency proofs, C2SP checkpoints and cosignatures, tiles) and pymerkle (leaf hashes, roots,
inclusion proofs).

Random trees (seeded) go through `custos ledger-tool` (the ledger's Merkle code over given leaves, NDJSON on
stdin/stdout); a real `custos serve` with a real `custos witness` gives signed, cosigned checkpoints, tiles and proofs
over ingested events. Proofs go both ways, and single-bit flips must fail in every implementation."""

from __future__ import annotations

import base64
import json
import random
import subprocess
from pathlib import Path

import pytest

from conftest import CUSTOS_BIN, make_event, run_cli, unique

pymerkle = pytest.importorskip("pymerkle")
tlog = pytest.importorskip("tlog_scales.tlog")
tiles = pytest.importorskip("tlog_scales.tiles")
backend = pytest.importorskip("tlog_scales.backend")
reader_mod = pytest.importorskip("tlog_scales.reader")
signing = pytest.importorskip("tlog_scales.signing")
writer_mod = pytest.importorskip("tlog_scales.writer")
from pymerkle.core import _inclusion_path_layout  # noqa: E402  (the proof layout pymerkle verifies against)

SEED = 20261123
SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513,
         1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096, 4097]
PAIRS_PER_TREE = 12


class LedgerTool:
    """A running `custos ledger-tool`: one JSON request per line in, one JSON answer per line out."""

    def __init__(self):
        self.proc = subprocess.Popen([CUSTOS_BIN, "ledger-tool"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def ask(self, **request) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"custos ledger-tool ended: {self.proc.stderr.read() if self.proc.stderr else ''}"
        answer = json.loads(line)
        return answer

    def close(self):
        if self.proc.stdin:
            self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0


@pytest.fixture
def tool():
    t = LedgerTool()
    yield t
    t.close()


def flip(data: bytes, rng: random.Random) -> bytes:
    """`data` with one random bit flipped."""
    i = rng.randrange(len(data) * 8)
    out = bytearray(data)
    out[i // 8] ^= 1 << (i % 8)
    return bytes(out)


def pymerkle_inclusion(index: int, size: int, leaf: bytes, hashes: list[bytes]):
    """An RFC 9162 audit path as a pymerkle proof object (its path starts with the leaf hash)."""
    rule, _ = _inclusion_path_layout(index + 1, size)
    return pymerkle.InclusionProof("sha256", True, size, index + 1, rule, [leaf] + hashes)


def tlog_tree(tmp: Path, leaves: list[bytes]):
    """A C2SP tiled log of `leaves` written by tlog-scales's own writer, and a reader over it."""
    w = writer_mod.TilesWriter.create(tmp, "differential.example/tlog")
    for leaf in leaves:
        w.add_leaf(leaf)
    w.commit([signing.DummySigner()])
    r = reader_mod.TilesReader(backend.LocalBackend(tmp))
    cp = r.get_checkpoint()
    return r, cp


def test_random_trees_agree_with_pymerkle_and_tlog_scales(tool, tmp_path):
    rng = random.Random(SEED)
    sizes = SIZES + [rng.randrange(2, 5000) for _ in range(4)]
    checked = {"inclusion": 0, "consistency": 0, "flips": 0}
    for size in sizes:
        leaves = [rng.randbytes(rng.randrange(0, 80)) for _ in range(size)]
        tree = tool.ask(op="tree", leaves=[leaf.hex() for leaf in leaves])
        custos_leaves = [bytes.fromhex(h) for h in tree["leaf_hashes"]]
        custos_root = bytes.fromhex(tree["root"])

        # Leaves hashed both ways, and the same tree head.
        pm = pymerkle.InmemoryTree(algorithm="sha256")
        for leaf in leaves:
            pm.append_entry(leaf)
        assert custos_leaves == [pm.get_leaf(i + 1) for i in range(size)]
        assert custos_leaves == [tiles.leaf_hash(leaf) for leaf in leaves]
        assert custos_root == pm.get_root(), f"root of {size} leaves"
        if size == 0:
            assert custos_root == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
            continue
        reader, cp = tlog_tree(tmp_path / f"tree-{size}", leaves)
        assert cp.size == size and cp.root_hash == custos_root

        roots = {}

        def root(n: int) -> bytes:
            if n not in roots:
                roots[n] = bytes.fromhex(tool.ask(op="root", size=n)["root"])
                assert roots[n] == pm.get_root(n) == reader.mth(0, n), f"root at {n} of {size}"
            return roots[n]

        pairs = [(size - 1, size), (0, size)] + [(0, 0)] * PAIRS_PER_TREE
        for k, (index, n) in enumerate(pairs):
            if k >= 2:
                n = rng.randrange(1, size + 1)
                index = rng.randrange(n)
            answer = tool.ask(op="inclusion", index=index, size=n)
            hashes = [bytes.fromhex(h) for h in answer["hashes"]]
            leaf = custos_leaves[index]
            # Custos's proof is the one tlog-scales computes from its own tiles, and verifies in both libraries.
            assert hashes == reader.get_inclusion_proof(index, n).node_hashes
            tlog.InclusionProof(index, n, hashes).check(leaf, root(n))
            pymerkle.verify_inclusion(leaf, root(n), pymerkle_inclusion(index, n, leaf, hashes), index=index + 1,
                                      size=n)
            # pymerkle's own proof verifies with Custos.
            theirs = pm.prove_inclusion(index + 1, n)
            assert theirs.path[0] == leaf
            ok = tool.ask(op="verify_inclusion", index=index, size=n, leaf_hash=leaf.hex(), root=root(n).hex(),
                          hashes=[h.hex() for h in theirs.path[1:]])
            assert ok == {"ok": True}
            checked["inclusion"] += 1
            # One flipped bit (in a path hash, the leaf or the root) fails everywhere.
            target = rng.randrange(len(hashes) + 2)
            bad_hashes, bad_leaf, bad_root = list(hashes), leaf, root(n)
            if target < len(hashes):
                bad_hashes[target] = flip(hashes[target], rng)
            elif target == len(hashes):
                bad_leaf = flip(leaf, rng)
            else:
                bad_root = flip(bad_root, rng)
            with pytest.raises(tlog.InclusionProofInvalid):
                tlog.InclusionProof(index, n, bad_hashes).check(bad_leaf, bad_root)
            with pytest.raises(pymerkle.InvalidProof):
                pymerkle.verify_inclusion(bad_leaf, bad_root, pymerkle_inclusion(index, n, bad_leaf, bad_hashes))
            bad = tool.ask(op="verify_inclusion", index=index, size=n, leaf_hash=bad_leaf.hex(), root=bad_root.hex(),
                           hashes=[h.hex() for h in bad_hashes])
            assert bad["ok"] is False and bad["error"]
            checked["flips"] += 1

        for k in range(PAIRS_PER_TREE):
            n = size if k == 0 else rng.randrange(1, size + 1)
            m = rng.randrange(1, n + 1)
            answer = tool.ask(op="consistency", **{"from": m, "to": n})
            hashes = [bytes.fromhex(h) for h in answer["hashes"]]
            theirs = reader.get_consistency_proof(m, n).node_hashes
            assert hashes == theirs, f"consistency {m}->{n} of {size}"
            tlog.ConsistencyProof(m, n, hashes).check(root(m), root(n))
            ok = tool.ask(op="verify_consistency", old_root=root(m).hex(), new_root=root(n).hex(),
                          hashes=[h.hex() for h in theirs], **{"from": m, "to": n})
            assert ok == {"ok": True}
            checked["consistency"] += 1
            if m == n:
                continue
            target = rng.randrange(len(hashes) + 2)
            bad_hashes, bad_old, bad_new = list(hashes), root(m), root(n)
            if target < len(hashes):
                bad_hashes[target] = flip(hashes[target], rng)
            elif target == len(hashes):
                bad_old = flip(bad_old, rng)
            else:
                bad_new = flip(bad_new, rng)
            with pytest.raises(tlog.ConsistencyProofInvalid):
                tlog.ConsistencyProof(m, n, bad_hashes).check(bad_old, bad_new)
            bad = tool.ask(op="verify_consistency", old_root=bad_old.hex(), new_root=bad_new.hex(),
                           hashes=[h.hex() for h in bad_hashes], **{"from": m, "to": n})
            assert bad["ok"] is False and bad["error"]
            checked["flips"] += 1
    assert checked["inclusion"] >= 500 and checked["consistency"] >= 400 and checked["flips"] >= 800, checked


def test_ledger_tool_rejects_bad_requests(tool):
    assert "error" in tool.ask(op="nonsense")
    assert "error" in tool.ask(op="tree", leaves=["zz"])
    tool.ask(op="tree", leaves=["00", "01"])
    assert "error" in tool.ask(op="inclusion", index=2, size=2)
    assert "error" in tool.ask(op="root", size=3)
    # A consistency proof from the empty tree proves nothing (RFC 9162): Custos refuses to verify one.
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    root = tool.ask(op="root", size=2)["root"]
    assert tool.ask(op="verify_consistency", old_root=empty, new_root=root, hashes=[], **{"from": 0, "to": 2})[
        "ok"] is False


def test_served_checkpoints_cosignatures_tiles_and_proofs_verify_with_tlog_scales(tmp_path, server_factory):
    from test_witness import ORIGIN, Witness, cosigned_checkpoint
    from conftest import create_key

    run_cli("keygen", "--origin", "witness.example/w1", "--out", str(tmp_path / "wkeys"), check=True)
    log_data = tmp_path / "log"
    run_cli("keygen", "--origin", ORIGIN, "--out", str(log_data / "keys"), check=True)
    log_vkey = (log_data / "keys" / "verifier.vkey").read_text().strip()
    config = tmp_path / "witness.json"
    config.write_text(json.dumps({"key": "wkeys/signer.key", "state": "witness-state.json",
                                  "logs": [{"origin": ORIGIN, "key": log_vkey}]}))
    witness = Witness(config).start()
    try:
        server_config = tmp_path / "log.json"
        server_config.write_text(json.dumps({"checkpoint_interval_seconds": 1,
                                             "witnesses": [{"name": "w1", "url": witness.url, "key": witness.vkey}]}))
        ingest = create_key(log_data, "ingest-owner", "ingest")
        read = create_key(log_data, "read-owner", "read")
        log = server_factory(log_data, server_config)
        total = 0
        for batch in (1, 255, 290):
            r = log.post_events([make_event(id=unique("d")) for _ in range(batch)], ingest)
            assert r.status_code == 200, r.text
            total += batch
            cosigned_checkpoint(log, witness.vkey, total)
        text = cosigned_checkpoint(log, witness.vkey, total)
        _check_served_log(log, text, log_vkey, witness.vkey, read)
    finally:
        witness.stop()


def _check_served_log(log, text: str, log_vkey: str, witness_vkey: str, read_key: str):
    rng = random.Random(SEED + 1)
    cp = tlog.Checkpoint.from_text(text)
    log_key = signing.Vkey.from_string(log_vkey)
    witness_key = signing.Vkey.from_string(witness_vkey)
    assert log_key.sig_type == 1 and witness_key.sig_type == 4
    cp.verify(log_key)  # the log's Ed25519 note signature
    cp.verify(witness_key)  # the witness's cosignature/v1
    valid = signing.VkeySet(log_key, witness_key).verify(cp.signatures, cp)
    assert {v.name for v, _ in valid} == {log_key.name, witness_key.name}

    # A flipped bit in the root, or in either signature, fails.
    flipped_root = tlog.Checkpoint(cp.origin, cp.size, flip(cp.root_hash, rng), cp.signatures)
    for key in (log_key, witness_key):
        with pytest.raises(Exception):
            flipped_root.verify(key)
    for i, sig in enumerate(cp.signatures):
        bad_sigs = list(cp.signatures)
        bad_sigs[i] = signing.NoteSignature(sig.name, sig.key_id, flip(sig.payload, rng))
        bad = tlog.Checkpoint(cp.origin, cp.size, cp.root_hash, bad_sigs)
        key = log_key if sig.name == log_key.name and sig.key_id == log_key.key_id else witness_key
        with pytest.raises(Exception):
            bad.verify(key)

    # tlog-scales reads Custos's public tiles and entry bundles and reaches the signed root.
    reader = reader_mod.TilesReader(backend.HttpBackend(log.url))
    served = reader.get_checkpoint()
    assert served.size == cp.size and served.root_hash == cp.root_hash
    assert reader.calculate_root_hash() == cp.root_hash

    # Custos's proofs over the ingested events verify with tlog-scales and pymerkle, and equal tlog-scales's own.
    n = cp.size
    for k in range(40):
        index = [0, n - 1, 255, 256][k] if k < 4 else rng.randrange(n)
        entry = reader.get_entry(index)
        assert len(entry) == 49 and int.from_bytes(entry[1:9], "big") == index
        leaf = tiles.leaf_hash(entry)
        r = log.get(f"/v1/proofs/inclusion?seq={index}&size={n}", read_key)
        assert r.status_code == 200, r.text
        body = r.json()
        assert base64.b64decode(body["leaf_hash"]) == leaf
        hashes = [base64.b64decode(h) for h in body["hashes"]]
        assert hashes == reader.get_inclusion_proof(index, n).node_hashes
        tlog.InclusionProof(index, n, hashes).check(leaf, cp.root_hash)
        pymerkle.verify_inclusion(leaf, cp.root_hash, pymerkle_inclusion(index, n, leaf, hashes))
        if hashes:
            bad = list(hashes)
            j = rng.randrange(len(bad))
            bad[j] = flip(bad[j], rng)
            with pytest.raises(tlog.InclusionProofInvalid):
                tlog.InclusionProof(index, n, bad).check(leaf, cp.root_hash)
    # Consistency with every earlier signed checkpoint, and from random sizes (old root from the tiles).
    listed = log.get("/v1/checkpoints", read_key)
    assert listed.status_code == 200, listed.text
    earlier = []
    for c in listed.json()["checkpoints"]:
        stored = tlog.Checkpoint.from_text(c["note"])
        stored.verify(log_key)  # every stored checkpoint note verifies with tlog-scales too
        assert stored.size == c["size"] and stored.root_hash == base64.b64decode(c["root_hash"])
        earlier.append((stored.size, stored.root_hash))
    assert len(earlier) >= 3
    olds = [(m, root) for m, root in earlier if 0 < m <= n] + [(m, None) for m in rng.sample(range(1, n + 1), 20)]
    for m, old_root in olds:
        old_root = old_root or reader.mth(0, m)
        r = log.get(f"/v1/proofs/consistency?from={m}&to={n}", read_key)
        assert r.status_code == 200, r.text
        hashes = [base64.b64decode(h) for h in r.json()["hashes"]]
        assert hashes == reader.get_consistency_proof(m, n).node_hashes
        tlog.ConsistencyProof(m, n, hashes).check(old_root, cp.root_hash)
        if m < n:
            bad = list(hashes)
            j = rng.randrange(len(bad))
            bad[j] = flip(bad[j], rng)
            with pytest.raises(tlog.ConsistencyProofInvalid):
                tlog.ConsistencyProof(m, n, bad).check(old_root, cp.root_hash)
