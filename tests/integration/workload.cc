#include "integration/workload.h"

#include <chrono>
#include <thread>

#include "engine/redis_order_store.h"
#include "integration/trade_books.h"
#include "model/ledger_lots.h"
#include "order/trade_result.h"
#include "util/clock.h"

namespace mtg::testkit {
namespace {

constexpr size_t kMaxProblems = 20;

void note(Tally& t, const std::string& what) {
  if (t.problems.size() < kMaxProblems) t.problems.push_back(what);
}

}  // namespace

std::string Tally::summary() const {
  const bool mixed = books > 0;
  std::string s = std::to_string(signals) + " signals";
  if (mixed)
    s +=
        " (" + std::to_string(static_cast<int>(acting_share * 100 + 0.5)) + "% closes, modifies and cancels)";
  s += ", " + std::to_string(lost) + " lost, " + std::to_string(duplicated) + " duplicated, " +
       std::to_string(over_filled) + " over-filled, ";
  if (mixed) s += std::to_string(over_closed) + " over-closed, ";
  s += std::to_string(mismatched) + " mismatched";
  if (!mixed) return s;
  s += "; " + std::to_string(books - books_differ) + " of " + std::to_string(books) + " books equal the model (" +
       std::to_string(events) + " trade events); finals:";
  for (const auto& [status, n] : finals) s += " " + status + " " + std::to_string(n);
  return s;
}

Workload::Workload(System& sys, uint64_t seed, int64_t ttl_ms, WorkloadMix mix)
    : sys_(sys), rng_(seed), ttl_ms_(ttl_ms), mix_(mix) {
  if (mix_ != WorkloadMix::kTradeActions) return;
  for (int i = 0; i < static_cast<int>(sys_.config().instances.size()); ++i) {
    mixes_.push_back(std::make_unique<model::TradeMix>(rng_, System::new_uuid, sys_.instance_id(i), ttl_ms_));
  }
}

std::vector<Position> Workload::held(int instance) const {
  RedisOrderStore store(sys_.redis(), sys_.config().redis.prefix, {});
  auto holdings = store.load_holdings({sys_.instance_id(instance)});
  if (!holdings || holdings->empty()) return {};
  return holdings->begin()->second.positions;
}

std::vector<std::string> Workload::batch(int n) {
  const int instances = static_cast<int>(sys_.config().instances.size());
  const int64_t now = SystemClock::instance().now_ms();
  std::vector<std::vector<Position>> held_by_instance(static_cast<size_t>(instances));
  if (mix_ == WorkloadMix::kTradeActions) {
    for (int i = 0; i < instances; ++i) held_by_instance[static_cast<size_t>(i)] = held(i);
  }
  std::vector<std::string> out;
  for (int k = 0; k < n; ++k, ++next_) {
    const int instance = next_ % instances;
    if (mix_ == WorkloadMix::kTradeActions) {
      const model::MixDraw draw =
          mixes_[static_cast<size_t>(instance)]->next(now, held_by_instance[static_cast<size_t>(instance)]);
      if (!draw.repeat) asked_[draw.signal.uuid] = draw.signal;
      out.push_back(to_json(draw.signal));
      continue;
    }
    const std::string uuid = System::new_uuid();
    const double volume = static_cast<double>(1 + rng_() % 50) / 100.0;
    asked_[uuid] = sys_.market_open(uuid, instance, volume, now, ttl_ms_);
    out.push_back(to_json(asked_[uuid]));
  }
  return out;
}

bool Workload::submit(const std::vector<std::string>& batch) {
  constexpr int kAttempts = 100;
  constexpr auto kPause = std::chrono::milliseconds(200);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    try {
      sys_.submit(batch);
      return true;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(kPause);
    }
  }
  return false;
}

std::set<std::string> Workload::uuids() const {
  std::set<std::string> out;
  for (const auto& [uuid, s] : asked_) out.insert(uuid);
  return out;
}

Tally Workload::check() const {
  std::map<std::string, std::vector<TradeResult>> finals;
  for (const auto& r : sys_.results()) {
    if (is_final(r.status) && asked_.count(r.uuid) != 0) finals[r.uuid].push_back(r);
  }
  model::LedgerLots lots;
  for (int i = 0; i < static_cast<int>(sys_.config().instances.size()); ++i) lots.read(sys_.ledger_path(i));
  Tally t;
  t.signals = static_cast<int>(asked_.size());
  std::vector<model::LotsFinding> findings;
  int acting = 0;
  for (const auto& [uuid, s] : asked_) {
    acting += s.action != Action::kOpen;
    const size_t n = finals.count(uuid) != 0 ? finals.at(uuid).size() : 0;
    t.lost += n == 0;
    t.duplicated += n > 1;
    if (n == 0) note(t, "lost: " + uuid + " has no final result");
    if (n > 1) note(t, "duplicated: " + uuid + " has " + std::to_string(n) + " final results");
    if (n == 0) continue;
    lots.check(s, finals.at(uuid).front(), findings);
    ++t.finals[result_status_name(finals.at(uuid).front().status)];
  }
  t.acting_share = t.signals > 0 ? static_cast<double>(acting) / t.signals : 0.0;
  for (const model::LotsFinding& f : findings) {
    t.over_filled += f.problem == model::LotsProblem::kOverFilled;
    t.over_closed += f.problem == model::LotsProblem::kOverClosed;
    t.mismatched += f.problem == model::LotsProblem::kNotReported;
    note(t, f.what);
  }
  if (mix_ != WorkloadMix::kTradeActions) return t;
  const BookVerdict books = check_books(sys_, asked_);
  t.books = books.instances;
  t.books_differ = books.differing;
  t.events = books.events;
  t.over_closed += books.over_closed;
  for (const std::string& p : books.problems) note(t, p);
  return t;
}

}  // namespace mtg::testkit
