// Broker credentials of one MT5 instance (docs/requirements.md §3.9) and how a password is sealed for
// PostgreSQL: AES-256-GCM envelopes (crypto/aead.h) whose associated data binds the
// instance id, so a ciphertext copied to another instance's row fails to open.
// Passwords live only in SecretString; no function here puts one in a Status message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "credentials/credential_secret.h"
#include "crypto/master_key.h"
#include "util/status.h"

namespace mtg {

// Bounds on the fields (bytes). The password bound also caps read_secret_line.
inline constexpr size_t kMaxCredentialInstanceBytes = 64;
inline constexpr size_t kMaxCredentialServerBytes = 128;
inline constexpr size_t kMaxCredentialPasswordBytes = 256;

// A decrypted credential: what a terminal needs to log in to its broker.
struct Credential {
  std::string instance;
  int64_t login = 0;
  std::string server;
  SecretString password;
};

// What may be shown about a stored credential: never the password.
struct CredentialInfo {
  std::string instance;
  int64_t login = 0;
  std::string server;
  std::string key_id;      // id of the master key that sealed the password
  std::string updated_at;  // UTC, "2026-11-24T07:10:00Z"
};

// ok when every field is within bounds: instance 1..64 of [A-Za-z0-9._-]; login > 0;
// server 1..128 printable ASCII; password 1..256 bytes without control characters
// (no line breaks: the fields end up in an ini file). The message names the field,
// never the password's contents.
Status validate_credential(std::string_view instance, int64_t login, std::string_view server,
                           std::string_view password);

// The associated data that binds a sealed password to its instance row.
std::string credential_associated_data(std::string_view instance);

// Seals `password` for `instance` under `key` into an envelope (binary).
Result<std::string> seal_password(const crypto::MasterKey& key, std::string_view instance,
                                  std::string_view password);

// Opens an envelope of `instance` with whichever of `keys` sealed it. Errors name the
// instance: kCorruption "broker credentials of instance 'X': authentication failed …"
// for a tampered, moved or wrongly keyed ciphertext; kNotFound when no key matches.
Result<SecretString> open_password(const std::vector<crypto::MasterKey>& keys, std::string_view instance,
                                   std::string_view envelope);

}  // namespace mtg
