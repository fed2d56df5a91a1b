#include "model/trade_model.h"

#include <cmath>
#include <sstream>

namespace mtg::model {
namespace {

constexpr double kLotsEpsilon = 1e-6;

void add(Book& book, const std::string& symbol, Side side, double lots) {
  const auto key = std::make_pair(symbol, side);
  book.cents[key] += std::llround(lots * 100);
  if (book.cents[key] == 0) book.cents.erase(key);
}

}  // namespace

std::string describe(const Book& book) {
  std::ostringstream out;
  const char* sep = "";
  for (const auto& [key, cents] : book.cents) {
    out << sep << key.first << ' ' << side_name(key.second) << ' ' << static_cast<double>(cents) / 100;
    sep = ", ";
  }
  out << "; orders";
  sep = " ";
  for (int64_t t : book.orders) {
    out << sep << t;
    sep = ", ";
  }
  return out.str();
}

Book book_of(const std::vector<Position>& positions, const std::vector<PendingOrder>& orders) {
  Book book;
  for (const Position& p : positions) add(book, p.symbol, p.side, p.volume);
  for (const PendingOrder& o : orders) book.orders.insert(o.ticket);
  return book;
}

void TradeModel::on_signal(const Signal& signal) { signals_.emplace(signal.uuid, signal); }

void TradeModel::on_result(const TradeResult& r) {
  if (r.status == ResultStatus::kDuplicate) return;
  // Results carry the signal's cumulative fill; the new lots are what it adds.
  double& so_far = filled_so_far_[r.uuid];
  const double added = r.filled_volume - so_far;
  if (added > kLotsEpsilon) {
    fills_.push_back(Fill{r.uuid, added, r.ticket});
    so_far = r.filled_volume;
  }
  if (r.status == ResultStatus::kPlaced) placed_.insert(static_cast<int64_t>(r.ticket));
  if (r.status == ResultStatus::kCancelled) gone_.insert(static_cast<int64_t>(r.ticket));
}

void TradeModel::on_event(const TradeEvent& e) { events_.push_back(e); }

Book TradeModel::expected(bool netting, std::vector<std::string>& problems) const {
  Book book;
  std::map<uint64_t, std::pair<std::string, Side>> opened;  // opening order ticket = position ticket -> where
  std::vector<const Fill*> closes;
  for (const Fill& f : fills_) {
    auto it = signals_.find(f.uuid);
    if (it == signals_.end()) {
      problems.push_back("a result for a signal never submitted: " + f.uuid);
      continue;
    }
    const Signal& s = it->second;
    if (s.action == Action::kOpen) {
      add(book, s.symbol, s.side, f.lots);
      if (f.order > 0) opened.emplace(f.order, std::make_pair(s.symbol, s.side));
    } else {
      closes.push_back(&f);
    }
  }
  for (const TradeEvent& e : events_) {
    if (e.kind == EventKind::kOrderTriggered) {
      add(book, e.symbol, e.side, e.volume);
      if (e.order > 0) opened.emplace(static_cast<uint64_t>(e.order), std::make_pair(e.symbol, e.side));
    }
  }
  for (const Fill* f : closes) {
    const Signal& s = signals_.at(f->uuid);
    if (s.action == Action::kCloseAll) {
      add(book, s.symbol, s.close_side == CloseSide::kLong ? Side::kBuy : Side::kSell, -f->lots);
    } else if (s.action == Action::kClose && !s.ref.empty() && signals_.count(s.ref) != 0) {
      const Signal& open = signals_.at(s.ref);
      add(book, open.symbol, open.side, -f->lots);
    } else if (s.action == Action::kClose && opened.count(static_cast<uint64_t>(s.position)) != 0) {
      const auto& [symbol, side] = opened.at(static_cast<uint64_t>(s.position));
      add(book, symbol, side, -f->lots);
    } else {
      problems.push_back("a fill the model cannot place: " + f->uuid + " (" + action_name(s.action) + ")");
    }
  }
  for (const TradeEvent& e : events_) {
    if (e.kind != EventKind::kStopLoss && e.kind != EventKind::kTakeProfit && e.kind != EventKind::kStopOut)
      continue;
    auto it = opened.find(static_cast<uint64_t>(e.position));
    if (it == opened.end()) {
      problems.push_back("an " + std::string(event_kind_name(e.kind)) + " event on an unknown position " +
                         e.id);
      continue;
    }
    add(book, it->second.first, it->second.second, -e.volume);
  }
  for (int64_t t : placed_) {
    bool removed = gone_.count(t) != 0;
    for (const TradeEvent& e : events_) {
      removed = removed || (e.order == t &&
                            (e.kind == EventKind::kOrderTriggered || e.kind == EventKind::kOrderExpired ||
                             e.kind == EventKind::kOrderCancelled));
    }
    if (!removed) book.orders.insert(t);
  }
  for (const auto& [key, cents] : book.cents) {
    if (!netting && cents < 0) {
      problems.push_back("more closed than opened on " + key.first + " " + side_name(key.second));
    }
  }
  if (netting) {
    // One position per symbol: the sides net out.
    Book net;
    net.orders = book.orders;
    std::map<std::string, int64_t> signed_cents;
    for (const auto& [key, cents] : book.cents)
      signed_cents[key.first] += key.second == Side::kBuy ? cents : -cents;
    for (const auto& [symbol, cents] : signed_cents) {
      add(net, symbol, cents >= 0 ? Side::kBuy : Side::kSell, static_cast<double>(std::llabs(cents)) / 100);
    }
    return net;
  }
  return book;
}

}  // namespace mtg::model
