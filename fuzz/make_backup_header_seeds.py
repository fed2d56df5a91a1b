#!/usr/bin/env python3
"""Writes the seed corpus of backup_header_fuzz (fuzz/corpus/backup_header_fuzz/).

Encrypted streams in the MTGB format of docs/backup-format.md, made with the fuzz
target's fixed test key (32 bytes of 0x42), plus a few damaged ones. Fixed nonces so
the output is reproducible (never do that outside a test corpus). Needs python3-cryptography.
"""
import hashlib
import os
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY = bytes([0x42]) * 32
OTHER_KEY = bytes([0x17]) * 32
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "backup_header_fuzz")


def key_id(key):
    return hashlib.sha256(key).hexdigest()[:16].encode()


def header(key, chunk_bytes, nonce):
    return b"MTGB" + bytes([1]) + key_id(key) + struct.pack(">I", chunk_bytes) + nonce


def seal(key, plain, chunk_bytes, nonce):
    head = header(key, chunk_bytes, nonce)
    out = bytearray(head)
    chunks = [plain[i:i + chunk_bytes] for i in range(0, len(plain), chunk_bytes)]
    if not chunks or len(chunks[-1]) == chunk_bytes:
        chunks.append(b"")  # a multiple of chunk_bytes ends with an empty final chunk
    for index, chunk in enumerate(chunks):
        prefix = bytes([1 if index == len(chunks) - 1 else 0]) + struct.pack(">I", len(chunk))
        chunk_nonce = nonce[:4] + (int.from_bytes(nonce[4:], "big") ^ index).to_bytes(8, "big")
        aad = head + struct.pack(">Q", index) + prefix
        out += prefix + AESGCM(key).encrypt(chunk_nonce, chunk, aad)
    return bytes(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    nonce = bytes(range(12))
    seeds = {
        "three_chunks.mtgb": seal(KEY, b"pg_dump custom format, 40 bytes of it....", 16, nonce),
        "empty.mtgb": seal(KEY, b"", 1024 * 1024, nonce),
        "exact_chunks.mtgb": seal(KEY, b"0123456789abcdef" * 2, 8, nonce),
        "header_only.mtgb": header(KEY, 64, nonce),
        "other_key.mtgb": seal(OTHER_KEY, b"not ours", 4, nonce),
        "bad_magic.mtgb": b"MTGX" + seal(KEY, b"x", 4, nonce)[4:],
        "zero_chunk_size.mtgb": header(KEY, 0, nonce) + b"\x01\x00\x00\x00\x00",
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
