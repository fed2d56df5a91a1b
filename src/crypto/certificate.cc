#include "crypto/certificate.h"

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <ctime>
#include <memory>

#include "crypto/hex.h"
#include "util/check.h"
#include "util/file_system.h"

namespace mtg::crypto {
namespace {

constexpr long kSerialBits = 64;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::string openssl_error(const std::string& what) {
  char buf[256] = {};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  ERR_clear_error();
  return what + ": " + buf;
}

int64_t unix_seconds(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string digest_hex(const X509* cert, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  MTG_CHECK(X509_digest(cert, md, out, &len) == 1);
  MTG_CHECK(len > 0 && len <= sizeof out);
  return to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

// The PEM text that write_fn puts into a memory BIO.
template <typename Fn>
Result<std::string> pem_text(Fn write_fn, const std::string& what) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || write_fn(bio.get()) != 1) return Status::internal(openssl_error("PEM " + what));
  BUF_MEM* mem = nullptr;
  MTG_CHECK(BIO_ctrl(bio.get(), BIO_C_GET_BUF_MEM_PTR, 0, &mem) == 1 && mem != nullptr && mem->length > 0);
  return std::string(mem->data, mem->length);
}

Result<X509Ptr> make_certificate(EVP_PKEY* key, const CertificateSpec& spec) {
  X509Ptr cert(X509_new());
  if (cert == nullptr) return Status::internal(openssl_error("X509_new"));
  X509_set_version(cert.get(), 2);
  BIGNUM* serial = BN_new();
  const bool serial_ok = serial != nullptr && BN_rand(serial, kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
                         BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(serial);
  if (!serial_ok) return Status::internal(openssl_error("certificate serial"));
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(spec.not_before_s));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(spec.not_after_s));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_set_pubkey(cert.get(), key) != 1 || X509_sign(cert.get(), key, EVP_sha256()) <= 0) {
    return Status::internal(openssl_error("sign the certificate"));
  }
  return cert;
}

}  // namespace

CertificateInfo describe_certificate(const x509_st* cert) {
  MTG_CHECK(cert != nullptr);
  CertificateInfo info;
  char name[256] = {};
  X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name);
  info.subject = name;
  X509_NAME_oneline(X509_get_issuer_name(cert), name, sizeof name);
  info.issuer = name;
  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  if (serial != nullptr) {
    char* hex = BN_bn2hex(serial);
    if (hex != nullptr) info.serial = hex;
    OPENSSL_free(hex);
    BN_free(serial);
  }
  info.thumbprint_sha256 = digest_hex(cert, EVP_sha256());
  info.thumbprint_sha1 = digest_hex(cert, EVP_sha1());
  info.not_before_s = unix_seconds(X509_get0_notBefore(cert));
  info.not_after_s = unix_seconds(X509_get0_notAfter(cert));
  MTG_CHECK(info.thumbprint_sha256.size() == 64);
  return info;
}

Result<CertificateInfo> create_self_signed_certificate(const std::string& cert_path, const std::string& key_path,
                                                       const CertificateSpec& spec) {
  MTG_CHECK(spec.not_before_s < spec.not_after_s);
  MTG_CHECK(cert_path != key_path);
  PKeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (key == nullptr) return Status::internal(openssl_error("generate a P-256 key"));
  auto cert = make_certificate(key.get(), spec);
  if (!cert.is_ok()) return cert.status();
  auto key_pem = pem_text(
      [&](BIO* b) { return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr); }, "key");
  if (!key_pem.is_ok()) return key_pem.status();
  auto cert_pem = pem_text([&](BIO* b) { return PEM_write_bio_X509(b, cert->get()); }, "certificate");
  if (!cert_pem.is_ok()) return cert_pem.status();
  const auto named = [](const Status& st, const std::string& path) {
    return st.code() == Code::kAlreadyExists ? Status::exists(path + " already exists: not replacing it") : st;
  };
  Status written = create_durably(key_path, *key_pem, 0600);
  OPENSSL_cleanse(key_pem->data(), key_pem->size());
  if (!written.is_ok()) return named(written, key_path);
  written = create_durably(cert_path, *cert_pem, 0644);
  if (!written.is_ok()) {
    (void)FileSystem::real().remove(key_path);  // no key without its certificate
    return named(written, cert_path);
  }
  return describe_certificate(cert->get());
}

Result<CertificateInfo> read_certificate(const std::string& cert_path) {
  BioPtr bio(BIO_new_file(cert_path.c_str(), "r"));
  if (bio == nullptr) {
    ERR_clear_error();
    return Status::not_found("certificate " + cert_path + " cannot be read");
  }
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return Status::invalid(openssl_error("certificate " + cert_path + " holds no PEM certificate"));
  return describe_certificate(cert.get());
}

std::string normalize_thumbprint(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == ':' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace mtg::crypto
