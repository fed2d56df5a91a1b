// libFuzzer target: the terminal link's TLS path (src/link/tls.h under FramedSocket) as
// the engine runs it, over a socketpair. The input's first byte picks the attack:
// - even: the bytes arrive where the engine expects a TLS handshake (a plaintext
//   terminal, a scanner, garbage); the engine's socket must end in an error (or wait
//   for more) and decode no line before a handshake completed;
// - odd: a pinned terminal with a completed handshake sends the bytes as application
//   data; every line the engine reads must decode to a frame or be refused with
//   kInvalidArgument, as on a plaintext link. The session lives across inputs, as a
//   connection does, until a line over the limit ends it.
// Either way a crash, a leak or a sanitizer report is a finding.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "fuzz_check.h"
#include "link/codec.h"
#include "link/frame.h"
#include "link/framed_socket.h"
#include "link/tls.h"

namespace {

namespace link = mtg::link;
using mtg::fuzz::fail;

constexpr size_t kMaxOutputBytes = 1 << 20;
constexpr size_t kMaxReadBytes = 1 << 20;
constexpr int kMaxHandshakeTurns = 200;
constexpr int kMaxReadTurns = 64;

// The engine's certificate, made once in a private temporary directory.
struct Certificate {
  Certificate() {
    char dir[] = "/tmp/mtg-link-tls-fuzz-XXXXXX";
    if (mkdtemp(dir) == nullptr) fail("setup", "mkdtemp");
    const std::string base(dir);
    auto info = mtg::crypto::create_self_signed_certificate(base + "/link.crt", base + "/link.key",
                                                            {"fuzz engine", 0, 4'000'000'000});
    if (!info) fail("setup", info.status().to_string());
    thumbprint = info->thumbprint_sha256;
    auto ctx = link::TlsContext::server(base + "/link.crt", base + "/link.key");
    if (!ctx) fail("setup", ctx.status().to_string());
    server = *ctx;
    unlink((base + "/link.crt").c_str());
    unlink((base + "/link.key").c_str());
    rmdir(dir);
  }
  std::string thumbprint;
  std::shared_ptr<const link::TlsContext> server;
  std::shared_ptr<const link::TlsContext> client = link::TlsContext::client();
};

const Certificate& certificate() {
  static const Certificate c;
  return c;
}

// The engine's end (a FramedSocket over TLS) and the peer's raw socket.
struct Connection {
  Connection() {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) fail("setup", "socketpair");
    peer = mtg::Fd(sv[0]);
    engine = std::make_unique<link::FramedSocket>(mtg::Fd(sv[1]), link::kMaxLineBytes, kMaxOutputBytes);
    engine->secure(link::TlsStream::accept(certificate().server, engine->fd()));
  }
  mtg::Fd peer;
  std::unique_ptr<link::FramedSocket> engine;
  std::unique_ptr<link::TlsStream> terminal;  // the peer's TLS once it is a terminal
};

void check_line(const std::string& line) {
  auto frame = link::decode(line);
  if (!frame) mtg::fuzz::expect_error(frame.status(), {mtg::Code::kInvalidArgument}, "decode");
}

void garbage_handshake(const uint8_t* data, size_t size) {
  Connection c;
  if (size > 0 && send(c.peer.get(), data, size, MSG_NOSIGNAL) != static_cast<ssize_t>(size)) fail("setup", "send");
  shutdown(c.peer.get(), SHUT_WR);
  for (int turn = 0; turn < kMaxReadTurns; ++turn) {
    std::vector<std::string> lines;
    const mtg::Status st = c.engine->read_lines(kMaxReadBytes, lines);
    if (!lines.empty()) fail("handshake", "a line was decoded before any handshake completed");
    if (!st.is_ok()) {
      mtg::fuzz::expect_error(st, {mtg::Code::kInvalidArgument, mtg::Code::kUnavailable, mtg::Code::kIoError},
                              "handshake");
      return;
    }
    (void)c.engine->flush();  // the engine's handshake answers go nowhere useful
  }
}

// A connection whose terminal completed its handshake with the pin, or nullptr.
std::unique_ptr<Connection> established() {
  auto c = std::make_unique<Connection>();
  c->terminal = link::TlsStream::connect(certificate().client, c->peer.get(), {certificate().thumbprint, 1});
  for (int turn = 0; turn < kMaxHandshakeTurns; ++turn) {
    if (!c->terminal->advance().is_ok()) fail("handshake", "a pinned terminal was refused");
    std::vector<std::string> lines;
    if (!c->engine->read_lines(kMaxReadBytes, lines).is_ok()) fail("handshake", "the engine failed a good handshake");
    if (!c->engine->flush().is_ok()) fail("handshake", "the engine failed to answer a good handshake");
    if (c->terminal->established() && !c->engine->handshaking()) return c;
  }
  fail("handshake", "no handshake within the turns allowed");
}

void application_data(const uint8_t* data, size_t size) {
  static std::unique_ptr<Connection> c;
  if (c == nullptr) c = established();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t sent = 0;
  for (int turn = 0; turn < kMaxReadTurns && c != nullptr; ++turn) {
    if (sent < bytes.size()) {
      auto n = c->terminal->write(bytes.substr(sent));
      if (!n) fail("write", n.status().to_string());
      sent += *n;
    }
    std::vector<std::string> lines;
    const mtg::Status st = c->engine->read_lines(kMaxReadBytes, lines);
    for (const std::string& line : lines) check_line(line);
    if (st.code() == mtg::Code::kInvalidArgument) {  // a line over the limit ends the connection
      c.reset();
      return;
    }
    if (!st.is_ok()) fail("read", st.to_string());
    if (sent == bytes.size() && lines.empty()) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if ((data[0] & 1) == 0) {
    garbage_handshake(data + 1, size - 1);
  } else if (size > 1) {
    application_data(data + 1, size - 1);
  }
  return 0;
}
