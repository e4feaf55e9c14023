"""`StableHash.of(_:)` of CustosStore in Python, for the measurement scripts that read a store's hash-keyed columns:
FNV-1a over the UTF-8 bytes, then a 64-bit finaliser, as a signed 64-bit integer (SQLite's INTEGER)."""


def stable_hash(text):
    mask = (1 << 64) - 1
    h = 0xcbf29ce484222325
    for b in text.encode():
        h ^= b
        h = (h * 0x100000001b3) & mask
    h ^= h >> 33
    h = (h * 0xff51afd7ed558ccd) & mask
    h ^= h >> 33
    h = (h * 0xc4ceb9fe1a85ec53) & mask
    h ^= h >> 33
    return h - (1 << 64) if h >= 1 << 63 else h
