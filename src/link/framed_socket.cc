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

FramedSocket::~FramedSocket() = default;

void FramedSocket::secure(std::unique_ptr<TlsStream> tls) {
  MTG_CHECK(tls != nullptr);
  MTG_CHECK(tls_ == nullptr && out_.empty() && in_.buffered_bytes() == 0);
  tls_ = std::move(tls);
}

bool FramedSocket::wants_write() const {
  if (tls_ != nullptr && !tls_->established()) return tls_->wants_write();  // the handshake decides
  return out_start_ < out_.size() || (tls_ != nullptr && tls_->wants_write());
}

Result<size_t> FramedSocket::receive(char* buf, size_t n) {
  if (tls_ != nullptr) return tls_->read(buf, n);
  for (;;) {
    const ssize_t got = ::recv(fd_.get(), buf, n, 0);
    if (got > 0) return static_cast<size_t>(got);
    if (got == 0) return Status::unavailable("peer closed the connection");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
    return Status::io(std::string("recv: ") + std::strerror(errno));
  }
}

Result<size_t> FramedSocket::transmit(std::string_view bytes) {
  if (tls_ != nullptr) return tls_->write(bytes);
  for (;;) {
    const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
    return Status::io(std::string("send: ") + std::strerror(errno));
  }
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
    auto n = receive(chunk.data(), chunk.size());
    if (!n.is_ok()) {
      status = n.status();
      break;
    }
    if (*n == 0) break;
    total += *n;
    in_.append(std::string_view(chunk.data(), *n));
    // A short plaintext read emptied the kernel buffer; TLS may hold a further record.
    if (tls_ == nullptr && *n < chunk.size()) break;
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
  if (tls_ != nullptr && !tls_->established()) {
    MTG_RETURN_IF_ERROR(tls_->advance());
    if (!tls_->established()) return Status::ok();
  }
  while (out_start_ < out_.size()) {
    auto n = transmit(std::string_view(out_).substr(out_start_));
    if (!n.is_ok()) return n.status();
    if (*n == 0) return Status::ok();
    MTG_CHECK(*n <= out_.size() - out_start_);
    out_start_ += *n;
  }
  if (write_shut_) {
    if (tls_ != nullptr) tls_->close_notify();
    ::shutdown(fd_.get(), SHUT_WR);
  }
  return Status::ok();
}

void FramedSocket::shutdown_write() { write_shut_ = true; }

}  // namespace mtg::link
