#include "link/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>

#include "crypto/certificate.h"
#include "crypto/token.h"
#include "util/check.h"

namespace mtg::link {
namespace {

// TLS 1.2 suites: ECDHE key exchange and AEAD only (TLS 1.3's are all of that kind).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string take_openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "connection closed during the handshake";
  char buf[256] = {};
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

SSL_CTX* new_context(bool server) {
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  MTG_CHECK_MSG(ctx != nullptr, "SSL_CTX_new failed");
  // The functions under OpenSSL's macros (SSL_CTX_set_min_proto_version, _set_mode, ...).
  MTG_CHECK(SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, nullptr) == 1);
  MTG_CHECK(SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) == 1);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                               SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, nullptr);
  SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_OFF, nullptr);
  if (server) SSL_CTX_set_num_tickets(ctx, 0);
  return ctx;
}

}  // namespace

Result<std::shared_ptr<TlsContext>> TlsContext::server(const std::string& cert_path, const std::string& key_path) {
  SSL_CTX* ctx = new_context(true);
  std::shared_ptr<TlsContext> out(new TlsContext(ctx, true));
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_path.c_str()) != 1) {
    return Status::invalid("TLS certificate " + cert_path + ": " + take_openssl_error());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Status::invalid("TLS key " + key_path + ": " + take_openssl_error());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return Status::invalid("TLS key " + key_path + " does not match the certificate " + cert_path);
  }
  return out;
}

std::shared_ptr<TlsContext> TlsContext::client() {
  SSL_CTX* ctx = new_context(false);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &TlsStream::verify_callback);
  return std::shared_ptr<TlsContext>(new TlsContext(ctx, false));
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsStream::TlsStream(std::shared_ptr<const TlsContext> ctx, SSL* ssl, TlsPin pin)
    : ctx_(std::move(ctx)), ssl_(ssl), pin_(std::move(pin)) {
  MTG_CHECK(ssl_ != nullptr);
  SSL_set_ex_data(ssl_, 0, this);  // the app data slot: verify_callback finds its stream
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

std::unique_ptr<TlsStream> TlsStream::accept(std::shared_ptr<const TlsContext> ctx, int fd) {
  MTG_CHECK(ctx != nullptr && ctx->is_server());
  SSL* ssl = SSL_new(ctx->native());
  MTG_CHECK_MSG(ssl != nullptr, "SSL_new failed");
  MTG_CHECK(SSL_set_fd(ssl, fd) == 1);
  SSL_set_accept_state(ssl);
  return std::unique_ptr<TlsStream>(new TlsStream(std::move(ctx), ssl, TlsPin{}));
}

std::unique_ptr<TlsStream> TlsStream::connect(std::shared_ptr<const TlsContext> ctx, int fd, TlsPin pin) {
  MTG_CHECK(ctx != nullptr && !ctx->is_server());
  SSL* ssl = SSL_new(ctx->native());
  MTG_CHECK_MSG(ssl != nullptr, "SSL_new failed");
  MTG_CHECK(SSL_set_fd(ssl, fd) == 1);
  SSL_set_connect_state(ssl);
  pin.thumbprint_sha256 = crypto::normalize_thumbprint(pin.thumbprint_sha256);
  return std::unique_ptr<TlsStream>(new TlsStream(std::move(ctx), ssl, std::move(pin)));
}

int TlsStream::verify_callback(int preverify_ok, x509_store_ctx_st* store) {
  (void)preverify_ok;  // the pin replaces the chain of trust: a self-signed leaf is expected
  SSL* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  MTG_CHECK(ssl != nullptr);
  auto* self = static_cast<TlsStream*>(SSL_get_ex_data(ssl, 0));
  MTG_CHECK(self != nullptr);
  if (X509_STORE_CTX_get_error_depth(store) > 0) return 1;  // the chain above the leaf is not pinned
  if (self->pin_.thumbprint_sha256.empty()) return 1;       // the caller inspects the certificate
  const X509* leaf = X509_STORE_CTX_get_current_cert(store);
  MTG_CHECK(leaf != nullptr);
  const crypto::CertificateInfo info = crypto::describe_certificate(leaf);
  if (!crypto::constant_time_equal(info.thumbprint_sha256, self->pin_.thumbprint_sha256)) {
    self->pin_error_ = "the engine's certificate (SHA-256 thumbprint " + info.thumbprint_sha256 +
                       ") is not the pinned one (" + self->pin_.thumbprint_sha256 + ")";
    return 0;
  }
  if (self->pin_.now_s > info.not_after_s) {
    self->pin_error_ = "the engine's certificate expired at Unix time " + std::to_string(info.not_after_s);
    return 0;
  }
  if (self->pin_.now_s < info.not_before_s) {
    self->pin_error_ = "the engine's certificate is not valid before Unix time " + std::to_string(info.not_before_s);
    return 0;
  }
  return 1;
}

bool TlsStream::established() const { return !failed_ && SSL_is_init_finished(ssl_) == 1; }

Status TlsStream::settle(int rc, const char* what) {
  wants_write_ = false;
  const int err = SSL_get_error(ssl_, rc);
  if (err == SSL_ERROR_WANT_READ) return Status::ok();
  if (err == SSL_ERROR_WANT_WRITE) {
    wants_write_ = true;
    return Status::ok();
  }
  failed_ = true;
  if (err == SSL_ERROR_ZERO_RETURN) return Status::unavailable("peer closed the connection");
  if (!pin_error_.empty()) {
    ERR_clear_error();
    return Status::precondition("TLS: " + pin_error_);
  }
  if (err == SSL_ERROR_SYSCALL && errno != 0 && ERR_peek_error() == 0) {
    return Status::io(std::string("TLS ") + what + ": " + std::strerror(errno));
  }
  const bool handshaking = SSL_is_init_finished(ssl_) != 1;
  const std::string reason = take_openssl_error();
  if (handshaking) return Status::invalid("TLS handshake failed: " + reason);
  return Status::io(std::string("TLS ") + what + ": " + reason);
}

Status TlsStream::advance() {
  if (failed_) return Status::io("TLS session failed earlier");
  if (established()) return Status::ok();
  ERR_clear_error();
  errno = 0;
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    wants_write_ = false;
    return Status::ok();
  }
  return settle(rc, "handshake");
}

