#include "backend_channel/backend_liveness.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/check.h"

namespace mtg {
namespace {

// A renewal must end well within a lease's life.
constexpr int kRenewTimeoutMs = 1'000;
constexpr int kStartTimeField = 22;  // proc(5): starttime, in clock ticks after boot

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string pid_namespace_of(const std::string& proc_dir) {
  std::error_code ec;
  const auto target = std::filesystem::read_symlink(proc_dir + "/ns/pid", ec);
  return ec ? std::string() : target.string();
}

// The start time of a live, non-zombie process from /proc/<pid>/stat; nullopt when
// there is no such process (or it is a zombie).
std::optional<int64_t> start_ticks_of(int64_t pid) {
  const std::string stat = first_line("/proc/" + std::to_string(pid) + "/stat");
  const size_t name_end = stat.rfind(')');  // the command name may hold spaces and ')'
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string field;
  for (int i = 3; i <= kStartTimeField && fields >> field; ++i) {
    if (i == 3 && field == "Z") return std::nullopt;
    if (i == kStartTimeField) return std::stoll(field);
  }
  return std::nullopt;
}

}  // namespace

Result<ProcessIdentity> ProcessIdentity::self() {
  ProcessIdentity id;
  id.boot_id = first_line("/proc/sys/kernel/random/boot_id");
  id.pid_namespace = pid_namespace_of("/proc/self");
  id.pid = getpid();
  auto start = start_ticks_of(id.pid);
  if (id.boot_id.empty() || id.pid_namespace.empty() || !start) {
    return Status::unavailable("cannot read this process's identity from /proc");
  }
  id.start_ticks = *start;
  return id;
}

std::string ProcessIdentity::to_json() const {
  return nlohmann::json{{"boot_id", boot_id}, {"pid_ns", pid_namespace}, {"pid", pid}, {"start", start_ticks}}.dump();
}

Result<ProcessIdentity> ProcessIdentity::from_json(const std::string& text) {
  const auto bad = [&text](const std::string& why) {
    return Status::corruption("backend liveness lease '" + text.substr(0, 200) + "': " + why);
  };
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return bad("not JSON");
  ProcessIdentity id;
  try {
    id.boot_id = j.at("boot_id").get<std::string>();
    id.pid_namespace = j.at("pid_ns").get<std::string>();
    id.pid = j.at("pid").get<int64_t>();
    id.start_ticks = j.at("start").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
  if (id.pid <= 0) return bad("pid must be positive");
  return id;
}

std::optional<bool> local_process_alive(const ProcessIdentity& id) {
  MTG_CHECK(id.pid > 0);
  static const std::string our_boot = first_line("/proc/sys/kernel/random/boot_id");
  static const std::string our_namespace = pid_namespace_of("/proc/self");
  if (id.boot_id != our_boot || id.pid_namespace != our_namespace) return std::nullopt;
  const auto start = start_ticks_of(id.pid);
  return start && *start == id.start_ticks;
}

bool lease_vouches(const std::optional<std::string>& value) {
  if (!value) return false;
  auto id = ProcessIdentity::from_json(*value);
  if (!id) return false;
  return local_process_alive(*id).value_or(true);
}

LivenessLease::LivenessLease(const RedisConfig& config, BackendKeys keys) : keys_(std::move(keys)) {
  auto self = ProcessIdentity::self();
  MTG_CHECK_MSG(self.is_ok(), self.status().to_string().c_str());  // Linux with /proc is a requirement
  RedisConfig quick = config;
  quick.connect_timeout_ms = std::min(quick.connect_timeout_ms, kRenewTimeoutMs);
  quick.command_timeout_ms = std::min(quick.command_timeout_ms, kRenewTimeoutMs);
  thread_ = std::thread([this, quick, value = self->to_json()] { run(quick, value); });
}

LivenessLease::~LivenessLease() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LivenessLease::run(RedisConfig config, std::string value) {
  std::unique_ptr<RedisClient> redis;
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    if (redis == nullptr) {
      auto connected = RedisClient::connect(config);
      if (connected) redis = std::move(connected).value();
    }
    if (redis != nullptr) (void)redis->command({"SET", keys_.alive(), value, "PX", std::to_string(kAliveTtlMs)});
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(kAliveRenewMs), [this] { return stop_; });
  }
  lock.unlock();
  // Only our own lease: a second backend started by mistake keeps its own.
  if (redis != nullptr) {
    (void)redis->command({"EVAL", "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end",
                          "1", keys_.alive(), value});
  }
}

}  // namespace mtg
