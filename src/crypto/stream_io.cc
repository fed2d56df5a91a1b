#include "crypto/stream_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "util/file_system.h"

namespace mtg::crypto {

Result<size_t> IstreamReader::read_full(char* buf, size_t n) {
  in_.read(buf, static_cast<std::streamsize>(n));
  if (in_.bad()) return Status::io("read from stream failed");
  return static_cast<size_t>(in_.gcount());
}

Status OstreamWriter::write_all(const char* buf, size_t n) {
  out_.write(buf, static_cast<std::streamsize>(n));
  if (!out_) return Status::io("write to stream failed");
  return Status::ok();
}

Result<size_t> FdReader::read_full(char* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::read(fd_, buf + done, n - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Status::io(std::string("read: ") + std::strerror(errno));
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

Status FdWriter::write_all(const char* buf, size_t n) {
  return mtg::write_all(fd_, "descriptor " + std::to_string(fd_), std::string_view(buf, n));
}

}  // namespace mtg::crypto
