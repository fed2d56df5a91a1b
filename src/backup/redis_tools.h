// Helpers of the `redis` kind: INFO fields, the Redis 7 multi-part AOF manifest,
// redis-check-rdb/aof, and a private scratch redis-server for restore drills.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backup/child_process.h"
#include "store/redis/redis_client.h"
#include "util/status.h"

namespace mtg::backup {

inline constexpr int64_t kRedisToolTimeoutMs = 600'000;
inline constexpr int64_t kRedisReadyTimeoutMs = 120'000;
inline constexpr int64_t kRedisPollMs = 50;

// Where a running Redis keeps its files (CONFIG GET dir/dbfilename/appendonly/appenddirname).
struct RedisFiles {
  std::string dir;
  std::string dbfilename = "dump.rdb";
  bool appendonly = false;
  std::string appenddirname = "appendonlydir";
};

Result<RedisFiles> query_redis_files(RedisClient& redis);

// The value of `field` in an INFO reply ("rdb_saves:3\r\n" -> "3"), "" when absent.
std::string info_field(const std::string& info, const std::string& field);

// The file names an AOF manifest lists ("file appendonly.aof.2.base.rdb seq 2 type b").
Result<std::vector<std::string>> aof_manifest_files(const std::string& manifest_text);

// redis-check-rdb on `rdb_path`; returns the number of keys it read. kCorruption with
// the tool's output when it fails.
Result<int64_t> check_rdb(const std::string& rdb_path);

// redis-check-aof on a multi-part AOF manifest. kCorruption with its output on failure.
Status check_aof(const std::string& manifest_path);

// Waits (at most timeout_ms) until a Redis answers PING (not -LOADING).
Status wait_redis_ready(const RedisConfig& config, int64_t timeout_ms);

// Waits (at most timeout_ms) until nothing answers at config's address.
Status wait_redis_down(const RedisConfig& config, int64_t timeout_ms);

// What a scratch redis-server found when it loaded an RDB.
struct RdbLoad {
  int64_t dbsize = 0;
  int64_t keys_loaded = -1;   // from its log, -1 when not logged
  int64_t keys_expired = -1;
};

// Loads `dir`/dump.rdb in a private redis-server on 127.0.0.1 (a free port, no AOF,
// no saving), reads DBSIZE and its load counts, then kills it.
Result<RdbLoad> load_rdb_in_scratch_server(const std::string& dir);

}  // namespace mtg::backup
