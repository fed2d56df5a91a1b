#include "chaos/invariant_check.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "backend/sync_status.h"
#include "integration/trade_books.h"
#include "keys/redis_keys.h"
#include "model/ledger_lots.h"
#include "store/clickhouse/clickhouse_client.h"
#include "store/duckdb/duckdb_database.h"
#include "util/check.h"

namespace mtg::chaos {
namespace {

constexpr double kVolumeEps = 1e-9;
constexpr int kPollMs = 1'000;
constexpr int kBackendStopTimeoutMs = 30'000;
constexpr int kSimStopTimeoutMs = 10'000;

// One stored result, as DuckDB or ClickHouse holds it.
struct StoredRow {
  std::string uuid;
  std::string status;
  double filled = 0;
};

// A store's rows by result_id, with how often each result_id occurs.
struct StoreView {
  std::string name;
  std::map<std::string, int> count;
  std::map<std::string, StoredRow> row;
  std::string error;  // non-empty: the store could not be read
};

void add_row(StoreView& v, const std::string& result_id, StoredRow row) {
  ++v.count[result_id];
  v.row[result_id] = std::move(row);
}

StoreView read_duckdb(const std::string& path) {
  StoreView v{"duckdb", {}, {}, ""};
  auto db = DuckDatabase::open(path);
  if (!db) return {v.name, {}, {}, db.status().to_string()};
  auto rows =
      (*db)->query("SELECT result_id, uuid, status, CAST(filled_volume AS VARCHAR) FROM trade_history");
  if (!rows) return {v.name, {}, {}, rows.status().to_string()};
  for (const auto& r : rows->rows) {
    add_row(v, r.at(0).value_or(""),
            {r.at(1).value_or(""), r.at(2).value_or(""), std::stod(r.at(3).value_or("0"))});
  }
  return v;
}

StoreView read_clickhouse(const ClickHouseConfig& config, int64_t since_ms) {
  StoreView v{"clickhouse", {}, {}, ""};
  auto ch = ClickHouseClient::create(config);
  if (!ch) return {v.name, {}, {}, ch.status().to_string()};
  auto text =
      (*ch)->query("SELECT result_id, uuid, status, filled_volume FROM " + (*ch)->database() +
                   ".trade_results FINAL WHERE ts >= " + std::to_string(since_ms) + " FORMAT TabSeparated");
  if (!text) return {v.name, {}, {}, text.status().to_string()};
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, uuid, status, filled;
    std::getline(fields, id, '\t');
    std::getline(fields, uuid, '\t');
    std::getline(fields, status, '\t');
    std::getline(fields, filled, '\t');
    add_row(v, id, {uuid, status, std::stod(filled.empty() ? "0" : filled)});
  }
  return v;
}

// The uuid's RTRS history: final results and `duplicate` answers.
struct UuidResults {
  std::vector<TradeResult> finals;
  int duplicates = 0;
};

bool near(double a, double b) { return std::fabs(a - b) <= kVolumeEps; }

// Collects violations: counts them and keeps the first few as examples.
class Tally {
 public:
  explicit Tally(Verdict& v) : v_(v) {}
  Verdict& verdict() { return v_; }
  // An example without a counter (the caller counts it otherwise).
  void note(const std::string& what) {
    if (v_.examples.size() < InvariantCheck::kMaxExamples) v_.examples.push_back(what);
  }
  void add(int64_t Verdict::*counter, const std::string& what) {
    ++(v_.*counter);
    if (v_.examples.size() < InvariantCheck::kMaxExamples) v_.examples.push_back(what);
  }

