#ifndef CCUSTOS_SHA256_H
#define CCUSTOS_SHA256_H

#include <stddef.h>
#include <stdint.h>

/// The one-shot SHA-256 of the BoringSSL that swift-crypto builds into every binary that uses it (its symbols carry
/// the `CCryptoBoringSSL_` prefix). swift-crypto does not export that C module, and its `SHA256` type allocates two
/// objects per digest; the ledger's hot paths hash a few dozen bytes at a time, so they call this instead.
/// `CustosLedgerTests` checks it against `SHA256.hash` on random inputs.
uint8_t *CCryptoBoringSSL_SHA256(const uint8_t *data, size_t len, uint8_t out[32]);

/// SHA-256 of `len` bytes at `data` into the 32 bytes at `out`.
static inline void custos_sha256(const void *data, size_t len, void *out) {
    CCryptoBoringSSL_SHA256((const uint8_t *)data, len, (uint8_t *)out);
}

#endif
