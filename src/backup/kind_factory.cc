// make_kind_handler: the real handler of each kind.
#include "backup/configs_handler.h"
#include "backup/duckdb_handler.h"
#include "backup/kind_handler.h"
#include "backup/postgres_handler.h"
#include "backup/prefs_handler.h"
#include "backup/redis_handler.h"
#include "util/check.h"

namespace mtg::backup {

std::unique_ptr<KindHandler> make_kind_handler(BackupKind kind, const BackupEnv& env) {
  switch (kind) {
    case BackupKind::kRedis: return std::make_unique<RedisHandler>(env);
    case BackupKind::kConfigs: return std::make_unique<ConfigsHandler>(env);
    case BackupKind::kPrefs: return std::make_unique<PrefsHandler>(env);
    case BackupKind::kDuckdb: return std::make_unique<DuckdbHandler>(env);
    case BackupKind::kPostgres: return std::make_unique<PostgresHandler>(env);
  }
  MTG_CHECK_MSG(false, "unknown backup kind");
}

}  // namespace mtg::backup
