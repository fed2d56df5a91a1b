#include "overview/system_overview.h"

#include <future>
#include <nlohmann/json.hpp>

#include "backend_channel/backend_channel.h"
#include "backup/backup_service.h"
#include "engine/redis_order_store.h"
#include "keys/redis_keys.h"
#include "overview/operator_tables.h"
#include "store/redis/redis_stream.h"
#include "util/check.h"

namespace mtg {
namespace {

// The JSON fields of a stream's payloads that its section shows, in order.
const std::vector<std::string> kResultFields{"uuid", "instance", "status", "filled_volume", "reason", "ts"};
const std::vector<std::string> kEventFields{"id",     "instance", "kind", "symbol", "side",
                                            "volume", "price",    "ref",  "reason", "ts"};
const std::vector<std::string> kNotificationFields{"ts_ms", "severity", "instance", "kind", "message"};

std::string cell_text(const nlohmann::json& value) {
  if (value.is_null()) return "";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// One row per entry (newest first), one cell per field; an entry that is not a JSON
// object shows as "(unreadable)" in its first cell.
Result<Table> latest_table(RedisClient& redis, const std::string& stream, const std::string& field,
                           const std::vector<std::string>& columns) {
  auto entries = latest_stream_entries(redis, stream, field, kLatestEntries);
  if (!entries) return entries.status();
  Table table(columns);
  for (const StreamEntry& e : *entries) {
    auto doc = nlohmann::json::parse(e.payload.value_or(""), nullptr, false);
    std::vector<std::string> row(columns.size());
    if (!doc.is_object()) row[0] = "(unreadable)";
    for (size_t c = 0; doc.is_object() && c < columns.size(); ++c) row[c] = cell_text(doc.value(columns[c], nlohmann::json()));
    table.add(std::move(row));
  }
  MTG_CHECK(table.rows() == entries->size());
  return table;
}

Result<Table> process_table(RedisClient& redis, const std::string& prefix) {
  auto engine = redis.command({"GET", RedisKeys{prefix}.engine_heartbeat()});
  if (!engine) return engine.status();
  auto backend = BackendChannel(redis, prefix).backend_running();
  if (!backend) return backend.status();
  Table table({"process", "state", "detail"});
  table.add({"engine", engine->is_nil() ? "not running" : "running", engine->is_nil() ? "" : engine->str});
  table.add({"backend", *backend ? "running" : "not running", ""});
  MTG_CHECK(table.rows() == 2);
  return table;
}

// The streams' readers and RTS: what waits and what is in progress.
Result<Table> queue_table(RedisClient& redis, const std::string& prefix) {
  const RedisKeys keys{prefix};
  Table table({"queue", "reader", "waiting", "in_progress"});
  for (auto [stream, group] : {std::pair{keys.rtss(), RedisKeys::kEngineGroup},
                               std::pair{keys.rtrs(), RedisKeys::kBackendGroup},
                               std::pair{keys.events(), RedisKeys::kBackendGroup}}) {
    auto info = stream_group_info(redis, stream, group);
    if (!info) {
      table.add({stream, group, "-", "(" + info.status().message() + ")"});
      continue;
    }
    table.add({stream, group, info->lag < 0 ? "?" : std::to_string(info->lag), std::to_string(info->pending)});
  }
  auto open = redis.command({"SCARD", keys.open_orders()});
  if (!open) return open.status();
  table.add({keys.open_orders(), "engine", "-", std::to_string(open->integer)});
  MTG_CHECK(table.rows() == 4);
  return table;
}

Result<Table> all_backups_table(const Config& config, const Clock& clock) {
  backup::BackupEnv env;
  env.config = &config;
  env.clock = &clock;
  backup::BackupService service(env);
  Table table = backup_table();
  for (backup::BackupKind kind : backup::kAllKinds) {
    auto entries = service.list(kind);
    if (!entries) return entries.status();
    for (const backup::BackupEntry& e : *entries) add_backup_row(table, kind, e, clock.now_ms(), false);
  }
  return table;
}

// Every section that reads Redis; each names Redis's error when it is down.
void add_redis_sections(const Config& config, const Clock& clock, std::vector<OverviewSection>& out) {
  const std::string& prefix = config.redis.prefix;
  const RedisKeys keys{prefix};
  auto redis = RedisClient::connect(config.redis);
  auto read = [&](const char* key, const char* title, const std::function<Result<Table>(RedisClient&)>& fn) {
    out.push_back({key, title, redis ? fn(**redis) : Result<Table>(redis.status())});
  };
  read("processes", "Processes", [&](RedisClient& r) { return process_table(r, prefix); });
  read("instances", "Instances", [&](RedisClient& r) { return instance_table(config, r); });
  std::vector<std::string> ids;
  for (const auto& inst : config.instances) ids.push_back(inst.id);
  Result<std::map<std::string, Holdings>> holdings = Status::unavailable("not read");
  if (redis) holdings = RedisOrderStore(**redis, prefix, {}).load_holdings(ids);
  else holdings = redis.status();
  Result<HoldingsTables> held = holdings ? Result<HoldingsTables>(holdings_tables(*holdings, clock.now_ms()))
                                         : Result<HoldingsTables>(holdings.status());
  out.push_back({"positions", "Positions", held ? Result<Table>(held->positions) : Result<Table>(held.status())});
  out.push_back({"orders", "Pending orders", held ? Result<Table>(held->orders) : Result<Table>(held.status())});
  read("queues", "Queues", [&](RedisClient& r) { return queue_table(r, prefix); });
  read("results", "Latest results", [&](RedisClient& r) { return latest_table(r, keys.rtrs(), "result", kResultFields); });
  read("events", "Latest trade events",
       [&](RedisClient& r) { return latest_table(r, keys.events(), "event", kEventFields); });
  read("notifications", "Latest notifications",
       [&](RedisClient& r) { return latest_table(r, keys.notifications(), "notification", kNotificationFields); });
  read("sync", "ClickHouse sync", [&](RedisClient& r) -> Result<Table> {
    auto s = read_sync_status(r, prefix);
    if (!s) return s.status();
    return sync_table(*s);
  });
}

}  // namespace

const OverviewSection& SystemOverview::section(const std::string& key) const {
  for (const auto& s : sections) {
    if (s.key == key) return s;
  }
  MTG_CHECK(false && "not a key of kOverviewKeys");
  return sections.front();
}

SystemOverview gather_overview(const Config& config, const Clock& clock) {
  SystemOverview overview;
  overview.taken_at_ms = clock.now_ms();
  // The store checks wait on four servers: they run beside the Redis sections.
  auto checks = std::async(std::launch::async, [&config] { return check_stores(config); });
  std::vector<OverviewSection> from_redis;
  add_redis_sections(config, clock, from_redis);
  overview.sections.push_back({"stores", "Stores", store_table(checks.get())});
  for (auto& s : from_redis) overview.sections.push_back(std::move(s));
  overview.sections.push_back({"backups", "Backups", all_backups_table(config, clock)});
  MTG_CHECK(overview.sections.size() == std::size(kOverviewKeys));
  for (size_t i = 0; i < overview.sections.size(); ++i) MTG_CHECK(overview.sections[i].key == kOverviewKeys[i]);
  return overview;
}

nlohmann::json sections_json(const std::vector<OverviewSection>& sections) {
  nlohmann::json doc = {{"errors", nlohmann::json::object()}};
  for (const auto& s : sections) {
    doc[s.key] = s.table ? s.table->json() : nlohmann::json::array();
    if (!s.table) doc["errors"][s.key] = s.table.status().to_string();
  }
  MTG_CHECK(doc.size() == sections.size() + 1);
  return doc;
}

nlohmann::json overview_json(const SystemOverview& overview) {
  nlohmann::json doc = sections_json(overview.sections);
  doc["taken_at"] = overview.taken_at_ms;
  return doc;
}

}  // namespace mtg