 private:
  Verdict& v_;
};

std::string fmt_volume(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Invariants 1 and 2 for one uuid the load sent.
void check_signal(const std::string& uuid, const SentSignal& s, const UuidResults& r,
                  const model::LedgerLots& lots, Tally& t) {
  if (r.finals.empty()) {
    t.add(&Verdict::lost, "lost: " + uuid + " has no final result in RTRS");
    return;
  }
  const TradeResult& f = r.finals.front();
  if (r.finals.size() > 1) {
    std::string statuses;
    for (const auto& x : r.finals)
      statuses += std::string(" ") + result_status_name(x.status) + "/" + x.result_id;
    t.add(&Verdict::duplicated, "duplicated: " + uuid + " has " + std::to_string(r.finals.size()) +
                                    " final results in RTRS:" + statuses);
  }
  // The engine checks a disabled instance before expiry: `dropped` is right for both.
  const bool expired_ok = f.status == ResultStatus::kExpired || f.status == ResultStatus::kDropped;
  if ((s.kind == SignalKind::kInvalid && f.status != ResultStatus::kRejected) ||
      (s.kind == SignalKind::kExpired && !expired_ok)) {
    t.add(&Verdict::wrong, std::string("wrong status: ") + uuid + " (" +
                               (s.kind == SignalKind::kInvalid ? "invalid" : "expired") + ") ended " +
                               result_status_name(f.status) + ": " + f.reason);
  }
  if (s.repeats > 0 && r.duplicates == 0) {
    t.add(&Verdict::wrong, "repeat unanswered: " + uuid + " sent " + std::to_string(s.repeats + 1) +
                               " times, no `duplicate` result");
  }
  std::vector<model::LotsFinding> findings;
  lots.check(s.signal, f, findings);
  for (const model::LotsFinding& found : findings) {
    switch (found.problem) {
      case model::LotsProblem::kOverFilled:
        t.add(&Verdict::over_filled, "over-filled: " + found.what);
        break;
      case model::LotsProblem::kOverClosed:
        t.add(&Verdict::over_closed, "over-closed: " + found.what);
        break;
      case model::LotsProblem::kNotReported:
        t.add(lots.executed(uuid) > f.filled_volume ? &Verdict::over_filled : &Verdict::wrong,
              "fill not reported: " + found.what);
        break;
    }
  }
}

// The simulators' final books against the model of the results and events; stops them.
void compare_books(testkit::System& sys, const std::map<std::string, SentSignal>& sent, Tally& t) {
  for (int i = 0; i < static_cast<int>(sys.config().instances.size()); ++i) {
    if (sys.sim(i).stop(kSimStopTimeoutMs) != 0)
      t.note(sys.instance_id(i) + ": the simulator did not stop cleanly");
  }
  std::map<std::string, Signal> signals;
  for (const auto& [uuid, s] : sent) {
    if (s.kind != SignalKind::kInvalid) signals.emplace(uuid, s.signal);
  }
  const testkit::BookVerdict books = testkit::check_books(sys, signals);
  t.verdict().books = books.instances;
  t.verdict().books_differ = books.differing;
  t.verdict().events = books.events;
  for (const std::string& p : books.problems) {
    if (p.find("more closed than opened") != std::string::npos) {
      t.add(&Verdict::over_closed, "over-closed: " + p);
    } else {
      t.note("books: " + p);
    }
  }
}

// Invariant 3: every final and duplicate result of RTRS is in the store exactly once, as in RTRS.
void check_store(const StoreView& store, const std::map<std::string, TradeResult>& expected, Tally& t) {
  if (!store.error.empty()) {
    t.add(&Verdict::lost, store.name + " unreadable: " + store.error);
    return;
  }
  for (const auto& [id, r] : expected) {
    const auto n = store.count.find(id);
    if (n == store.count.end()) {
      t.add(&Verdict::lost,
            "lost: " + store.name + " lacks result " + id + " (" + result_status_name(r.status) + ")");
      continue;
    }
    if (n->second > 1) {
      t.add(&Verdict::duplicated,
            "duplicated: " + store.name + " holds result " + id + " " + std::to_string(n->second) + " times");
    }
    const StoredRow& row = store.row.at(id);
    if (row.status != result_status_name(r.status) || !near(row.filled, r.filled_volume)) {
      t.add(&Verdict::wrong, store.name + " disagrees with RTRS on " + id + ": " + row.status + " " +
                                 fmt_volume(row.filled) + " vs " + result_status_name(r.status) + " " +
                                 fmt_volume(r.filled_volume));
    }
  }
}

}  // namespace

InvariantCheck::InvariantCheck(testkit::System& sys, std::map<std::string, SentSignal> sent, int64_t since_ms)
    : sys_(sys), sent_(std::move(sent)), since_ms_(since_ms) {}

bool InvariantCheck::wait_quiescent(int timeout_ms) {
  MTG_CHECK(timeout_ms > 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool finals = false;
  bool drained = false;
  while (std::chrono::steady_clock::now() < deadline) {
    finals = finals || all_final();
    drained = finals && backend_drained();
    if (drained) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
  std::fprintf(stderr, "chaos: not quiescent after %d ms: %s\n", timeout_ms,
               finals ? "the backend did not drain RTRS / refill DuckDB / sync ClickHouse"
                      : "signals without a final result");
  return false;
}

bool InvariantCheck::all_final() {
  std::set<std::string> missing;
  for (const auto& [uuid, s] : sent_) missing.insert(uuid);
  try {
    for (const auto& r : sys_.results()) {
      if (is_final(r.status)) missing.erase(r.uuid);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chaos: reading RTRS: %s\n", e.what());
    return false;
  }
  if (!missing.empty()) std::fprintf(stderr, "chaos: waiting for %zu final results\n", missing.size());
  return missing.empty();
}

bool InvariantCheck::backend_drained() {
  const RedisKeys keys{sys_.config().redis.prefix};
  auto last = sys_.redis().command({"XREVRANGE", keys.rtrs(), "+", "-", "COUNT", "1"});
  auto groups = sys_.redis().command({"XINFO", "GROUPS", keys.rtrs()});
  const BackendKeys backend{sys_.config().redis.prefix};
  auto sync = sys_.redis().command({"GET", backend.sync()});
  auto heartbeat = sys_.redis().command({"GET", backend.heartbeat()});
  if (!last || !groups || !sync || !heartbeat || last->elements.empty() || sync->is_nil() ||
      heartbeat->is_nil()) {
    return false;
  }
  // A restored DuckDB file lacks results until its refill is done: DuckDB is evidence
  // only after that.
  const auto published = nlohmann::json::parse(heartbeat->str, nullptr, false);
  if (!published.is_object() || published.value("refill_pending", true)) {
    std::fprintf(stderr, "chaos: the backend is refilling its DuckDB file\n");
    return false;
  }
  bool delivered = false;
  for (const auto& g : groups->elements) {
    std::map<std::string, const RedisReply*> f;
    for (size_t i = 0; i + 1 < g.elements.size(); i += 2) f[g.elements[i].str] = &g.elements[i + 1];
    if (f.count("name") == 0 || f["name"]->str != RedisKeys::kBackendGroup) continue;
    delivered = f.count("last-delivered-id") != 0 &&
                f["last-delivered-id"]->str == last->elements[0].elements[0].str && f.count("pending") != 0 &&
                f["pending"]->integer == 0;
  }
  auto status = SyncStatus::from_json(sync->str);
  if (!status) return false;
  if (status->suspended) {
    std::fprintf(stderr, "chaos: the ClickHouse sync is suspended: mtguard sync resume\n");
    const std::string cmd = std::string(MTG_BINARY) + " --config " + sys_.config_path() + " sync resume >> " +
                            sys_.file("cli.log") + " 2>&1";
    (void)std::system(cmd.c_str());
    return false;
  }
  return delivered && status->lag_rows == 0;
}

Verdict InvariantCheck::check() {
  Verdict v;
  Tally t(v);
  if (sys_.backend().stop(kBackendStopTimeoutMs) != 0)
    t.add(&Verdict::wrong, "the backend did not stop cleanly");
  std::map<std::string, UuidResults> by_uuid;
  std::map<std::string, TradeResult> stored;  // final and duplicate results by result_id
  for (const auto& r : sys_.results()) {
    ++v.results;
    if (is_final(r.status)) by_uuid[r.uuid].finals.push_back(r);
    if (r.status == ResultStatus::kDuplicate) ++by_uuid[r.uuid].duplicates;
    if (is_final(r.status) || r.status == ResultStatus::kDuplicate) stored.emplace(r.result_id, r);
  }
  model::LedgerLots lots;
  for (int i = 0; i < static_cast<int>(sys_.config().instances.size()); ++i) lots.read(sys_.ledger_path(i));
  for (const auto& [uuid, s] : sent_) check_signal(uuid, s, by_uuid[uuid], lots, t);
  for (const std::string& uuid : lots.uuids()) {
    if (sent_.count(uuid) == 0) t.add(&Verdict::over_filled, "executed but never sent: " + uuid);
  }
  compare_books(sys_, sent_, t);
  check_store(read_duckdb(sys_.config().duckdb.path), stored, t);
  check_store(read_clickhouse(sys_.config().clickhouse, since_ms_), stored, t);
  return v;
}

}  // namespace mtg::chaos
