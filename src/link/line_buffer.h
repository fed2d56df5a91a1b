// Accumulates bytes from a stream socket and yields complete "\n"-terminated lines.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg::link {

class LineBuffer {
 public:
  // A line longer than max_line_bytes (its "\n" included) is an error.
  explicit LineBuffer(size_t max_line_bytes);

  // Appends received bytes. Never fails; limits are checked by next_line().
  void append(std::string_view bytes);

  // The next complete line without its "\n", nullopt when no complete line is
  // buffered, or kInvalidArgument once a line is (or must become) over the limit;
  // after an error the buffer is unusable (the connection must be closed).
  Result<std::optional<std::string>> next_line();

  // Bytes held (complete and partial lines).
  size_t buffered_bytes() const { return buf_.size() - start_; }

 private:
  size_t max_line_bytes_;
  std::string buf_;
  size_t start_ = 0;  // first byte of the current line
  size_t scan_ = 0;   // bytes before this index hold no "\n" (from start_)
};

}  // namespace mtg::link
