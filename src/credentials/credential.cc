#include "credentials/credential.h"

#include <utility>

#include "crypto/aead.h"
#include "util/check.h"

namespace mtg {
namespace {

// Domain separation: these envelopes are broker passwords, version 1 of the binding.
constexpr std::string_view kAssociatedDataPrefix = "mtguard/broker_credentials/v1/";

bool is_instance_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

bool is_printable_ascii(char c) { return c >= 0x20 && c < 0x7f; }

bool has_control_char(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

}  // namespace

Status validate_credential(std::string_view instance, int64_t login, std::string_view server,
                           std::string_view password) {
  if (instance.empty() || instance.size() > kMaxCredentialInstanceBytes) {
    return Status::invalid("instance id must be 1.." + std::to_string(kMaxCredentialInstanceBytes) +
                           " characters");
  }
  for (char c : instance) {
    if (!is_instance_char(c)) return Status::invalid("instance id may hold only A-Z a-z 0-9 . _ -");
  }
  if (login <= 0) return Status::invalid("login must be a positive account number");
  if (server.empty() || server.size() > kMaxCredentialServerBytes) {
    return Status::invalid("server must be 1.." + std::to_string(kMaxCredentialServerBytes) + " characters");
  }
  for (char c : server) {
    if (!is_printable_ascii(c)) return Status::invalid("server may hold only printable ASCII");
  }
  if (password.empty() || password.size() > kMaxCredentialPasswordBytes) {
    return Status::invalid("password must be 1.." + std::to_string(kMaxCredentialPasswordBytes) + " bytes");
  }
  if (has_control_char(password)) {
    return Status::invalid("password must not contain control characters or line breaks");
  }
  return Status::ok();
}

std::string credential_associated_data(std::string_view instance) {
  MTG_CHECK(!instance.empty());
  std::string ad(kAssociatedDataPrefix);
  ad.append(instance);
  return ad;
}

Result<std::string> seal_password(const crypto::MasterKey& key, std::string_view instance,
                                  std::string_view password) {
  MTG_CHECK(!password.empty());
  auto envelope = crypto::seal(key, password, credential_associated_data(instance));
  if (!envelope) {
    return envelope.status().with_context("broker credentials of instance '" + std::string(instance) + "'");
  }
  MTG_CHECK(envelope->size() > password.size());
  return envelope;
}

Result<SecretString> open_password(const std::vector<crypto::MasterKey>& keys, std::string_view instance,
                                   std::string_view envelope) {
  MTG_CHECK(!keys.empty());
  auto plain = crypto::open(keys, envelope, credential_associated_data(instance));
  if (!plain) {
    return plain.status().with_context(
        "broker credentials of instance '" + std::string(instance) +
        "' (the stored ciphertext was altered, copied from another instance or sealed by "
        "another key)");
  }
  return SecretString(std::move(plain).value());
}

}  // namespace mtg
