// Secrets comparison and random identifiers (instance tokens, nonces for ids).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtg::crypto {

// Largest random_hex() request, in bytes.
inline constexpr size_t kMaxRandomBytes = 1024;

// True when a and b hold the same bytes. Time depends only on the lengths, never on
// where the contents differ (CRYPTO_memcmp); a length mismatch returns false after
// the same amount of work as comparing a with itself.
bool constant_time_equal(std::string_view a, std::string_view b);

// `bytes` bytes from the OpenSSL CSPRNG as 2*bytes lower-case hex characters.
// Precondition: bytes <= kMaxRandomBytes. A CSPRNG failure stops the process.
std::string random_hex(size_t bytes);

}  // namespace mtg::crypto
