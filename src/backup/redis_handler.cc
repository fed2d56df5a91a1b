#include "backup/redis_handler.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "backend_channel/backend_channel.h"
#include "backup/file_util.h"
#include "util/check.h"

namespace mtg::backup {

namespace fs = std::filesystem;

namespace {

constexpr const char* kAofManifestSuffix = ".manifest";
constexpr size_t kMaxAofManifestBytes = 64 * 1024;
constexpr int64_t kShutdownWaitMs = 60'000;

// The *.manifest file of an AOF directory.
Result<std::string> aof_manifest_name(const std::string& aof_dir) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(aof_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 9 && name.ends_with(kAofManifestSuffix)) return name;
  }
  return Status::not_found("no AOF manifest in " + aof_dir);
}

Result<std::string> persistence_info(RedisClient& redis) {
  auto info = redis.command({"INFO", "persistence"});
  if (!info) return info.status();
  return info->str;
}

RedisFiles files_from_manifest(const Manifest& m) {
  RedisFiles files;
  files.dir = m.source.value("dir", "");
  files.dbfilename = m.source.value("dbfilename", "dump.rdb");
  files.appenddirname = m.source.value("appenddirname", "appendonlydir");
  files.appendonly = m.facts.value("aof", false);
  return files;
}

}  // namespace

Status RedisHandler::bgsave(RedisClient& redis) {
  auto before = persistence_info(redis);
  if (!before) return before.status();
  const std::string saves_before = info_field(*before, "rdb_saves");
  bool started = false;
  for (int64_t waited_ms = 0; waited_ms <= kBgsaveTimeoutMs; waited_ms += kRedisPollMs) {
    if (!started) {
      auto r = redis.command({"BGSAVE", "SCHEDULE"});
      started = r.is_ok();  // "already in progress" errors: retry after it finished
    }
    auto info = persistence_info(redis);
    if (!info) return info.status();
    const bool idle = info_field(*info, "rdb_bgsave_in_progress") == "0";
    if (started && idle && info_field(*info, "rdb_saves") != saves_before) {
      if (info_field(*info, "rdb_last_bgsave_status") != "ok") return Status::io("redis BGSAVE failed (see its log)");
      return Status::ok();
    }
    if (env_.progress) env_.progress("waiting for BGSAVE", waited_ms / 1000, -1);
    std::this_thread::sleep_for(std::chrono::milliseconds(kRedisPollMs));
  }
  return Status::timeout("redis BGSAVE did not finish within " + std::to_string(kBgsaveTimeoutMs / 1000) + " s");
}

Status RedisHandler::copy_aof_once(const std::string& aof_dir, const std::string& dest,
                                   std::vector<std::string>& names) {
  auto manifest_name = aof_manifest_name(aof_dir);
  if (!manifest_name) return manifest_name.status();
  auto text = read_small_file(aof_dir + "/" + *manifest_name, kMaxAofManifestBytes);
  if (!text) return text.status();
  auto listed = aof_manifest_files(*text);
  if (!listed) return listed.status();
  std::error_code ec;
  fs::remove_all(dest, ec);
  fs::create_directories(dest, ec);
  if (ec) return Status::io("create " + dest + ": " + ec.message());
  for (const std::string& name : *listed) {
    auto copied = copy_file_hashed(aof_dir + "/" + name, dest + "/" + name, env_.progress);
    if (!copied) return copied.status();
  }
  MTG_RETURN_IF_ERROR(replace_durably(dest + "/" + *manifest_name, *text, 0600));
  auto again = read_small_file(aof_dir + "/" + *manifest_name, kMaxAofManifestBytes);
  if (!again || *again != *text) return Status::unavailable("the AOF was rewritten during the copy");
  names = *listed;
  names.push_back(*manifest_name);
  return check_aof(dest + "/" + *manifest_name);
}

Status RedisHandler::copy_aof(const RedisFiles& files, const std::string& dir, Manifest& manifest) {
  const std::string aof_dir = files.dir + "/" + files.appenddirname;
  std::vector<std::string> names;
  Status s;
  for (int attempt = 0; attempt < kAofCopyAttempts; ++attempt) {  // a torn last command: copy again
    s = copy_aof_once(aof_dir, dir + "/" + kAofFolder, names);
    if (s.is_ok()) break;
  }
  MTG_RETURN_IF_ERROR(s);
  nlohmann::json listed = nlohmann::json::array();
  for (const std::string& name : names) {
    MTG_RETURN_IF_ERROR(add_manifest_file(manifest, dir, std::string(kAofFolder) + "/" + name));
    listed.push_back(name);
  }
  manifest.facts["aof_files"] = listed;
  return Status::ok();
}

Status RedisHandler::take(const std::string& dir, Manifest& manifest) {
  const Config& config = *env_.config;
  auto redis = RedisClient::connect(config.redis);
  if (!redis) return redis.status();
  auto files = query_redis_files(**redis);
  if (!files) return files.status();
  MTG_RETURN_IF_ERROR(bgsave(**redis));
  auto rdb = copy_file_hashed(files->dir + "/" + files->dbfilename, dir + "/" + kRdbPayload, env_.progress);
  if (!rdb) return rdb.status();
  auto keys = check_rdb(dir + "/" + kRdbPayload);
  if (!keys) return keys.status();
  manifest.source = {{"host", config.redis.host}, {"port", config.redis.port}, {"dir", files->dir},
                     {"dbfilename", files->dbfilename}, {"appenddirname", files->appenddirname}};
  manifest.facts = {{"rdb_keys", *keys}, {"aof", files->appendonly}};
  MTG_RETURN_IF_ERROR(add_manifest_file(manifest, dir, kRdbPayload));
  if (files->appendonly) MTG_RETURN_IF_ERROR(copy_aof(*files, dir, manifest));
  manifest.raw_bytes = manifest.stored_bytes;
  return Status::ok();
}

