#include "engine/recovery_command.h"

#include <spawn.h>
#include <cstring>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <vector>

extern char** environ;

namespace mtg {

RecoveryCommands::~RecoveryCommands() { reap(); }

void RecoveryCommands::run(const std::string& instance) {
  const InstanceConfig* inst = config_.find_instance(instance);
  if (inst == nullptr || inst->recovery_command.empty() || running_.count(instance) != 0) return;
  std::string env_instance = "MTG_INSTANCE=" + instance;
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  env.push_back(env_instance.data());
  env.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", command = inst->recovery_command;
  char* argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};
  pid_t pid = -1;
  const int err = posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, env.data());
  if (err != 0) {
    spdlog::error("engine: recovery command of {} could not start: {}", instance, std::strerror(err));
    return;
  }
  running_[instance] = pid;
  spdlog::warn("engine: recovery command of {} started (pid {})", instance, pid);
}

void RecoveryCommands::reap() {
  for (auto it = running_.begin(); it != running_.end();) {
    int status = 0;
    if (waitpid(it->second, &status, WNOHANG) == it->second) {
      spdlog::info("engine: recovery command of {} ended with status {}", it->first,
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace mtg
