// Ports for the servers a test starts on loopback.
#pragma once

namespace mtg::testkit {

// A TCP port of 127.0.0.1 free a moment ago (the kernel chose it; the socket is closed
// again, so another process may take it before the caller does: rare, and loud).
int free_port();

}  // namespace mtg::testkit
