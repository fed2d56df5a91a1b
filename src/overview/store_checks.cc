#include "overview/store_checks.h"

#include "backend_channel/backend_channel.h"
#include "store/clickhouse/clickhouse_client.h"
#include "store/duckdb/duckdb_database.h"
#include "store/postgres/pg_client.h"
#include "store/redis/redis_client.h"
#include "store/redis/redis_server_info.h"
#include "util/check.h"

namespace mtg {
namespace {

template <typename Client>
Result<std::string> version_of(Result<std::unique_ptr<Client>> client) {
  if (!client) return client.status();
  return (*client)->server_version();
}

// The backend's heartbeat in Redis: kNotFound when no backend runs.
Result<BackendHeartbeat> backend_heartbeat(const Config& config) {
  auto redis = RedisClient::connect(config.redis);
  if (!redis) return redis.status();
  return BackendChannel(**redis, config.redis.prefix).heartbeat();
}

// The server's version and how it persists what it acknowledges; an error when that is
// less than [redis] durability promises. A server that refuses CONFIG is not judged.
Result<std::string> redis_version(const Config& config) {
  auto redis = RedisClient::connect(config.redis);
  if (!redis) return redis.status();
  auto version = (*redis)->server_version();
  if (!version) return version;
  auto persistence = read_persistence(**redis);
  if (!persistence) return *version + " (appendfsync unknown: " + persistence.status().message() + ")";
  MTG_RETURN_IF_ERROR(check_durability(*persistence, config.redis.durability));
  return *version + " (appendfsync " + persistence->appendfsync + ")";
}

// DuckDB admits one process: while the backend holds the file, it vouches for it
// through its heartbeat in Redis, which also says whether a refill is under way. The
// file is only ever opened read-only here: a missing file stays missing, for the
// backend creates it (first start) or restores the latest snapshot (a lost file).
Result<std::string> duckdb_version(const Config& config) {
  auto db = DuckDatabase::open_read_only(config.duckdb.path);
  if (db) return (*db)->server_version();
  const Code code = db.status().code();
  if (code != Code::kUnavailable && code != Code::kNotFound) return db.status();
  MTG_CHECK(code == Code::kUnavailable || code == Code::kNotFound);
  auto beat = backend_heartbeat(config);
  if (code == Code::kNotFound) {
    if (beat) return Status::not_found("the running backend's file is gone from " + config.duckdb.path);
    return std::string(DuckDatabase::kLibraryVersion) + " (no file yet: the backend creates it or restores it)";
  }
  if (!beat) return Status::unavailable("file locked by another process and no backend heartbeat");
  if (!beat->refill_pending) return beat->duckdb_version + " (held by backend)";
  if (!beat->refill) return beat->duckdb_version + " (held by backend, refilling)";
  return beat->duckdb_version + " (held by backend, refilling: " + beat->refill->describe({}, 0) + ")";
}

}  // namespace

std::vector<StoreCheck> check_stores(const Config& c) {
  std::vector<StoreCheck> checks;
  checks.push_back({"redis", c.redis.host + ":" + std::to_string(c.redis.port), redis_version(c)});
  checks.push_back({"postgres", c.postgres.host + ":" + std::to_string(c.postgres.port),
                    version_of(PgClient::connect(c.postgres))});
  checks.push_back({"clickhouse", c.clickhouse.host + ":" + std::to_string(c.clickhouse.http_port),
                    version_of(ClickHouseClient::create(c.clickhouse))});
  checks.push_back({"duckdb", c.duckdb.path, duckdb_version(c)});
  MTG_CHECK(checks.size() == kCheckedStores);
  return checks;
}

}  // namespace mtg
