#include "overview/operator_tables.h"

#include <fmt/format.h>

#include "backup/backup_scheduler.h"
#include "engine/redis_order_store.h"
#include "keys/redis_keys.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr size_t kShortShaChars = 12;
constexpr int64_t kMsPerMinute = 60'000;
constexpr int64_t kMsPerHour = 60 * kMsPerMinute;

std::string price_text(double price) { return price > 0 ? fmt::format("{:g}", price) : "-"; }

// "4.2 s", "17 min", "3.5 h": how long ago, for a reader.
std::string age_text(int64_t age_ms) {
  if (age_ms < kMsPerMinute) return fmt::format("{:.1f} s", static_cast<double>(age_ms) / 1000.0);
  if (age_ms < kMsPerHour) return fmt::format("{} min", age_ms / kMsPerMinute);
  return fmt::format("{:.1f} h", static_cast<double>(age_ms) / static_cast<double>(kMsPerHour));
}

std::string reported_text(const Holdings& h, int64_t now_ms) {
  const std::string age = h.reported_at_ms > 0 ? age_text(now_ms - h.reported_at_ms) + " ago" : "-";
  return h.truncated ? age + " (truncated)" : age;
}

std::string verified_text(const backup::BackupEntry& e) {
  if (!e.manifest) return "bad manifest";
  if (e.manifest->verified_at_ms == 0) return "never";
  return e.manifest->verified ? "yes" : "FAILED";
}

}  // namespace

Table store_table(const std::vector<StoreCheck>& checks) {
  Table stores({"store", "address", "version", "state"});
  for (const auto& check : checks) {
    const bool ok = check.version.is_ok();
    stores.add({check.store, check.address, ok ? *check.version : "-",
                ok ? "ok" : "error: " + check.version.status().to_string()});
  }
  MTG_CHECK(stores.rows() == checks.size());
  return stores;
}

Result<Table> instance_table(const Config& config, RedisClient& redis) {
  RedisOrderStore store(redis, config.redis.prefix, {});
  auto states = store.load_instances();
  if (!states) return states.status();
  Table table({"instance", "enabled", "connected", "broker", "attempts", "reason"});
  for (const auto& inst : config.instances) {
    MTG_CHECK(!inst.id.empty());  // a validated configuration
    InstanceState s;
    s.id = inst.id;
    s.enabled = inst.enabled;
    for (const auto& saved : *states) {
      if (saved.id == inst.id) s = saved;
    }
    MTG_CHECK(s.id == inst.id);
    table.add({s.id, s.enabled ? "yes" : "no", s.connected ? "yes" : "no",
               s.broker_connected ? "up" : "down", std::to_string(s.attempts), s.reason});
  }
  MTG_CHECK(table.rows() == config.instances.size());
  return table;
}

HoldingsTables holdings_tables(const std::map<std::string, Holdings>& holdings, int64_t now_ms) {
  HoldingsTables t{
      Table({"instance", "ticket", "symbol", "side", "volume", "open_price", "sl", "tp", "ref", "reported"}),
      Table({"instance", "ticket", "symbol", "side", "type", "volume", "price", "stop_limit_price", "sl", "tp",
             "expiration", "ref", "reported"})};
  size_t expected_rows = 0;
  for (const auto& [id, h] : holdings) {
    const std::string reported = reported_text(h, now_ms);
    for (const Position& p : h.positions) {
      t.positions.add({id, std::to_string(p.ticket), p.symbol, p.side == Side::kBuy ? "long" : "short",
                       fmt::format("{:g}", p.volume), price_text(p.price), price_text(p.sl), price_text(p.tp),
                       p.ref.empty() ? "-" : p.ref, reported});
    }
    for (const PendingOrder& o : h.orders) {
      t.orders.add({id, std::to_string(o.ticket), o.symbol, side_name(o.side), order_type_name(o.type),
                    fmt::format("{:g}", o.volume), price_text(o.price), price_text(o.stop_limit_price),
                    price_text(o.sl), price_text(o.tp), o.expiration_ms > 0 ? std::to_string(o.expiration_ms) : "GTC",
                    o.ref.empty() ? "-" : o.ref, reported});
    }
    expected_rows += h.positions.size() + h.orders.size();
  }
  MTG_CHECK(t.positions.rows() + t.orders.rows() == expected_rows);
  return t;
}

Result<SyncStatus> read_sync_status(RedisClient& redis, const std::string& prefix) {
  auto value = redis.command({"GET", BackendKeys{prefix}.sync()});
  if (!value) return value.status();
  if (value->is_nil()) return Status::unavailable("no sync status in Redis: is `mtguard backend` running?");
  return SyncStatus::from_json(value->str);
}

Table sync_table(const SyncStatus& s) {
  Table table({"state", "lag_rows", "oldest_unsent_age_ms", "attempts", "failed_batches", "rows_synced",
               "last_error"});
  table.add({!s.suspended ? "active" : s.resumes_itself ? "suspended (resumes itself)" : "suspended",
             std::to_string(s.lag_rows), std::to_string(s.oldest_unsent_age_ms), std::to_string(s.attempts),
             std::to_string(s.failed_batches), std::to_string(s.rows_synced), s.last_error});
  MTG_CHECK(table.rows() == 1);
  return table;
}

Table backup_table() { return Table({"kind", "id", "created", "age", "size", "sha256", "verified", "path"}); }

void add_backup_row(Table& table, backup::BackupKind kind, const backup::BackupEntry& e, int64_t now_ms, bool exact) {
  MTG_CHECK(table.columns().size() == 8);  // backup_table's columns
  std::string created = "?";
  std::string age = "?";
  std::string size = "?";
  std::string sha = "?";
  if (e.manifest) {
    created = backup::format_backup_id(e.manifest->created_at_ms);
    age = age_text(now_ms - e.manifest->created_at_ms);
    size = exact ? std::to_string(e.manifest->stored_bytes) : backup::format_bytes(e.manifest->stored_bytes);
    sha = e.manifest->files.empty() ? "-" : e.manifest->files.front().sha256;
    if (!exact) sha = sha.substr(0, kShortShaChars);
  }
  table.add({backup::kind_name(kind), e.id, created, age, size, sha, verified_text(e), e.path});
}

}  // namespace mtg
