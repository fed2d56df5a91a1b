#include "crypto/gcm.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "util/check.h"

namespace mtg::crypto {
namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// A context initialised for AES-256-GCM with key and nonce, or null on failure.
CtxPtr make_ctx(const MasterKey& key, const GcmNonce& nonce, bool encrypt) {
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return nullptr;
  const int enc = encrypt ? 1 : 0;
  if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, enc) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kGcmNonceBytes),
                          nullptr) != 1 ||
      EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.bytes.data(), nonce.data(), enc) != 1) {
    return nullptr;
  }
  return ctx;
}

bool add_aad(EVP_CIPHER_CTX* ctx, std::string_view aad) {
  int len = 0;
  return aad.empty() ||
         EVP_CipherUpdate(ctx, nullptr, &len, bytes_of(aad), static_cast<int>(aad.size())) == 1;
}

}  // namespace

GcmNonce random_nonce() {
  GcmNonce nonce{};
  MTG_CHECK_MSG(RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) == 1, "RAND_bytes failed");
  return nonce;
}

Status gcm_seal(const MasterKey& key, const GcmNonce& nonce, std::string_view aad,
                std::string_view plaintext, std::string& out) {
  if (plaintext.size() > kGcmMaxMessageBytes || aad.size() > kGcmMaxMessageBytes) {
    return Status::invalid("message too large to seal: " + std::to_string(plaintext.size()) + " bytes");
  }
  CtxPtr ctx = make_ctx(key, nonce, true);
  if (!ctx || !add_aad(ctx.get(), aad)) return Status::internal("AES-GCM encrypt init failed");
  const size_t start = out.size();
  out.resize(start + plaintext.size() + kGcmTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out.data() + start);
  int len = 0;
  int final_len = 0;
  const bool ok =
      (plaintext.empty() || EVP_EncryptUpdate(ctx.get(), dst, &len, bytes_of(plaintext),
                                              static_cast<int>(plaintext.size())) == 1) &&
      EVP_EncryptFinal_ex(ctx.get(), dst + len, &final_len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagBytes),
                          dst + plaintext.size()) == 1;
  if (!ok) {
    out.resize(start);
    return Status::internal("AES-GCM encrypt failed");
  }
  MTG_CHECK(static_cast<size_t>(len + final_len) == plaintext.size());
  MTG_CHECK(out.size() == start + plaintext.size() + kGcmTagBytes);
  return Status::ok();
}

Status gcm_open(const MasterKey& key, const GcmNonce& nonce, std::string_view aad,
                std::string_view sealed, std::string& out) {
  if (sealed.size() < kGcmTagBytes) return Status::corruption("sealed message shorter than its tag");
  if (sealed.size() > kGcmMaxMessageBytes + kGcmTagBytes || aad.size() > kGcmMaxMessageBytes) {
    return Status::corruption("sealed message too large: " + std::to_string(sealed.size()) + " bytes");
  }
  const std::string_view ciphertext = sealed.substr(0, sealed.size() - kGcmTagBytes);
  std::string tag(sealed.substr(ciphertext.size()));
  CtxPtr ctx = make_ctx(key, nonce, false);
  if (!ctx || !add_aad(ctx.get(), aad)) return Status::internal("AES-GCM decrypt init failed");
  const size_t start = out.size();
  out.resize(start + ciphertext.size());
  auto* dst = reinterpret_cast<unsigned char*>(out.data() + start);
  int len = 0;
  int final_len = 0;
  const bool ok =
      (ciphertext.empty() || EVP_DecryptUpdate(ctx.get(), dst, &len, bytes_of(ciphertext),
                                               static_cast<int>(ciphertext.size())) == 1) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagBytes),
                          tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), dst + len, &final_len) == 1;
  if (!ok) {
    OPENSSL_cleanse(dst, ciphertext.size());
    out.resize(start);
    return Status::corruption("authentication failed (tampered or wrong key)");
  }
  MTG_CHECK(static_cast<size_t>(len + final_len) == ciphertext.size());
  MTG_CHECK(out.size() == start + ciphertext.size());
  return Status::ok();
}

}  // namespace mtg::crypto
