// Errors as values. Every fallible call at a module boundary returns a Status or a
// Result<T>; no exception crosses a module boundary. A Status keeps the underlying
// store's own message so operators see what Redis/PostgreSQL/ClickHouse/DuckDB said.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace mtg {

enum class Code {
  kOk = 0,
  kInvalidArgument,  // bad input from a user, a producer or a peer
  kNotFound,
  kAlreadyExists,
  kCorruption,       // checksums, authentication tags or formats do not match
  kIoError,          // a file, socket or server call failed
  kUnavailable,      // a server is down or unreachable; retrying may help
  kTimeout,
  kFailedPrecondition,
  kInternal,
};

// Name of a code, e.g. "io error".
const char* code_name(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status invalid(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status not_found(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status exists(std::string msg) { return Status(Code::kAlreadyExists, std::move(msg)); }
  static Status corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status io(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status timeout(std::string msg) { return Status(Code::kTimeout, std::move(msg)); }
  static Status precondition(std::string msg) { return Status(Code::kFailedPrecondition, std::move(msg)); }
  static Status internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "io error: connect 127.0.0.1:6379: Connection refused"
  std::string to_string() const;
  // The same status with "context: " in front of its message.
  Status with_context(const std::string& context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none. Never holds an ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).is_ok() && "Result built from an ok Status");
  }

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }

  // Precondition: is_ok().
  T& value() & { assert(is_ok()); return std::get<T>(v_); }
  const T& value() const& { assert(is_ok()); return std::get<T>(v_); }
  T&& value() && { assert(is_ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The error; Status::ok() when a value is held.
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace mtg

// Returns the status from the enclosing function when it is not ok.
#define MTG_RETURN_IF_ERROR(expr)                 \
  do {                                            \
    ::mtg::Status mtg_status_ = (expr);           \
    if (!mtg_status_.is_ok()) return mtg_status_; \
  } while (0)
