#include "crypto/aead.h"

#include <cstring>

#include "crypto/gcm.h"
#include "util/check.h"

namespace mtg::crypto {
namespace {

constexpr size_t kMagicBytes = kEnvelopeMagic.size();
constexpr size_t kVersionOffset = kMagicBytes;
constexpr size_t kKeyIdOffset = kVersionOffset + 1;
constexpr size_t kNonceOffset = kKeyIdOffset + kKeyIdChars;
constexpr size_t kHeaderBytes = kNonceOffset + kGcmNonceBytes;
constexpr size_t kMinEnvelopeBytes = kHeaderBytes + kGcmTagBytes;

bool is_hex_id(std::string_view id) {
  if (id.size() != kKeyIdChars) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Authenticated data: the whole header, then the caller's data. The header has a
// fixed length, so the concatenation is unambiguous.
std::string aad_for(std::string_view header, std::string_view associated_data) {
  std::string aad(header);
  aad.append(associated_data);
  return aad;
}

const MasterKey* find_key(const std::vector<MasterKey>& keys, std::string_view key_id) {
  for (const auto& key : keys) {
    if (key.key_id == key_id) return &key;
  }
  return nullptr;
}

}  // namespace

Result<std::string> seal(const MasterKey& key, std::string_view plaintext,
                         std::string_view associated_data) {
  MTG_CHECK(key.key_id.size() == kKeyIdChars);
  MTG_CHECK(is_hex_id(key.key_id));  // else open() would call the envelope garbled
  if (plaintext.size() > kMaxSealBytes) {
    return Status::invalid("plaintext too large to seal: " + std::to_string(plaintext.size()) + " bytes");
  }
  const GcmNonce nonce = random_nonce();
  std::string envelope;
  envelope.reserve(kMinEnvelopeBytes + plaintext.size());
  envelope.append(kEnvelopeMagic);
  envelope.push_back(static_cast<char>(kEnvelopeVersion));
  envelope.append(key.key_id);
  envelope.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  MTG_CHECK(envelope.size() == kHeaderBytes);
  MTG_RETURN_IF_ERROR(gcm_seal(key, nonce, aad_for(envelope, associated_data), plaintext, envelope));
  MTG_CHECK(envelope.size() == kMinEnvelopeBytes + plaintext.size());
  MTG_CHECK(key_id_of(envelope) == key.key_id);
  return envelope;
}

Result<std::string> open(const std::vector<MasterKey>& keys, std::string_view envelope,
                         std::string_view associated_data) {
  if (envelope.size() < kMinEnvelopeBytes) {
    return Status::corruption("envelope truncated: " + std::to_string(envelope.size()) + " bytes");
  }
  if (envelope.substr(0, kMagicBytes) != kEnvelopeMagic) {
    return Status::corruption("not an mtguard envelope (bad magic)");
  }
  const auto version = static_cast<uint8_t>(envelope[kVersionOffset]);
  if (version != kEnvelopeVersion) {
    return Status::corruption("unsupported envelope version " + std::to_string(version));
  }
  const std::string_view key_id = envelope.substr(kKeyIdOffset, kKeyIdChars);
  if (!is_hex_id(key_id)) return Status::corruption("envelope has a garbled key id");
  const MasterKey* key = find_key(keys, key_id);
  if (key == nullptr) return Status::not_found("no key with id " + std::string(key_id));
  GcmNonce nonce{};
  std::memcpy(nonce.data(), envelope.data() + kNonceOffset, nonce.size());
  std::string plaintext;
  MTG_RETURN_IF_ERROR(gcm_open(*key, nonce, aad_for(envelope.substr(0, kHeaderBytes), associated_data),
                               envelope.substr(kHeaderBytes), plaintext));
  MTG_CHECK(plaintext.size() == envelope.size() - kMinEnvelopeBytes);
  return plaintext;
}

std::string key_id_of(std::string_view envelope) {
  if (envelope.size() < kHeaderBytes || envelope.substr(0, kMagicBytes) != kEnvelopeMagic) return "";
  const std::string_view key_id = envelope.substr(kKeyIdOffset, kKeyIdChars);
  return is_hex_id(key_id) ? std::string(key_id) : "";
}

}  // namespace mtg::crypto
