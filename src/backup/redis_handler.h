// The `redis` kind: BGSAVE, wait until INFO persistence shows it finished OK, copy the
// RDB and (with appendonly) the Redis 7 multi-part AOF directory. Drill: redis-check-rdb,
// redis-check-aof, and the RDB loaded in a private scratch redis-server whose key
// counts must match the manifest. Restore: SHUTDOWN NOSAVE, files moved aside and
// replaced, backup.redis_start_command, PING, then "reconcile-redis" to the backend.
#pragma once

#include "backup/kind_handler.h"
#include "backup/redis_tools.h"

namespace mtg::backup {

inline constexpr int64_t kBgsaveTimeoutMs = 600'000;
inline constexpr int kAofCopyAttempts = 3;
inline constexpr const char* kRdbPayload = "dump.rdb";
inline constexpr const char* kAofFolder = "aof";

class RedisHandler final : public KindHandler {
 public:
  explicit RedisHandler(const BackupEnv& env) : env_(env) {}
  Status take(const std::string& dir, Manifest& manifest) override;
  Result<std::string> drill(const BackupEntry& entry, const std::string& scratch) override;
  Status restore(const BackupEntry& entry, const std::string& scratch) override;

 private:
  Status bgsave(RedisClient& redis);
  // Copies the AOF manifest and its files into dir/aof until a copy passes redis-check-aof.
  Status copy_aof(const RedisFiles& files, const std::string& dir, Manifest& manifest);
  Status copy_aof_once(const std::string& aof_dir, const std::string& dest, std::vector<std::string>& names);
  Status put_files_in_place(const BackupEntry& entry, const RedisFiles& files);
  Status start_redis();

  BackupEnv env_;
};

}  // namespace mtg::backup
