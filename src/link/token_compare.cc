#include "link/token_compare.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>

#include "util/check.h"

namespace mtg::link {
namespace {

std::array<unsigned char, SHA256_DIGEST_LENGTH> sha256(std::string_view s) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  unsigned int len = 0;
  const int ok = EVP_Digest(s.data(), s.size(), digest.data(), &len, EVP_sha256(), nullptr);
  MTG_CHECK(ok == 1);
  MTG_CHECK(len == digest.size());
  return digest;
}

}  // namespace

bool tokens_equal(std::string_view a, std::string_view b) {
  const auto da = sha256(a);
  const auto db = sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

}  // namespace mtg::link
