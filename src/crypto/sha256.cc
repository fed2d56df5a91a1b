#include "crypto/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "crypto/hex.h"
#include "util/check.h"

namespace mtg::crypto {
namespace {

constexpr size_t kFileReadChunkBytes = 64 * 1024;

}  // namespace

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  bool finished = false;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  MTG_CHECK_MSG(impl_->ctx != nullptr, "EVP_MD_CTX_new failed");
  MTG_CHECK(EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) == 1);
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view bytes) {
  MTG_CHECK(impl_ != nullptr);  // not moved from
  MTG_CHECK(!impl_->finished);
  MTG_CHECK(EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()) == 1);
}

std::array<uint8_t, kSha256Bytes> Sha256::finish() {
  MTG_CHECK(impl_ != nullptr);  // not moved from
  MTG_CHECK(!impl_->finished);
  std::array<uint8_t, kSha256Bytes> digest{};
  unsigned int len = 0;
  MTG_CHECK(EVP_DigestFinal_ex(impl_->ctx, digest.data(), &len) == 1);
  MTG_CHECK(len == kSha256Bytes);
  impl_->finished = true;
  return digest;
}

std::string Sha256::finish_hex() {
  const auto digest = finish();
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 sha;
  sha.update(bytes);
  return sha.finish_hex();
}

Result<std::string> sha256_file_hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) return Status::not_found("sha256: no file " + path);
    return Status::io("sha256: open " + path + ": " + std::strerror(err));
  }
  Sha256 sha;
  std::vector<char> buf(kFileReadChunkBytes);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return Status::io("sha256: read " + path + " failed");
  return sha.finish_hex();
}

}  // namespace mtg::crypto
