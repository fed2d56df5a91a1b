// Thin, non-blocking TCP helpers over POSIX sockets (IPv4 and IPv6 literals or names).
#pragma once

#include <cstddef>
#include <string>

#include "util/fd.h"
#include "util/status.h"

namespace mtg::link {

// A non-blocking listening socket with SO_REUSEADDR; port 0 picks an ephemeral port.
Result<Fd> listen_tcp(const std::string& host, int port, int backlog);

// The local port a socket is bound to, or -1.
int local_port(int fd);

// Accepts one pending connection as a non-blocking socket; an invalid Fd when none
// is pending (or the accept failed transiently).
Fd accept_tcp(int listen_fd, std::string& peer);

// Starts a non-blocking connect; completion is signalled by POLLOUT, then
// `connect_error(fd)` tells whether it succeeded.
Result<Fd> start_connect_tcp(const std::string& host, int port);

// The pending error of a socket (SO_ERROR), 0 when none.
int connect_error(int fd);

// An eventfd to wake a poll() from another thread.
Result<Fd> make_eventfd();
void signal_eventfd(int fd);
void drain_eventfd(int fd);

}  // namespace mtg::link
