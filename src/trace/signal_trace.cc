#include "trace/signal_trace.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "backup/duckdb_handler.h"
#include "keys/redis_keys.h"
#include "order/client_id.h"
#include "order/order.h"
#include "signal/uuid.h"
#include "store/clickhouse/clickhouse_client.h"
#include "store/duckdb/duckdb_database.h"
#include "store/redis/redis_stream.h"
#include "trace/store_agreement.h"
#include "util/check.h"
#include "util/clock.h"

namespace mtg {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int kScanPage = kMaxLatestEntries;
const std::vector<std::string> kResultColumns{"result_id", "status", "filled_volume", "reason", "ts"};
const std::vector<std::string> kEventColumns{"id", "kind", "volume", "ts"};

std::string text_of(const json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

double number_of(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return std::strtod(v.get<std::string>().c_str(), nullptr);
  return 0;
}

// The payloads of `stream` (newest first) whose JSON has `key` == uuid.
Result<std::vector<std::pair<std::string, json>>> scan_stream(RedisClient& redis, const std::string& stream,
                                                              const std::string& field, const std::string& key,
                                                              const std::string& uuid) {
  std::vector<std::pair<std::string, json>> found;
  std::string before = "+";
  for (int64_t scanned = 0; scanned < kMaxTraceScanEntries; scanned += kScanPage) {
    auto page = redis.command({"XREVRANGE", stream, before, "-", "COUNT", std::to_string(kScanPage)});
    if (!page) return page.status();
    for (const RedisReply& e : page->elements) {
      StreamEntry entry = parse_stream_entry(e, field);
      if (!entry.payload || entry.payload->find(uuid) == std::string::npos) continue;
      json doc = json::parse(*entry.payload, nullptr, false);
      if (doc.is_object() && doc.value(key, "") == uuid) found.emplace_back(entry.stream_id, std::move(doc));
    }
    if (page->elements.size() < static_cast<size_t>(kScanPage)) break;
    before = "(" + page->elements.back().elements.at(0).str;
  }
  return found;
}

// A table of `columns` from JSON objects.
Table json_table(const std::vector<std::string>& columns, const std::vector<json>& rows) {
  Table table(columns);
  for (const json& row : rows) {
    std::vector<std::string> cells;
    for (const auto& c : columns) cells.push_back(text_of(row.value(c, json())));
    table.add(std::move(cells));
  }
  MTG_CHECK(table.rows() == rows.size());
  return table;
}

std::map<std::string, ResultFact> result_facts(const std::vector<json>& rows) {
  std::map<std::string, ResultFact> facts;
  for (const json& r : rows) facts[text_of(r.value("result_id", json()))] = {text_of(r.value("status", json())), number_of(r.value("filled_volume", json()))};
  return facts;
}

std::set<std::string> event_ids(const std::vector<json>& rows) {
  std::set<std::string> ids;
  for (const json& r : rows) ids.insert(text_of(r.value("id", json())));
  return ids;
}

struct Reader {
  const Config& config;
  const std::string& uuid;
  SignalTrace& trace;
  SignalFacts& facts;

  void add(const char* key, const char* title, Result<Table> table) { trace.sections.push_back({key, title, std::move(table)}); }

  void redis_sections(RedisClient& redis);
  void rts_sections(RedisClient& redis);
  void ledger_section(const std::vector<std::string>& paths);
  void duckdb_section();
  void clickhouse_section();
};

void Reader::redis_sections(RedisClient& redis) {
  const RedisKeys keys{config.redis.prefix};
  auto signals = scan_stream(redis, keys.rtss(), "signal", "uuid", uuid);
  if (signals) {
    Table t({"stream_id", "signal"});
    for (const auto& [id, doc] : *signals) t.add({id, doc.dump()});
    add("rtss", "RTSS entry", std::move(t));
  } else {
    add("rtss", "RTSS entry", signals.status());
  }
  auto dedup = redis.command({"GET", keys.dedup(uuid)});
  auto ttl = redis.command({"TTL", keys.dedup(uuid)});
  if (dedup && ttl) {
    Table t({"key", "rtss_id", "ttl_s"});
    if (!dedup->is_nil()) t.add({keys.dedup(uuid), dedup->str, std::to_string(ttl->integer)});
    add("dedup", "Dedup record", std::move(t));
  } else {
    add("dedup", "Dedup record", dedup ? ttl.status() : dedup.status());
  }
  rts_sections(redis);
}

void Reader::rts_sections(RedisClient& redis) {
  const RedisKeys keys{config.redis.prefix};
  auto stored = redis.command({"GET", keys.order(uuid)});
  auto open = redis.command({"SISMEMBER", keys.open_orders(), uuid});
  if (!stored || !open) {
    const Status s = stored ? open.status() : stored.status();
    add("rts", "RTS order", s);
    add("legs", "Legs", s);
    return;
  }
  Table rts({"state", "filled_volume", "leg", "ticket", "deal", "position", "retcode", "reason", "open"});
  Table legs({"leg", "client_id"});
  if (!stored->is_nil()) {
    auto order = Order::from_json(stored->str);
    if (!order) {
      add("rts", "RTS order", order.status());
      add("legs", "Legs", order.status());
      return;
    }
    rts.add({state_name(order->state), fmt::format("{:g}", order->filled_volume), std::to_string(order->leg),
             std::to_string(order->ticket), std::to_string(order->deal), std::to_string(order->position),
             std::to_string(order->retcode), order->reason, open->integer == 1 ? "yes" : "no"});
    for (int leg = 0; leg <= order->leg; ++leg) legs.add({std::to_string(leg), client_id(uuid, leg)});
    facts.rts_state = state_name(order->state);
    facts.rts_filled_volume = order->filled_volume;
  }
  add("rts", "RTS order", std::move(rts));
  add("legs", "Legs and client ids", std::move(legs));
}

void Reader::ledger_section(const std::vector<std::string>& paths) {
  Table t({"ledger", "ticket", "volume", "price"});
  double volume = 0;
  for (const auto& path : paths) {
    std::ifstream in(path);
    if (!in) {
      add("ledger", "Terminal ledgers", Status::io("cannot read the ledger " + path));
      return;
    }
    for (std::string line; std::getline(in, line);) {
      if (line.find(uuid) == std::string::npos) continue;
      json deal = json::parse(line, nullptr, false);
      if (!deal.is_object() || deal.value("uuid", "") != uuid) continue;
      volume += number_of(deal.value("volume", json()));
      t.add({path, text_of(deal.value("ticket", json())), text_of(deal.value("volume", json())),
             text_of(deal.value("price", json()))});
    }
  }
  if (!paths.empty()) facts.ledger_volume = volume;
  add("ledger", "Terminal ledgers", std::move(t));
}

// The rows of `sql` (with the uuid as its one parameter) as JSON objects.
Result<std::vector<json>> duck_rows(DuckDatabase& db, const std::string& sql, const std::string& uuid) {
  auto rows = db.query_params(sql, {uuid});
  if (!rows) return rows.status();
  std::vector<json> out;
  for (const auto& row : rows->rows) {
    json o = json::object();
    for (size_t c = 0; c < rows->columns.size(); ++c) o[rows->columns[c]] = row[c] ? json(*row[c]) : json();
    out.push_back(std::move(o));
  }
  return out;
}

void Reader::duckdb_section() {
  // A snapshot beside the live file (the backend writes it when it holds the file).
  const std::string raw = fs::absolute(config.duckdb.path).string() + ".trace-" + uuid;
  backup::BackupEnv env;
  env.config = &config;
  env.clock = &SystemClock::instance();
  Result<std::vector<json>> results = Status::unavailable("not read");
  Result<std::vector<json>> events = Status::unavailable("not read");
  if (auto taken = backup::DuckdbHandler(env).snapshot(raw); !taken) {
    results = events = taken.status();
  } else if (auto db = DuckDatabase::open_read_only(raw); !db) {
    results = events = db.status();
  } else {  // the snapshot is closed again at the end of this block
    results = duck_rows(**db, "SELECT result_id, status, filled_volume, reason, ts FROM trade_history "
                              "WHERE uuid = ? ORDER BY ts", uuid);
    events = duck_rows(**db, "SELECT id, kind, volume, ts FROM trade_events WHERE ref = ? ORDER BY ts", uuid);
  }
  std::error_code ignored;
  fs::remove(raw, ignored);
  fs::remove(raw + ".wal", ignored);
  if (results) facts.duckdb = result_facts(*results);
  if (events) facts.events_duckdb = event_ids(*events);
  add("duckdb", "DuckDB trade_history", results ? Result<Table>(json_table(kResultColumns, *results)) : Result<Table>(results.status()));
  add("duckdb_events", "DuckDB trade_events", events ? Result<Table>(json_table(kEventColumns, *events)) : Result<Table>(events.status()));
}

Result<std::vector<json>> clickhouse_rows(ClickHouseClient& ch, const std::string& sql) {
  auto text = ch.query(sql + " FORMAT JSONEachRow");
  if (!text) return text.status();
  std::vector<json> rows;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    json row = json::parse(line, nullptr, false);
    if (!row.is_object()) return Status::corruption("clickhouse answered a line that is not JSON: " + line);
    rows.push_back(std::move(row));
  }
  return rows;
}

void Reader::clickhouse_section() {
  auto ch = ClickHouseClient::create(config.clickhouse);
  const std::string db = config.clickhouse.database;
  Result<std::vector<json>> results = Status::unavailable("not read");
  Result<std::vector<json>> events = Status::unavailable("not read");
  if (!ch) {
    results = events = ch.status();
  } else {
    // uuid is canonical (hex and hyphens): safe inside the quotes.
    results = clickhouse_rows(**ch, "SELECT result_id, status, filled_volume, reason, ts FROM " + db +
                                        ".trade_results FINAL WHERE uuid = '" + uuid + "' ORDER BY ts");
    events = clickhouse_rows(**ch, "SELECT id, kind, volume, ts FROM " + db + ".trade_events FINAL WHERE ref = '" +
                                       uuid + "' ORDER BY ts");
  }
  if (results) facts.clickhouse = result_facts(*results);
  if (events) facts.events_clickhouse = event_ids(*events);
  add("clickhouse", "ClickHouse trade_results", results ? Result<Table>(json_table(kResultColumns, *results)) : Result<Table>(results.status()));
  add("clickhouse_events", "ClickHouse trade_events", events ? Result<Table>(json_table(kEventColumns, *events)) : Result<Table>(events.status()));
}

}  // namespace

