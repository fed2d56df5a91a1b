// AES-256-GCM primitives shared by the envelope (aead.h) and the backup stream
// (stream_cipher.h). Internal to the crypto module.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/master_key.h"
#include "util/status.h"

namespace mtg::crypto {

inline constexpr size_t kGcmNonceBytes = 12;
inline constexpr size_t kGcmTagBytes = 16;
// Largest single GCM message we seal or open (EVP takes int lengths).
inline constexpr size_t kGcmMaxMessageBytes = 256u * 1024 * 1024;

using GcmNonce = std::array<uint8_t, kGcmNonceBytes>;

// 12 fresh bytes from the OpenSSL CSPRNG. A CSPRNG failure stops the process
// (continuing could reuse a nonce).
GcmNonce random_nonce();

// Appends ciphertext (same length as plaintext) and then the 16-byte tag to `out`.
// kInvalidArgument when plaintext exceeds kGcmMaxMessageBytes.
Status gcm_seal(const MasterKey& key, const GcmNonce& nonce, std::string_view aad,
                std::string_view plaintext, std::string& out);

// Verifies and decrypts `sealed` (ciphertext then tag) and appends the plaintext to
// `out`. On a bad tag `out` is left as it was and the result is kCorruption
// "authentication failed (tampered or wrong key)".
Status gcm_open(const MasterKey& key, const GcmNonce& nonce, std::string_view aad,
                std::string_view sealed, std::string& out);

}  // namespace mtg::crypto
