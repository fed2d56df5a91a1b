// External programs the backups need (pg_dump, pg_restore, redis-check-rdb,
// redis-check-aof, redis-server) started with posix_spawn, never through a shell
// unless the operator configured a shell command (redis_start_command).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "util/status.h"

namespace mtg::backup {

// Bytes of a child's output kept for error messages (the tail).
inline constexpr size_t kMaxCapturedBytes = 16 * 1024;
inline constexpr int64_t kDefaultChildTimeoutMs = 600'000;

struct ChildSpec {
  std::vector<std::string> argv;       // argv[0] is looked up in PATH
  std::vector<std::string> extra_env;  // "KEY=value", added to (or replacing in) the environment
  int stdin_fd = -1;                   // -1: /dev/null
  int stdout_fd = -1;                  // -1: into the captured output (with stderr)
  std::string output_path;             // "": a private temporary file; else stdout/stderr append here
};

struct ChildExit {
  int exit_code = -1;   // exit status, or 128 + signal
  std::string output;   // the last kMaxCapturedBytes of the captured output
};

// A started child. The destructor kills (SIGKILL) and reaps one that still runs.
class ChildProcess {
 public:
  // Starts the program; kNotFound when it does not exist, kIoError otherwise.
  static Result<std::unique_ptr<ChildProcess>> spawn(const ChildSpec& spec);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True while the child has not exited.
  bool running();
  // Waits for the exit, at most timeout_ms; then kills it and returns kTimeout.
  Result<ChildExit> wait(int64_t timeout_ms);
  // SIGTERM, then SIGKILL after grace_ms; reaps.
  void stop(int64_t grace_ms);

 private:
  ChildProcess(pid_t pid, std::string name, int output_fd) : pid_(pid), name_(std::move(name)), output_fd_(output_fd) {}
  std::string read_output_tail() const;

  pid_t pid_;
  std::string name_;
  int output_fd_;  // the captured output file (unlinked), -1 when none
  int status_ = 0;
  bool reaped_ = false;
};

// Runs a program to completion (at most timeout_ms) and returns its exit and output.
Result<ChildExit> run_child(const ChildSpec& spec, int64_t timeout_ms = kDefaultChildTimeoutMs);

// run_child, then kIoError "<program> exited with N: <output tail>" unless it exited 0.
Result<ChildExit> run_child_ok(const ChildSpec& spec, int64_t timeout_ms = kDefaultChildTimeoutMs);

}  // namespace mtg::backup
