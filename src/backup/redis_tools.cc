#include "backup/redis_tools.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <sstream>
#include <thread>

#include "backup/file_util.h"

namespace mtg::backup {

namespace {

constexpr int kScratchStartAttempts = 3;
constexpr size_t kMaxAofFiles = 1'000;
constexpr size_t kMaxRedisLogBytes = 1024 * 1024;

Result<std::string> config_get(RedisClient& redis, const std::string& name) {
  auto reply = redis.command({"CONFIG", "GET", name});
  if (!reply) return reply.status();
  if (reply->elements.size() != 2) return Status::not_found("redis has no setting " + name);
  return reply->elements[1].str;
}

// A TCP port on 127.0.0.1 that was free a moment ago.
Result<int> free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::io("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) return Status::io("no free port on 127.0.0.1");
  return static_cast<int>(ntohs(addr.sin_port));
}

// The number captured by `pattern` (one group) in `log`, -1 when absent.
int64_t log_count(const std::string& log, const std::string& pattern) {
  const std::regex re(pattern);
  std::smatch m;
  return std::regex_search(log, m, re) ? std::stoll(m[1].str()) : -1;
}

Result<RdbLoad> try_scratch_server(const std::string& dir) {
  auto port = free_port();
  if (!port) return port.status();
  ChildSpec spec;
  spec.argv = {"redis-server", "--port", std::to_string(*port), "--bind", "127.0.0.1", "--dir", dir,
               "--dbfilename", "dump.rdb", "--appendonly", "no", "--save", "", "--daemonize", "no",
               "--protected-mode", "yes", "--logfile", dir + "/redis.log"};
  auto server = ChildProcess::spawn(spec);
  if (!server) return server.status();
  RedisConfig config;
  config.port = *port;
  std::unique_ptr<RedisClient> redis;
  for (int64_t waited_ms = 0; redis == nullptr; waited_ms += kRedisPollMs) {
    if (!(*server)->running() || waited_ms > kRedisReadyTimeoutMs) {
      return Status::unavailable("scratch redis-server on port " + std::to_string(*port) + " did not start");
    }
    auto client = RedisClient::connect(config);
    if (client && (*client)->ping().is_ok()) redis = std::move(client).value();
    else std::this_thread::sleep_for(std::chrono::milliseconds(kRedisPollMs));
  }
  auto dbsize = redis->command({"DBSIZE"});
  (*server)->stop(0);
  if (!dbsize) return dbsize.status();
  RdbLoad load;
  load.dbsize = dbsize->integer;
  auto log = read_small_file(dir + "/redis.log", kMaxRedisLogBytes);
  if (log) {
    load.keys_loaded = log_count(*log, "keys loaded: ([0-9]+)");
    load.keys_expired = log_count(*log, "keys expired: ([0-9]+)");
  }
  return load;
}

}  // namespace

Result<RedisFiles> query_redis_files(RedisClient& redis) {
  RedisFiles files;
  auto dir = config_get(redis, "dir");
  if (!dir) return dir.status();
  files.dir = *dir;
  auto db = config_get(redis, "dbfilename");
  if (!db) return db.status();
  files.dbfilename = *db;
  auto aof = config_get(redis, "appendonly");
  if (!aof) return aof.status();
  files.appendonly = *aof == "yes";
  auto aof_dir = config_get(redis, "appenddirname");
  if (aof_dir) files.appenddirname = *aof_dir;
  return files;
}

std::string info_field(const std::string& info, const std::string& field) {
  std::istringstream lines(info);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(field + ":", 0) == 0) return line.substr(field.size() + 1);
  }
  return "";
}

Result<std::vector<std::string>> aof_manifest_files(const std::string& manifest_text) {
  std::vector<std::string> files;
  std::istringstream lines(manifest_text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string key;
    std::string name;
    if (!(words >> key >> name) || key != "file") continue;
    if (name.find('/') != std::string::npos || name == "." || name == "..") {
      return Status::corruption("AOF manifest names a file outside its directory: " + name);
    }
    if (files.size() >= kMaxAofFiles) return Status::corruption("AOF manifest lists too many files");
    files.push_back(name);
  }
  if (files.empty()) return Status::corruption("AOF manifest lists no files");
  return files;
}

Result<int64_t> check_rdb(const std::string& rdb_path) {
  auto exit = run_child({{"redis-check-rdb", rdb_path}, {}, -1, -1, ""}, kRedisToolTimeoutMs);
  if (!exit) return exit.status();
  if (exit->exit_code != 0) return Status::corruption("redis-check-rdb " + rdb_path + ": " + exit->output);
  const int64_t keys = log_count(exit->output, R"(\[info\] ([0-9]+) keys read)");
  if (keys < 0) return Status::corruption("redis-check-rdb " + rdb_path + " reported no key count");
  return keys;
}

Status check_aof(const std::string& manifest_path) {
  auto exit = run_child({{"redis-check-aof", manifest_path}, {}, -1, -1, ""}, kRedisToolTimeoutMs);
  if (!exit) return exit.status();
  if (exit->exit_code != 0) return Status::corruption("redis-check-aof " + manifest_path + ": " + exit->output);
  return Status::ok();
}

Status wait_redis_ready(const RedisConfig& config, int64_t timeout_ms) {
  Status last = Status::unavailable("not tried");
  for (int64_t waited_ms = 0; waited_ms <= timeout_ms; waited_ms += kRedisPollMs) {
    auto redis = RedisClient::connect(config);
    if (redis) {
      last = (*redis)->ping();
      if (last.is_ok()) return last;
    } else {
      last = redis.status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kRedisPollMs));
  }
  return Status::timeout("redis " + config.host + ":" + std::to_string(config.port) + " not ready: " + last.message());
}

Status wait_redis_down(const RedisConfig& config, int64_t timeout_ms) {
  for (int64_t waited_ms = 0; waited_ms <= timeout_ms; waited_ms += kRedisPollMs) {
    auto redis = RedisClient::connect(config);
    if (!redis || !(*redis)->ping().is_ok()) return Status::ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(kRedisPollMs));
  }
  return Status::timeout("redis " + config.host + ":" + std::to_string(config.port) + " is still up");
}

Result<RdbLoad> load_rdb_in_scratch_server(const std::string& dir) {
  Status last;
  for (int attempt = 0; attempt < kScratchStartAttempts; ++attempt) {  // the free port may be taken meanwhile
    auto load = try_scratch_server(dir);
    if (load || load.status().code() != Code::kUnavailable) return load;
    last = load.status();
  }
  return last;
}

}  // namespace mtg::backup
