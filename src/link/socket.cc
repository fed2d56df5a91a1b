#include "link/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/check.h"

namespace mtg::link {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

struct AddrInfo {
  addrinfo* list = nullptr;
  ~AddrInfo() {
    if (list != nullptr) freeaddrinfo(list);
  }
};

Status resolve(const std::string& host, int port, bool passive, AddrInfo& out) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  const std::string service = std::to_string(port);
  const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &out.list);
  if (rc != 0 || out.list == nullptr) {
    return Status::invalid("resolve " + host + ":" + service + ": " + gai_strerror(rc));
  }
  return Status::ok();
}

void set_nodelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

Result<Fd> listen_tcp(const std::string& host, int port, int backlog) {
  AddrInfo ai;
  MTG_RETURN_IF_ERROR(resolve(host, port, true, ai));
  Fd fd(::socket(ai.list->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::io(errno_text("socket"));
  const int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  const std::string where = host + ":" + std::to_string(port);
  if (::bind(fd.get(), ai.list->ai_addr, ai.list->ai_addrlen) != 0) return Status::io(errno_text("bind " + where));
  if (::listen(fd.get(), backlog) != 0) return Status::io(errno_text("listen " + where));
  return fd;
}

int local_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return -1;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return -1;
}

Fd accept_tcp(int listen_fd, std::string& peer) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  Fd fd(::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!fd.valid()) return fd;
  char host[NI_MAXHOST] = {};
  char serv[NI_MAXSERV] = {};
  getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof(host), serv, sizeof(serv),
              NI_NUMERICHOST | NI_NUMERICSERV);
  peer = std::string(host) + ":" + serv;
  set_nodelay(fd.get());
  return fd;
}

Result<Fd> start_connect_tcp(const std::string& host, int port) {
  AddrInfo ai;
  MTG_RETURN_IF_ERROR(resolve(host, port, false, ai));
  Fd fd(::socket(ai.list->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Status::io(errno_text("socket"));
  set_nodelay(fd.get());
  if (::connect(fd.get(), ai.list->ai_addr, ai.list->ai_addrlen) != 0 && errno != EINPROGRESS) {
    return Status::unavailable(errno_text("connect " + host + ":" + std::to_string(port)));
  }
  return fd;
}

int connect_error(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

Result<Fd> make_eventfd() {
  Fd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!fd.valid()) return Status::io(errno_text("eventfd"));
  return fd;
}

void signal_eventfd(int fd) {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(fd, &one, sizeof(one));
}

void drain_eventfd(int fd) {
  uint64_t value = 0;
  [[maybe_unused]] const ssize_t n = ::read(fd, &value, sizeof(value));
}

}  // namespace mtg::link
