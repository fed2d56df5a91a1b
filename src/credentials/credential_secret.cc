#include "credentials/credential_secret.h"

#include <openssl/crypto.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "util/check.h"

namespace mtg {

SecretString::SecretString(std::string&& value) : value_(std::move(value)) {
  // A short string is copied out of its small buffer, not stolen: wipe the source.
  // A moved-from std::string is valid (unspecified value), so touching it is defined.
  OPENSSL_cleanse(value.data(), value.capacity());  // NOLINT(bugprone-use-after-move)
  value.clear();                                    // NOLINT(bugprone-use-after-move)
}

SecretString::~SecretString() { wipe(); }

SecretString::SecretString(SecretString&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }

SecretString& SecretString::operator=(SecretString&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

void SecretString::wipe() {
  OPENSSL_cleanse(value_.data(), value_.capacity());
  value_.clear();
}

Result<SecretString> read_secret_line(std::istream& in, size_t max_bytes) {
  MTG_CHECK(max_bytes > 0);
  SecretString secret;
  secret.value_.reserve(max_bytes + 1);  // one more for a trailing '\r'
  const size_t capacity = secret.value_.capacity();
  bool saw_any = false;
  char c = 0;
  while (in.get(c)) {
    saw_any = true;
    if (c == '\n') break;
    if (secret.value_.size() > max_bytes) {
      return Status::invalid("secret line is longer than " + std::to_string(max_bytes) + " bytes");
    }
    secret.value_.push_back(c);
  }
  MTG_CHECK_MSG(secret.value_.capacity() == capacity, "secret buffer was reallocated");
  if (!secret.value_.empty() && secret.value_.back() == '\r') secret.value_.pop_back();
  if (!saw_any) return Status::invalid("no secret on standard input (end of input)");
  if (secret.value_.size() > max_bytes) {
    return Status::invalid("secret line is longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (secret.value_.empty()) return Status::invalid("the secret line on standard input is empty");
  return secret;
}

bool disable_echo(int fd) {
  if (isatty(fd) != 1) return false;
  termios mode{};
  if (tcgetattr(fd, &mode) != 0) return false;
  mode.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  return tcsetattr(fd, TCSAFLUSH, &mode) == 0;
}

void restore_echo(int fd) {
  termios mode{};
  if (tcgetattr(fd, &mode) != 0) return;
  mode.c_lflag |= ECHO;
  (void)tcsetattr(fd, TCSAFLUSH, &mode);
}

Status disable_core_dumps() {
  const rlimit no_core{0, 0};
  if (setrlimit(RLIMIT_CORE, &no_core) != 0) {
    return Status::io(std::string("setrlimit(RLIMIT_CORE, 0): ") + std::strerror(errno));
  }
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return Status::io(std::string("prctl(PR_SET_DUMPABLE, 0): ") + std::strerror(errno));
  }
  return Status::ok();
}

}  // namespace mtg
