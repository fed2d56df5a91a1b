#include "backup/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

#include "util/check.h"

extern char** environ;

namespace mtg::backup {

namespace {

constexpr int64_t kWaitPollMs = 10;

std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string key = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const std::string& x : extra) replaced = replaced || x.rfind(key, 0) == 0;
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// An unlinked temporary file for the child's output, or the named file.
int open_output(const std::string& path) {
  if (!path.empty()) return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const char* tmp = std::getenv("TMPDIR");
  return ::open((tmp != nullptr && tmp[0] != '\0') ? tmp : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const ChildSpec& spec) {
  MTG_CHECK(!spec.argv.empty());
  const int out_fd = open_output(spec.output_path);
  if (out_fd < 0) return Status::io("output file for " + spec.argv[0] + ": " + std::strerror(errno));
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, spec.stdin_fd >= 0 ? spec.stdin_fd : null_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, spec.stdout_fd >= 0 ? spec.stdout_fd : out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDERR_FILENO);
  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = child_environment(spec.extra_env);
  std::vector<char*> argv = c_strings(args);
  std::vector<char*> envp = c_strings(env);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (null_fd >= 0) ::close(null_fd);
  if (rc != 0) {
    ::close(out_fd);
    const std::string msg = "start " + spec.argv[0] + ": " + std::strerror(rc);
    return rc == ENOENT ? Status::not_found(msg) : Status::io(msg);
  }
  // A named output file is the caller's; only a private one is read back.
  if (!spec.output_path.empty()) {
    ::close(out_fd);
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, spec.argv[0], -1));
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, spec.argv[0], out_fd));
}

ChildProcess::~ChildProcess() {
  if (!reaped_) stop(0);
  if (output_fd_ >= 0) ::close(output_fd_);
}

bool ChildProcess::running() {
  if (reaped_) return false;
  const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) reaped_ = true;
  return !reaped_;
}

std::string ChildProcess::read_output_tail() const {
  if (output_fd_ < 0) return "";
  struct stat st{};
  if (::fstat(output_fd_, &st) != 0) return "";
  const off_t start = st.st_size > static_cast<off_t>(kMaxCapturedBytes) ? st.st_size - static_cast<off_t>(kMaxCapturedBytes) : 0;
  std::string text(static_cast<size_t>(st.st_size - start), '\0');
  const ssize_t n = ::pread(output_fd_, text.data(), text.size(), start);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return text;
}

Result<ChildExit> ChildProcess::wait(int64_t timeout_ms) {
  for (int64_t waited_ms = 0; running(); waited_ms += kWaitPollMs) {
    if (waited_ms >= timeout_ms) {
      stop(0);
      return Status::timeout(name_ + " did not finish within " + std::to_string(timeout_ms / 1000) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kWaitPollMs));
  }
  ChildExit exit;
  exit.exit_code = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  exit.output = read_output_tail();
  return exit;
}

void ChildProcess::stop(int64_t grace_ms) {
  if (!running()) return;
  ::kill(pid_, grace_ms > 0 ? SIGTERM : SIGKILL);
  for (int64_t waited_ms = 0; waited_ms < grace_ms && running(); waited_ms += kWaitPollMs) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kWaitPollMs));
  }
  if (running()) ::kill(pid_, SIGKILL);
  if (!reaped_ && ::waitpid(pid_, &status_, 0) == pid_) reaped_ = true;
}

Result<ChildExit> run_child(const ChildSpec& spec, int64_t timeout_ms) {
  auto child = ChildProcess::spawn(spec);
  if (!child) return child.status();
  return (*child)->wait(timeout_ms);
}

Result<ChildExit> run_child_ok(const ChildSpec& spec, int64_t timeout_ms) {
  auto exit = run_child(spec, timeout_ms);
  if (!exit) return exit.status();
  if (exit->exit_code != 0) {
    std::string tail = exit->output;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
    return Status::io(spec.argv[0] + " exited with " + std::to_string(exit->exit_code) + ": " + tail);
  }
  return exit;
}

}  // namespace mtg::backup