Result<std::string> RedisHandler::drill(const BackupEntry& entry, const std::string& scratch) {
  MTG_CHECK(entry.manifest.has_value());
  const Manifest& m = *entry.manifest;
  const int64_t expected = m.facts.value("rdb_keys", int64_t{-1});
  auto keys = check_rdb(entry.path + "/" + kRdbPayload);
  if (!keys) return keys.status();
  std::string detail = "redis-check-rdb ok";
  if (m.facts.value("aof", false)) {
    auto manifest_name = aof_manifest_name(entry.path + "/" + kAofFolder);
    if (!manifest_name) return Status::corruption(manifest_name.status().message());
    MTG_RETURN_IF_ERROR(check_aof(entry.path + "/" + kAofFolder + "/" + *manifest_name));
    detail += ", redis-check-aof ok";
  }
  auto copied = copy_file_hashed(entry.path + "/" + kRdbPayload, scratch + "/dump.rdb");
  if (!copied) return copied.status();
  auto load = load_rdb_in_scratch_server(scratch);
  if (!load) return load.status();
  const bool counts_match = load->keys_loaded == load->dbsize && load->keys_loaded + load->keys_expired == expected;
  if (*keys != expected || !counts_match) {
    return Status::corruption(entry.path + ": manifest says " + std::to_string(expected) + " keys; the RDB holds " +
                              std::to_string(*keys) + ", a scratch redis-server loaded " +
                              std::to_string(load->keys_loaded) + " (+" + std::to_string(load->keys_expired) +
                              " expired), DBSIZE " + std::to_string(load->dbsize));
  }
  return detail + ", scratch redis-server loaded " + std::to_string(load->dbsize) + " keys (+" +
         std::to_string(load->keys_expired) + " expired) = manifest";
}

Status RedisHandler::put_files_in_place(const BackupEntry& entry, const RedisFiles& files) {
  const int64_t now_ms = env_.clock->now_ms();
  const std::string rdb = files.dir + "/" + files.dbfilename;
  auto aside = move_aside(rdb, "pre-restore", now_ms);
  if (!aside) return aside.status();
  auto copied = copy_file_hashed(entry.path + "/" + kRdbPayload, rdb, env_.progress);
  if (!copied) return copied.status();
  const std::string aof_dir = files.dir + "/" + files.appenddirname;
  auto aof_aside = move_aside(aof_dir, "pre-restore", now_ms);
  if (!aof_aside) return aof_aside.status();
  if (!entry.manifest->facts.value("aof", false)) return FileSystem::real().sync_dir(files.dir);
  std::error_code ec;
  fs::create_directories(aof_dir, ec);
  if (ec) return Status::io("create " + aof_dir + ": " + ec.message());
  for (const std::string name : entry.manifest->facts.at("aof_files")) {
    auto aof = copy_file_hashed(entry.path + "/" + kAofFolder + "/" + name, aof_dir + "/" + name, env_.progress);
    if (!aof) return aof.status();
  }
  MTG_RETURN_IF_ERROR(FileSystem::real().sync_dir(aof_dir));
  return FileSystem::real().sync_dir(files.dir);
}

Status RedisHandler::start_redis() {
  const std::string& command = env_.config->backup.redis_start_command;
  if (command.empty()) {
    return Status::precondition("files are in place; backup.redis_start_command is empty: start Redis yourself");
  }
  auto started = run_child_ok({{"/bin/sh", "-c", command}, {}, -1, -1, ""}, kRedisReadyTimeoutMs);
  if (!started) return started.status().with_context("redis_start_command");
  return wait_redis_ready(env_.config->redis, kRedisReadyTimeoutMs);
}

Status RedisHandler::restore(const BackupEntry& entry, const std::string& /*scratch*/) {
  MTG_CHECK(entry.manifest.has_value());
  const Config& config = *env_.config;
  RedisFiles files = files_from_manifest(*entry.manifest);
  if (auto redis = RedisClient::connect(config.redis); redis && (*redis)->ping().is_ok()) {
    auto live = query_redis_files(**redis);
    if (!live) return live.status();
    files.dir = live->dir;
    files.dbfilename = live->dbfilename;
    files.appenddirname = live->appenddirname;
    (void)(*redis)->command({"SHUTDOWN", "NOSAVE"});  // the connection drops: no reply
  }
  MTG_RETURN_IF_ERROR(wait_redis_down(config.redis, kShutdownWaitMs));
  if (files.dir.empty()) return Status::precondition("the backup does not say where Redis keeps its files");
  MTG_RETURN_IF_ERROR(put_files_in_place(entry, files));
  MTG_RETURN_IF_ERROR(start_redis());
  auto redis = RedisClient::connect(config.redis);
  // Best effort: the backend re-asserts what the restored data may lack.
  if (redis) (void)BackendChannel(**redis, config.redis.prefix).send(BackendVerb::kReconcileRedis);
  return Status::ok();
}

}  // namespace mtg::backup
