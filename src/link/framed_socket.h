// A non-blocking stream socket carrying "\n"-terminated frames: a bounded input line
// buffer and a bounded output queue. Used by both ends of the terminal link.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "link/line_buffer.h"
#include "link/socket.h"
#include "util/status.h"

namespace mtg::link {

class FramedSocket {
 public:
  // max_output_bytes bounds the queue of bytes not yet accepted by the kernel.
  FramedSocket(Fd fd, size_t max_line_bytes, size_t max_output_bytes);

  int fd() const { return fd_.get(); }
  bool wants_write() const { return out_start_ < out_.size(); }

  // Queues bytes to send; false (nothing queued) when the queue would exceed its bound.
  bool queue(std::string_view bytes);

  // Reads at most max_read_bytes that are available and appends the complete lines to
  // `lines`. kUnavailable when the peer closed (lines read before are still appended),
  // kIoError on a socket error, kInvalidArgument on an over-long line.
  Status read_lines(size_t max_read_bytes, std::vector<std::string>& lines);

  // Writes as much of the queue as the kernel accepts; kIoError on a socket error.
  Status flush();

  // Stops sending (FIN) once the queue is written; further queue() calls fail.
  void shutdown_write();

 private:
  Fd fd_;
  LineBuffer in_;
  size_t max_output_bytes_;
  std::string out_;
  size_t out_start_ = 0;
  bool write_shut_ = false;
};

}  // namespace mtg::link