Result<SignalTrace> trace_signal(const Config& config, const std::string& raw_uuid, const TraceOptions& options) {
  auto canonical = normalize_uuid(raw_uuid);
  if (!canonical) return canonical.status();
  SignalTrace trace;
  trace.uuid = *canonical;
  SignalFacts facts;
  Reader reader{config, trace.uuid, trace, facts};
  auto redis = RedisClient::connect(config.redis);
  if (redis) {
    reader.redis_sections(**redis);
  } else {
    for (const char* key : {"rtss", "dedup", "rts", "legs"}) reader.add(key, key, redis.status());
  }
  reader.ledger_section(options.ledger_paths);
  const RedisKeys keys{config.redis.prefix};
  using Found = Result<std::vector<std::pair<std::string, json>>>;
  Found results = redis ? scan_stream(**redis, keys.rtrs(), "result", "uuid", trace.uuid) : Found(redis.status());
  Found events = redis ? scan_stream(**redis, keys.events(), "event", "ref", trace.uuid) : Found(redis.status());
  std::vector<json> result_rows, event_rows;
  if (results) {
    for (auto& [id, doc] : *results) result_rows.push_back(std::move(doc));
    facts.rtrs = result_facts(result_rows);
  }
  if (events) {
    for (auto& [id, doc] : *events) event_rows.push_back(std::move(doc));
    facts.events_stream = event_ids(event_rows);
  }
  reader.add("rtrs", "RTRS results", results ? Result<Table>(json_table(kResultColumns, result_rows)) : Result<Table>(results.status()));
  reader.duckdb_section();
  reader.clickhouse_section();
  reader.add("events", "Trade events (stream)", events ? Result<Table>(json_table(kEventColumns, event_rows)) : Result<Table>(events.status()));
  trace.disagreements = find_disagreements(facts);
  MTG_CHECK(!trace.sections.empty());
  return trace;
}

json trace_json(const SignalTrace& trace) {
  json doc = sections_json(trace.sections);
  doc["uuid"] = trace.uuid;
  doc["disagreements"] = trace.disagreements;
  doc["agree"] = trace.disagreements.empty();
  return doc;
}

}  // namespace mtg
