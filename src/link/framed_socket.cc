#include "link/framed_socket.h"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "util/check.h"

namespace mtg::link {
namespace {
constexpr size_t kReadChunkBytes = 16 * 1024;
}

FramedSocket::FramedSocket(Fd fd, size_t max_line_bytes, size_t max_output_bytes)
    : fd_(std::move(fd)), in_(max_line_bytes), max_output_bytes_(max_output_bytes) {
  MTG_CHECK(fd_.valid());
  MTG_CHECK(max_output_bytes_ >= max_line_bytes);
}

bool FramedSocket::queue(std::string_view bytes) {
  MTG_CHECK(out_start_ <= out_.size());
  if (write_shut_) return false;
  if (out_start_ > 0 && out_start_ == out_.size()) {
    out_.clear();
    out_start_ = 0;
  }
  if (out_.size() - out_start_ + bytes.size() > max_output_bytes_) return false;
  out_.append(bytes);
  MTG_CHECK(out_.size() - out_start_ <= max_output_bytes_);
  return true;
}

Status FramedSocket::read_lines(size_t max_read_bytes, std::vector<std::string>& lines) {
  MTG_CHECK(max_read_bytes > 0);
  std::array<char, kReadChunkBytes> chunk;
  size_t total = 0;
  Status status;
  while (total < max_read_bytes) {
    const ssize_t n = ::recv(fd_.get(), chunk.data(), chunk.size(), 0);
    if (n == 0) {
      status = Status::unavailable("peer closed the connection");
      break;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) status = Status::io(std::string("recv: ") + std::strerror(errno));
      break;
    }
    total += static_cast<size_t>(n);
    in_.append(std::string_view(chunk.data(), static_cast<size_t>(n)));
    if (static_cast<size_t>(n) < chunk.size()) break;
  }
  for (;;) {
    auto line = in_.next_line();
    if (!line.is_ok()) return line.status();
    if (!line->has_value()) break;
    lines.push_back(std::move(**line));
  }
  return status;
}

Status FramedSocket::flush() {
  while (out_start_ < out_.size()) {
    const ssize_t n = ::send(fd_.get(), out_.data() + out_start_, out_.size() - out_start_, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::ok();
      return Status::io(std::string("send: ") + std::strerror(errno));
    }
    MTG_CHECK(static_cast<size_t>(n) <= out_.size() - out_start_);
    out_start_ += static_cast<size_t>(n);
  }
  if (write_shut_) ::shutdown(fd_.get(), SHUT_WR);
  return Status::ok();
}

void FramedSocket::shutdown_write() { write_shut_ = true; }

}  // namespace mtg::link
