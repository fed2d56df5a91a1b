// Holding a secret (a broker password) in memory for as short and as safe a time as
// practical: a move-only string wiped with OPENSSL_cleanse when it dies, a bounded
// line reader that never grows a buffer (so no stale copy is left in freed heap),
// and a switch that keeps secrets out of core dumps.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

#include "util/status.h"

namespace mtg {

// A secret string. Its whole buffer (capacity, not just size) is wiped on destruction
// and on move-from; copying is impossible. Never log view().
class SecretString {
 public:
  SecretString() = default;
  // Takes over `value` and wipes whatever the moved-from string still holds.
  explicit SecretString(std::string&& value);
  ~SecretString();
  SecretString(SecretString&& other) noexcept;
  SecretString& operator=(SecretString&& other) noexcept;
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;

  std::string_view view() const { return value_; }
  size_t size() const { return value_.size(); }
  bool empty() const { return value_.empty(); }

 private:
  friend Result<SecretString> read_secret_line(std::istream& in, size_t max_bytes);
  void wipe();
  std::string value_;
};

// Reads one line from `in` (up to '\n' or end of input; one trailing '\r' is dropped)
// into a buffer reserved once for max_bytes, so it is never reallocated. Errors:
// kInvalidArgument when the line is longer than max_bytes or empty, or when the input
// holds no line at all. Messages never contain the bytes read.
Result<SecretString> read_secret_line(std::istream& in, size_t max_bytes);

// When `fd` is a terminal, turns its echo off and returns true so the caller can turn
// it back on with restore_echo(fd). False (and nothing changed) otherwise.
bool disable_echo(int fd);
void restore_echo(int fd);

// Makes this process non-dumpable and sets its core size limit to 0, so a crash never
// writes a secret held in memory to a core file. Best effort; returns what failed.
Status disable_core_dumps();

}  // namespace mtg
