#include "crypto/token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <vector>

#include "crypto/hex.h"
#include "util/check.h"

namespace mtg::crypto {

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    // Same work as an equal-length comparison, so timing reveals only the length.
    volatile int sink = CRYPTO_memcmp(a.data(), a.data(), a.size());
    static_cast<void>(sink);
    return false;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_hex(size_t bytes) {
  MTG_CHECK(bytes <= kMaxRandomBytes);
  std::vector<unsigned char> buf(bytes);
  if (bytes > 0) {
    MTG_CHECK_MSG(RAND_bytes(buf.data(), static_cast<int>(bytes)) == 1, "RAND_bytes failed");
  }
  std::string out = to_hex(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
  OPENSSL_cleanse(buf.data(), buf.size());
  return out;
}

}  // namespace mtg::crypto
