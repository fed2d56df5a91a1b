// Authenticated encryption of small secrets (broker passwords) into a self-describing
// envelope. AES-256-GCM with a fresh random 96-bit nonce per call.
//
// Envelope (binary, 49 bytes + plaintext length):
//   "MTG1" | version u8 (=1) | key_id (16 ASCII hex) | nonce (12) | ciphertext | tag (16)
// The header (magic..nonce) and the caller's associated data are both authenticated.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crypto/master_key.h"
#include "util/status.h"

namespace mtg::crypto {

inline constexpr std::string_view kEnvelopeMagic = "MTG1";
inline constexpr uint8_t kEnvelopeVersion = 1;
// Largest plaintext seal() accepts.
inline constexpr size_t kMaxSealBytes = 16u * 1024 * 1024;

// Encrypts `plaintext` under `key`, binding `associated_data` (e.g. the instance id,
// so a ciphertext cannot be moved to another row). kInvalidArgument when the
// plaintext exceeds kMaxSealBytes.
Result<std::string> seal(const MasterKey& key, std::string_view plaintext,
                         std::string_view associated_data);

// Decrypts an envelope with the key whose id it names, looked up in `keys` (current
// key first, older ones kept for rotation). Errors:
//   kCorruption "authentication failed (tampered or wrong key)" on a bad tag or AD;
//   kNotFound "no key with id …" when no key in `keys` has the envelope's id;
//   kCorruption when the envelope is truncated, garbled or of an unknown version.
Result<std::string> open(const std::vector<MasterKey>& keys, std::string_view envelope,
                         std::string_view associated_data);

// The key id an envelope names, or "" when `envelope` is not a well-formed envelope
// header. Used to find rows still sealed under an old key.
std::string key_id_of(std::string_view envelope);

}  // namespace mtg::crypto
