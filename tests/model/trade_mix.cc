#include "model/trade_mix.h"

#include "util/check.h"

namespace mtg::model {
namespace {

double lots(std::mt19937_64& rng, int max_cents) {
  return static_cast<double>(std::uniform_int_distribution<int>(1, max_cents)(rng)) / 100.0;
}

constexpr int64_t kExpiringOrderMs = 2'000;   // an expiring pending open lives this long
constexpr int64_t kModifiedExpiryMs = 5'000;  // modify_order moves the expiry this far ahead

}  // namespace

double mix_mid(const std::string& symbol) { return symbol == "EURUSD" ? 1.10 : 1.27; }

TradeMix::TradeMix(std::mt19937_64& rng, std::function<std::string()> new_uuid, std::string instance,
                   int64_t ttl_ms)
    : rng_(rng), new_uuid_(std::move(new_uuid)), instance_(std::move(instance)), ttl_ms_(ttl_ms) {
  MTG_CHECK(ttl_ms > 0);
  MTG_CHECK(!instance_.empty());
}

double TradeMix::acting_share() const {
  int64_t acting = 0;
  for (const auto& [uuid, s] : signals_) acting += s.action != Action::kOpen;
  return signals_.empty() ? 0.0 : static_cast<double>(acting) / static_cast<double>(signals_.size());
}

double TradeMix::uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

template <typename T>
const T& TradeMix::pick(const std::vector<T>& from) {
  MTG_CHECK(!from.empty());
  return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng_)];
}

std::string TradeMix::symbol() { return uniform() < 0.6 ? "EURUSD" : "GBPUSD"; }

MixDraw TradeMix::record(Signal s, int64_t now_ms, const char* kind) {
  s.instance = instance_;
  s.created_at_ms = now_ms;
  s.ttl_ms = ttl_ms_;
  MTG_CHECK(signals_.count(s.uuid) == 0);
  signals_[s.uuid] = s;
  sent_.push_back(s);
  ++counts_[kind];
  return MixDraw{std::move(s), false};
}

Signal TradeMix::fresh(Action action) {
  Signal s;
  s.uuid = new_uuid_();
  s.action = action;
  return s;
}

MixDraw TradeMix::next(int64_t now_ms, const std::vector<Position>& held) {
  const double u = uniform();
  if (u < 0.05 && !sent_.empty()) {  // a repeat: the same uuid again (answered duplicate)
    ++counts_["repeat"];
    return MixDraw{pick(sent_), true};
  }
  if (u < 0.10 && !sent_.empty()) {  // a stale copy: the same action under a new uuid
    Signal s = pick(sent_);
    s.uuid = new_uuid_();
    return record(std::move(s), now_ms, "stale_copy");
  }
  if (u < 0.35 || opens_.empty()) return open_market(now_ms);
  if (u < 0.50) return open_pending(now_ms);
  if (u < 0.62) return close_by_ref(now_ms);
  if (u < 0.70) return close_by_ticket(now_ms, held);
  if (u < 0.74) return close_all(now_ms);
  if (u < 0.84) return modify(now_ms);
  if (u < 0.90) return modify_order(now_ms);
  return cancel(now_ms);
}

MixDraw TradeMix::open_market(int64_t now_ms) {
  Signal s = fresh(Action::kOpen);
  s.symbol = symbol();
  s.side = uniform() < 0.5 ? Side::kBuy : Side::kSell;
  s.volume = lots(rng_, 50);
  if (uniform() < 0.3) s.sl = mix_mid(s.symbol) * (s.side == Side::kBuy ? 0.999 : 1.001);
  if (uniform() < 0.3) s.tp = mix_mid(s.symbol) * (s.side == Side::kBuy ? 1.001 : 0.999);
  opens_.push_back(s.uuid);
  return record(std::move(s), now_ms, "open_market");
}

MixDraw TradeMix::open_pending(int64_t now_ms) {
  Signal s = fresh(Action::kOpen);
  s.symbol = symbol();
  s.side = uniform() < 0.5 ? Side::kBuy : Side::kSell;
  const double u = uniform();
  s.type = u < 0.4 ? OrderType::kLimit : u < 0.8 ? OrderType::kStop : OrderType::kStopLimit;
  s.volume = lots(rng_, 30);
  const double away = 1.0 + std::uniform_real_distribution<double>(0.0002, 0.002)(rng_);
  const bool below = (s.type == OrderType::kLimit) == (s.side == Side::kBuy);
  s.price = below ? mix_mid(s.symbol) / away : mix_mid(s.symbol) * away;
  if (s.type == OrderType::kStopLimit) {
    s.stop_limit_price = s.side == Side::kBuy ? *s.price * 0.9995 : *s.price * 1.0005;
  }
  if (uniform() < 0.3) s.expiration_ms = now_ms + kExpiringOrderMs;
  opens_.push_back(s.uuid);
  pending_.push_back(s.uuid);
  return record(std::move(s), now_ms, "open_pending");
}

MixDraw TradeMix::close_by_ref(int64_t now_ms) {
  Signal s = fresh(Action::kClose);
  s.ref = pick(opens_);
  s.symbol = signals_.at(s.ref).symbol;
  if (uniform() < 0.5) s.volume = lots(rng_, 20);
  return record(std::move(s), now_ms, "close_by_ref");
}

MixDraw TradeMix::close_by_ticket(int64_t now_ms, const std::vector<Position>& held) {
  if (held.empty()) return close_by_ref(now_ms);
  const Position& p = pick(held);
  Signal s = fresh(Action::kClose);
  s.position = p.ticket;
  if (uniform() < 0.5) s.volume = lots(rng_, 20);
  return record(std::move(s), now_ms, "close_by_ticket");
}

MixDraw TradeMix::close_all(int64_t now_ms) {
  Signal s = fresh(Action::kCloseAll);
  s.symbol = symbol();
  s.close_side = uniform() < 0.5 ? CloseSide::kLong : CloseSide::kShort;
  return record(std::move(s), now_ms, "close_all");
}

MixDraw TradeMix::modify(int64_t now_ms) {
  Signal s = fresh(Action::kModify);
  s.ref = pick(opens_);
  const Signal& open = signals_.at(s.ref);
  const bool buy = open.side == Side::kBuy;
  if (uniform() < 0.7) s.sl = uniform() < 0.2 ? 0.0 : mix_mid(open.symbol) * (buy ? 0.998 : 1.002);
  if (!s.sl || uniform() < 0.5) s.tp = uniform() < 0.2 ? 0.0 : mix_mid(open.symbol) * (buy ? 1.002 : 0.998);
  return record(std::move(s), now_ms, "modify");
}

MixDraw TradeMix::modify_order(int64_t now_ms) {
  if (pending_.empty()) return open_pending(now_ms);
  Signal s = fresh(Action::kModifyOrder);
  s.ref = pick(pending_);
  s.expiration_ms = now_ms + kModifiedExpiryMs;
  return record(std::move(s), now_ms, "modify_order");
}

MixDraw TradeMix::cancel(int64_t now_ms) {
  if (pending_.empty()) return open_pending(now_ms);
  Signal s = fresh(Action::kCancel);
  s.ref = pick(pending_);
  return record(std::move(s), now_ms, "cancel");
}

}  // namespace mtg::model
