#include "ea_shim/socket_api.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <poll.h>

#include <cctype>
#include <cerrno>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "ea_shim/terminal.h"
#include "ea_shim/trade_server.h"
#include "link/codec.h"
#include "link/tls.h"

namespace {

using mtg::ea_shim::current;

constexpr int kErrInvalidHandle = 5270;  // ERR_NETSOCKET_INVALIDHANDLE
constexpr int kErrCannotConnect = 5272;  // ERR_NETSOCKET_CANNOT_CONNECT
constexpr int kErrIo = 5273;             // ERR_NETSOCKET_IO_ERROR
constexpr int kErrHandshakeFailed = 5274;  // ERR_NETSOCKET_HANDSHAKE_FAILED
constexpr int kTlsHandshakeTimeoutMs = 5000;

std::mt19937 g_rand(1);
std::map<int, std::string> g_tap;  // per socket: bytes read since the last "\n"
std::map<int, std::unique_ptr<mtg::link::TlsStream>> g_tls;  // per socket after SocketTlsHandshake

mtg::link::TlsStream* tls_of(int socket) {
  auto it = g_tls.find(socket);
  if (it == g_tls.end()) {
    current().last_error = kErrInvalidHandle;
    return nullptr;
  }
  return it->second.get();
}

// Runs the handshake to its end within kTlsHandshakeTimeoutMs; false when it failed.
bool complete_handshake(mtg::link::TlsStream& tls, int fd) {
  const int64_t deadline = current().clock().steady_ms() + kTlsHandshakeTimeoutMs;
  for (;;) {
    if (!tls.advance().is_ok()) return false;
    if (tls.established()) return true;
    const int64_t left = deadline - current().clock().steady_ms();
    if (left <= 0) return false;
    pollfd p{fd, static_cast<short>(tls.wants_write() ? POLLOUT : POLLIN), 0};
    ::poll(&p, 1, static_cast<int>(left));
  }
}

int fd_of(int socket) {
  auto it = current().sockets().find(socket);
  if (it == current().sockets().end()) {
    current().last_error = kErrInvalidHandle;
    return -1;
  }
  return it->second.get();
}

// Shows each whole line read to the trade server (labels only; see TradeServer::tap).
void tap(int socket, const char* bytes, size_t n) {
  std::string& pending = g_tap[socket];
  pending.append(bytes, n);
  size_t start = 0;
  for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
    auto frame = mtg::link::decode(std::string_view(pending).substr(start, nl - start));
    const auto* order = frame.is_ok() ? std::get_if<mtg::link::OrderFrame>(&*frame) : nullptr;
    if (order != nullptr && current().server() != nullptr) current().server()->tap(*order);
    start = nl + 1;
  }
  pending.erase(0, start);
}

}  // namespace

int SocketCreate(uint flags) {
  (void)flags;
  mtg::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return INVALID_HANDLE;
  const int handle = current().fresh_handle();
  current().sockets().emplace(handle, std::move(fd));
  g_tap.erase(handle);
  g_tls.erase(handle);
  return handle;
}

bool SocketConnect(int socket, const string& server, uint port, uint timeout_receive_ms) {
  (void)timeout_receive_ms;
  const int fd = fd_of(socket);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const std::string host = server == "localhost" ? "127.0.0.1" : server;
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    current().last_error = kErrCannotConnect;
    return false;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return true;
}

