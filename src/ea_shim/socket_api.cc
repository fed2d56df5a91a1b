#include "ea_shim/socket_api.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <random>
#include <string>

#include "ea_shim/terminal.h"
#include "ea_shim/trade_server.h"
#include "link/codec.h"

namespace {

using mtg::ea_shim::current;

constexpr int kErrInvalidHandle = 5270;  // ERR_NETSOCKET_INVALIDHANDLE
constexpr int kErrCannotConnect = 5272;  // ERR_NETSOCKET_CANNOT_CONNECT
constexpr int kErrIo = 5273;             // ERR_NETSOCKET_IO_ERROR

std::mt19937 g_rand(1);
std::map<int, std::string> g_tap;  // per socket: bytes read since the last "\n"

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

bool SocketClose(int socket) {
  g_tap.erase(socket);
  return current().sockets().erase(socket) > 0;
}

int MathRand() { return static_cast<int>(g_rand() % 32768); }
void MathSrand(int seed) { g_rand.seed(static_cast<uint32_t>(seed)); }
