// A child process for integration and chaos tests: the real `mtguard` binary (or any
// program) started with fork/exec, its output in a log file, stopped politely or with
// kill -9. The destructor kills what is still running.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace mtg::testkit {

class Process {
 public:
  // Starts argv[0] with the arguments; stdout and stderr go to log_path (appended).
  Process(std::vector<std::string> argv, std::string log_path);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends SIGTERM and waits up to timeout_ms, then SIGKILL. Returns the exit status.
  int stop(int timeout_ms = 10'000);
  // kill -9, then reaps the child.
  void kill9();
  // Starts the same command again (after stop or kill9).
  void restart();
  const std::string& log_path() const { return log_; }

 private:
  void spawn();
  std::vector<std::string> argv_;
  std::string log_;
  pid_t pid_ = -1;
};

}  // namespace mtg::testkit
