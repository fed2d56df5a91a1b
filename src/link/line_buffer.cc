#include "link/line_buffer.h"

#include "util/check.h"

namespace mtg::link {

LineBuffer::LineBuffer(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {
  MTG_CHECK(max_line_bytes_ > 0);
}

void LineBuffer::append(std::string_view bytes) {
  // Compact consumed lines before growing, so memory stays near one line + one read.
  if (start_ > 0 && start_ == buf_.size()) {
    buf_.clear();
    scan_ = start_ = 0;
  } else if (start_ > max_line_bytes_) {
    buf_.erase(0, start_);
    scan_ -= start_;
    start_ = 0;
  }
  buf_.append(bytes);
  MTG_CHECK(start_ <= scan_);
  MTG_CHECK(scan_ <= buf_.size());
}

Result<std::optional<std::string>> LineBuffer::next_line() {
  MTG_CHECK(start_ <= scan_);
  MTG_CHECK(scan_ <= buf_.size());
  const size_t nl = buf_.find('\n', scan_);
  if (nl == std::string::npos) {
    scan_ = buf_.size();
    if (buf_.size() - start_ >= max_line_bytes_) {
      return Status::invalid("line longer than " + std::to_string(max_line_bytes_) + " bytes");
    }
    return std::optional<std::string>();
  }
  if (nl - start_ + 1 > max_line_bytes_) {
    return Status::invalid("line longer than " + std::to_string(max_line_bytes_) + " bytes");
  }
  std::string line = buf_.substr(start_, nl - start_);
  start_ = scan_ = nl + 1;
  MTG_CHECK(line.size() < max_line_bytes_);  // its "\n" included, it fits
  MTG_CHECK(line.find('\n') == std::string::npos);
  return std::optional<std::string>(std::move(line));
}

}  // namespace mtg::link
