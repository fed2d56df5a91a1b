// Streaming AES-256-GCM encryption of large files (pg_dump output, backups) in
// bounded memory: at most one chunk (≤ 1 MiB) of plaintext is held at a time.
// The byte format is specified in docs/backup-format.md:
//   header: "MTGB" | version u8 | key_id (16 ASCII hex) | chunk_bytes u32 BE | base nonce (12)
//   chunk:  flags u8 (bit 0 = final) | plaintext length u32 BE | ciphertext | tag (16)
// Chunk i uses nonce = base nonce XOR i (big-endian in the last 8 bytes), and its
// associated data holds the header, i, the flags and the length, so truncation,
// reordering, dropping or appending chunks is detected.
#pragma once

#include <array>
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "crypto/master_key.h"
#include "util/status.h"

namespace mtg::crypto {

inline constexpr std::string_view kStreamMagic = "MTGB";
inline constexpr uint8_t kStreamVersion = 1;
inline constexpr uint32_t kMaxStreamChunkBytes = 1024 * 1024;
inline constexpr uint32_t kDefaultStreamChunkBytes = kMaxStreamChunkBytes;
inline constexpr size_t kStreamHeaderBytes = 4 + 1 + 16 + 4 + 12;

// The parsed fixed-size header at the start of an encrypted stream.
struct StreamHeader {
  uint8_t version = 0;
  std::string key_id;  // 16 lower-case hex characters
  uint32_t chunk_bytes = 0;  // 1 .. kMaxStreamChunkBytes
  std::array<uint8_t, 12> base_nonce{};
};

struct StreamOptions {
  // Plaintext bytes per chunk, 1 .. kMaxStreamChunkBytes (small values are for tests).
  uint32_t chunk_bytes = kDefaultStreamChunkBytes;
};

// Reads `in` to its end and writes the encrypted stream to `out`. kIoError on a read or
// write failure, kInvalidArgument on bad options.
Status encrypt_stream(const MasterKey& key, std::istream& in, std::ostream& out,
                      const StreamOptions& options = {});

// Verifies and decrypts a whole stream, picking the key named in its header from `keys`.
// Each chunk is written only after its tag verifies, but a stream that turns out to
// be truncated fails only at its end: on any error the caller must discard what was
// written (decrypt to a temp file, rename on success). Errors: kCorruption for a bad
// tag, truncation, reordering, trailing data or a malformed header; kNotFound when no
// key matches; kIoError for read/write failures.
Status decrypt_stream(const std::vector<MasterKey>& keys, std::istream& in, std::ostream& out);

// The same over file descriptors (e.g. a pipe from pg_dump). Descriptors are not closed.
Status encrypt_fd(const MasterKey& key, int in_fd, int out_fd, const StreamOptions& options = {});
Status decrypt_fd(const std::vector<MasterKey>& keys, int in_fd, int out_fd);

// Reads and validates just the header (safe on any input: garbage yields kCorruption).
Result<StreamHeader> read_stream_header(std::istream& in);

}  // namespace mtg::crypto