bool SocketIsConnected(int socket) {
  const int fd = fd_of(socket);
  if (fd < 0) return false;
  char byte = 0;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

uint SocketIsReadable(int socket) {
  const int fd = fd_of(socket);
  if (fd < 0) return 0;
  int available = 0;
  if (::ioctl(fd, FIONREAD, &available) != 0) return 0;
  if (available == 0 && current().faults().readable_when_empty) return 1;
  return static_cast<uint>(available);
}

int SocketSend(int socket, const MqlArray<uchar>& buffer, uint len) {
  const int fd = fd_of(socket);
  if (fd < 0) return -1;
  MTG_CHECK(len <= buffer.items.size());
  size_t n = len;
  const int most = current().faults().max_send_bytes;
  if (most > 0 && n > static_cast<size_t>(most)) n = static_cast<size_t>(most);
  const ssize_t sent = ::send(fd, buffer.items.data(), n, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (sent < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    current().last_error = kErrIo;
    return -1;
  }
  return static_cast<int>(sent);
}

int SocketRead(int socket, MqlArray<uchar>& buffer, uint len, uint timeout_ms) {
  (void)timeout_ms;
  const int fd = fd_of(socket);
  if (fd < 0) return -1;
  buffer.items.resize(len);
  const ssize_t got = ::recv(fd, buffer.items.data(), len, MSG_DONTWAIT);
  if (got < 0) {
    buffer.items.clear();
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    current().last_error = kErrIo;
    return -1;
  }
  buffer.items.resize(static_cast<size_t>(got));
  tap(socket, reinterpret_cast<const char*>(buffer.items.data()), static_cast<size_t>(got));
  return static_cast<int>(got);
}

bool SocketTlsHandshake(int socket, const string& host) {
  (void)host;  // the EA pins the certificate's thumbprint instead of checking names
  const int fd = fd_of(socket);
  if (fd < 0) return false;
  static const std::shared_ptr<const mtg::link::TlsContext> context = mtg::link::TlsContext::client();
  auto tls = mtg::link::TlsStream::connect(context, fd, mtg::link::TlsPin{});
  if (!complete_handshake(*tls, fd)) {
    current().last_error = kErrHandshakeFailed;
    return false;
  }
  g_tls[socket] = std::move(tls);
  return true;
}

bool SocketTlsCertificate(int socket, string& subject, string& issuer, string& serial, string& thumbprint,
                          datetime& expiration) {
  const mtg::link::TlsStream* tls = tls_of(socket);
  if (tls == nullptr) return false;
  const mtg::crypto::CertificateInfo cert = tls->peer_certificate();
  if (cert.thumbprint_sha256.empty()) return false;
  subject = cert.subject;
  issuer = cert.issuer;
  serial = cert.serial;
  thumbprint.clear();
  for (const char c : cert.thumbprint_sha256) thumbprint += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  expiration = cert.not_after_s;
  return true;
}

int SocketTlsSend(int socket, const MqlArray<uchar>& buffer, uint len) {
  mtg::link::TlsStream* tls = tls_of(socket);
  if (tls == nullptr) return -1;
  MTG_CHECK(len > 0 && len <= buffer.items.size());
  size_t n = len;
  const int most = current().faults().max_send_bytes;
  if (most > 0 && n > static_cast<size_t>(most)) n = static_cast<size_t>(most);
  auto sent = tls->write(std::string_view(reinterpret_cast<const char*>(buffer.items.data()), n));
  if (!sent.is_ok()) {
    current().last_error = kErrIo;
    return -1;
  }
  return static_cast<int>(*sent);
}

int SocketTlsReadAvailable(int socket, MqlArray<uchar>& buffer, uint buffer_maxlen) {
  mtg::link::TlsStream* tls = tls_of(socket);
  if (tls == nullptr) return -1;
  MTG_CHECK(buffer_maxlen > 0);
  buffer.items.resize(buffer_maxlen);
  size_t got = 0;
  while (got < buffer_maxlen) {
    auto n = tls->read(reinterpret_cast<char*>(buffer.items.data()) + got, buffer_maxlen - got);
    if (!n.is_ok()) {
      if (got > 0) break;  // what arrived before the close is handed out first
      buffer.items.clear();
      current().last_error = kErrIo;
      return -1;
    }
    if (*n == 0) break;
    got += *n;
  }
  buffer.items.resize(got);
  tap(socket, reinterpret_cast<const char*>(buffer.items.data()), got);
  return static_cast<int>(got);
}

bool SocketClose(int socket) {
  g_tap.erase(socket);
  g_tls.erase(socket);  // before its socket closes
  return current().sockets().erase(socket) > 0;
}

int MathRand() { return static_cast<int>(g_rand() % 32768); }
void MathSrand(int seed) { g_rand.seed(static_cast<uint32_t>(seed)); }
