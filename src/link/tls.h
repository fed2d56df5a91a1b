// TLS for the terminal link (OpenSSL; docs/protocol.md "Transport"). The engine serves
// TLS 1.2 or 1.3 with forward-secret AEAD ciphers only; a terminal accepts exactly the
// certificate it pinned (SHA-256 thumbprint) while that certificate is valid, so a
// self-signed certificate needs no certificate authority. Before the handshake is
// complete no application byte is sent either way: a terminal whose pin does not
// match never sends its hello.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/certificate.h"
#include "util/status.h"

struct ssl_st;      // OpenSSL's SSL
struct ssl_ctx_st;  // OpenSSL's SSL_CTX
struct x509_store_ctx_st;  // OpenSSL's X509_STORE_CTX

namespace mtg::link {

// What a terminal accepts of the engine's certificate: the one whose SHA-256
// thumbprint is `thumbprint_sha256` (any case, ':' and ' ' ignored), valid at now_s
// (Unix seconds). An empty thumbprint accepts any certificate (the caller inspects it,
// as an MQL5 EA does with SocketTlsCertificate).
struct TlsPin {
  std::string thumbprint_sha256;
  int64_t now_s = 0;
};

// Settings shared by the sessions of one side. Thread-safe; outlives its sessions.
class TlsContext {
 public:
  // The engine's: the certificate (chain) and private key PEM files. kInvalidArgument
  // naming the file when one cannot be used or the key does not match.
  static Result<std::shared_ptr<TlsContext>> server(const std::string& cert_path, const std::string& key_path);
  // A terminal's.
  static std::shared_ptr<TlsContext> client();
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl_ctx_st* native() const { return ctx_; }
  bool is_server() const { return server_; }

 private:
  TlsContext(ssl_ctx_st* ctx, bool server) : ctx_(ctx), server_(server) {}
  ssl_ctx_st* ctx_;
  bool server_;
};

// One TLS connection over a connected non-blocking socket it does not own. The
// handshake runs inside read(), write() and advance(), whichever comes first.
// Single-threaded.
class TlsStream {
 public:
  // The engine's end of an accepted socket.
  static std::unique_ptr<TlsStream> accept(std::shared_ptr<const TlsContext> ctx, int fd);
  // A terminal's end of a connected socket; the handshake fails unless `pin` holds.
  static std::unique_ptr<TlsStream> connect(std::shared_ptr<const TlsContext> ctx, int fd, TlsPin pin);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // True once the handshake completed (and the pin held).
  bool established() const;
  // True when the last operation waits for the socket to become writable.
  bool wants_write() const { return wants_write_; }
  // Moves the handshake on; ok while it waits for the socket. kFailedPrecondition when the
  // peer's certificate does not hold the pin; kInvalidArgument for any other failed
  // handshake (e.g. a plaintext peer), with OpenSSL's reason.
  Status advance();
  // Decrypted bytes into buf (at most n): their count, 0 when none are ready;
  // kUnavailable when the peer closed; errors as advance() or kIoError.
  Result<size_t> read(char* buf, size_t n);
  // Encrypts a prefix of `bytes` (not empty): its length, 0 when the socket is full.
  Result<size_t> write(std::string_view bytes);
  // Sends close_notify (best effort) once established.
  void close_notify();
  // The peer's certificate (empty fields when it sent none).
  crypto::CertificateInfo peer_certificate() const;

 private:
  TlsStream(std::shared_ptr<const TlsContext> ctx, ssl_st* ssl, TlsPin pin);
  // The Status for an SSL call that returned `rc`; ok (and wants_write_ set) when it
  // only waits for the socket.
  Status settle(int rc, const char* what);

  std::shared_ptr<const TlsContext> ctx_;
  ssl_st* ssl_;
  TlsPin pin_;
  std::string pin_error_;  // why the pin did not hold (set by the verify callback)
  bool wants_write_ = false;
  bool failed_ = false;
  // OpenSSL's verify callback of a terminal's sessions: checks the pin on the leaf.
  static int verify_callback(int preverify_ok, ::x509_store_ctx_st* store);
  friend class TlsContext;  // installs verify_callback
};

}  // namespace mtg::link
