// The engine's TLS certificate for the terminal link: a self-signed pair made by
// `mtguard link-cert`, and what a terminal pins of it (its SHA-256 thumbprint). With a
// pinned thumbprint no certificate authority is involved: a terminal accepts exactly
// the certificate whose thumbprint it was given, while that certificate is valid.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

struct x509_st;  // OpenSSL's X509

namespace mtg::crypto {

// What a self-signed certificate says about itself. Validity is in Unix seconds.
struct CertificateSpec {
  std::string common_name = "mtguard engine";
  int64_t not_before_s = 0;
  int64_t not_after_s = 0;
};

// What a terminal (or an operator) reads of a certificate.
struct CertificateInfo {
  std::string subject;             // one line, e.g. "/CN=mtguard engine"
  std::string issuer;              // the same for a self-signed certificate
  std::string serial;              // upper-case hex
  std::string thumbprint_sha256;   // SHA-256 of the DER encoding, 64 lower-case hex digits
  std::string thumbprint_sha1;     // SHA-1 of the DER encoding, 40 lower-case hex digits
  int64_t not_before_s = 0;
  int64_t not_after_s = 0;
};

// Longest validity `mtguard link-cert` issues.
inline constexpr int64_t kMaxCertificateDays = 3650;

// Creates a P-256 key and a self-signed certificate for it (SHA-256 signature) as PEM
// files: the key with mode 0600, the certificate 0644. Neither file may exist
// (kAlreadyExists); a crash leaves each file whole or absent. Precondition:
// spec.not_before_s < spec.not_after_s.
Result<CertificateInfo> create_self_signed_certificate(const std::string& cert_path, const std::string& key_path,
                                                       const CertificateSpec& spec);

// The first certificate of a PEM file; kNotFound when the file is missing,
// kInvalidArgument when it holds no certificate.
Result<CertificateInfo> read_certificate(const std::string& cert_path);

// The description of a parsed certificate (not owned, not null).
CertificateInfo describe_certificate(const x509_st* cert);

// A thumbprint as lower-case hex digits, without the ':' or ' ' people paste with it.
std::string normalize_thumbprint(std::string_view text);

}  // namespace mtg::crypto
