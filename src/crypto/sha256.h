// SHA-256 digests (OpenSSL EVP), for backup manifests, key ids and checksums.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg::crypto {

inline constexpr size_t kSha256Bytes = 32;

// Incremental SHA-256. Feed any number of update() calls, then finish once.
// Not thread-safe; movable, not copyable.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Adds bytes to the digest. Precondition: finish*() not called yet.
  void update(std::string_view bytes);
  // The 32-byte digest. Call at most once.
  std::array<uint8_t, kSha256Bytes> finish();
  // The digest as 64 lower-case hex characters. Call at most once (instead of finish).
  std::string finish_hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 of `bytes` as 64 lower-case hex characters.
std::string sha256_hex(std::string_view bytes);

// SHA-256 of a file's contents, read in bounded chunks (any file size).
// kNotFound when the file is missing, kIoError when it cannot be read.
Result<std::string> sha256_file_hex(const std::string& path);

}  // namespace mtg::crypto
