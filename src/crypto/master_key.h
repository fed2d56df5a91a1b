// The AES-256 master key that protects broker passwords and database backups.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "util/status.h"

namespace mtg::crypto {

inline constexpr size_t kMasterKeyBytes = 32;
inline constexpr size_t kKeyIdChars = 16;
// Environment variable that, when set, supplies the key as 64 hex characters and
// overrides the key file.
inline constexpr const char* kMasterKeyEnv = "MTGUARD_MASTER_KEY_HEX";

// 32 secret bytes and their public id. The bytes are wiped (OPENSSL_cleanse) when the
// object is destroyed; never log or store them. key_id is safe to store and log.
struct MasterKey {
  std::array<uint8_t, kMasterKeyBytes> bytes{};
  // First 16 lower-case hex characters of SHA-256(bytes).
  std::string key_id;

  MasterKey() = default;
  MasterKey(const MasterKey&) = default;
  MasterKey& operator=(const MasterKey&) = default;
  MasterKey(MasterKey&&) = default;
  MasterKey& operator=(MasterKey&&) = default;
  ~MasterKey();

  // A key holding `raw` with its key_id computed.
  static MasterKey from_bytes(const std::array<uint8_t, kMasterKeyBytes>& raw);
};

// The key id (16 hex chars) of raw key bytes.
std::string compute_key_id(const std::array<uint8_t, kMasterKeyBytes>& raw);

// Loads the master key. When MTGUARD_MASTER_KEY_HEX is set and non-empty it wins (64 hex chars,
// else kInvalidArgument). Otherwise key_file must be a regular file of exactly 32 raw
// bytes with mode 0600 or 0400: a file readable or writable by group/others is refused
// with kFailedPrecondition; a missing file is kNotFound. Errors never contain key bytes.
Result<MasterKey> load_master_key(const std::string& key_file);

// Creates a new random key file at `path` with mode 0600, atomically (temp file in the
// same directory, fsync, link into place, fsync the directory). Refuses to overwrite
// an existing file (kAlreadyExists).
Status create_master_key(const std::string& path);

}  // namespace mtg::crypto