Result<size_t> TlsStream::read(char* buf, size_t n) {
  MTG_CHECK(n > 0);
  if (failed_) return Status::io("TLS session failed earlier");
  ERR_clear_error();
  errno = 0;
  size_t got = 0;
  const int rc = SSL_read_ex(ssl_, buf, n, &got);
  if (rc == 1) {
    wants_write_ = false;
    MTG_CHECK(got > 0 && got <= n);
    return got;
  }
  MTG_RETURN_IF_ERROR(settle(rc, "read"));
  return size_t{0};
}

Result<size_t> TlsStream::write(std::string_view bytes) {
  MTG_CHECK(!bytes.empty());
  if (failed_) return Status::io("TLS session failed earlier");
  ERR_clear_error();
  errno = 0;
  size_t put = 0;
  const int rc = SSL_write_ex(ssl_, bytes.data(), bytes.size(), &put);
  if (rc == 1) {
    wants_write_ = false;
    MTG_CHECK(put > 0 && put <= bytes.size());
    return put;
  }
  MTG_RETURN_IF_ERROR(settle(rc, "write"));
  return size_t{0};
}

void TlsStream::close_notify() {
  if (!established()) return;
  ERR_clear_error();
  (void)SSL_shutdown(ssl_);
  ERR_clear_error();
}

crypto::CertificateInfo TlsStream::peer_certificate() const {
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (cert == nullptr) return {};
  crypto::CertificateInfo info = crypto::describe_certificate(cert);
  X509_free(cert);
  return info;
}

}  // namespace mtg::link
