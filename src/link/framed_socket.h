// A non-blocking stream socket carrying "\n"-terminated frames: a bounded input line
// buffer and a bounded output queue, in plaintext or through TLS (secure()). Used by
// both ends of the terminal link.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "link/line_buffer.h"
#include "link/socket.h"
#include "link/tls.h"
#include "util/status.h"

namespace mtg::link {

class FramedSocket {
 public:
  // max_output_bytes bounds the queue of bytes not yet accepted by the kernel.
  FramedSocket(Fd fd, size_t max_line_bytes, size_t max_output_bytes);
  ~FramedSocket();

  // From now on every byte goes through `tls` (made over fd()); call before any I/O.
  void secure(std::unique_ptr<TlsStream> tls);
  // True while a TLS handshake is under way (never for a plaintext socket).
  bool handshaking() const { return tls_ != nullptr && !tls_->established(); }
  // The TLS session, or nullptr for a plaintext socket.
  const TlsStream* tls() const { return tls_.get(); }

  int fd() const { return fd_.get(); }
  // True when the socket must be polled for POLLOUT.
  bool wants_write() const;

  // Queues bytes to send; false (nothing queued) when the queue would exceed its bound.
  bool queue(std::string_view bytes);

  // Reads at most max_read_bytes that are available and appends the complete lines to
  // `lines`. kUnavailable when the peer closed (lines read before are still appended),
  // kIoError on a socket error, kInvalidArgument on an over-long line; with TLS also
  // the handshake's errors (TlsStream::advance).
  Status read_lines(size_t max_read_bytes, std::vector<std::string>& lines);

  // Writes as much of the queue as the kernel accepts (first moving a TLS handshake
  // on); kIoError on a socket error, the handshake's errors with TLS.
  Status flush();

  // Stops sending (FIN) once the queue is written; further queue() calls fail.
  void shutdown_write();

 private:
  // Bytes received into buf: their count, 0 when none are ready.
  Result<size_t> receive(char* buf, size_t n);
  // Bytes of `bytes` sent: their count, 0 when the socket is full.
  Result<size_t> transmit(std::string_view bytes);

  Fd fd_;
  std::unique_ptr<TlsStream> tls_;  // declared after fd_: destroyed before the socket closes
  LineBuffer in_;
  size_t max_output_bytes_;
  std::string out_;
  size_t out_start_ = 0;
  bool write_shut_ = false;
};

}  // namespace mtg::link
