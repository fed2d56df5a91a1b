#include "ea_shim/trade_server.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "ea_shim/ea_core.h"
#include "link/retcode.h"
#include "util/check.h"

namespace mtg::ea_shim {
namespace {

const char* filling_name(int filling) {
  switch (filling) {
    case ORDER_FILLING_FOK: return "fok";
    case ORDER_FILLING_IOC: return "ioc";
    default: return "return";
  }
}

MqlTradeResult refusal(int retcode, const std::string& why) {
  MqlTradeResult r;
  r.retcode = static_cast<uint>(retcode);
  r.comment = why;
  return r;
}

// The client id a server-side repeat was recorded under ("c.0~2" -> "c.0").
std::string base_client_id(const std::string& client_id) { return client_id.substr(0, client_id.find('~')); }

std::string journal_path(const std::string& ledger_path) { return ledger_path + ".journal"; }

// The simulator's journal tags for a pending order placed, modified or activated.
bool is_order_line(const std::string& rec) { return rec == "placed" || rec == "modified" || rec == "activated"; }

int deal_reason(const std::string& action) {
  if (action == "sl") return DEAL_REASON_SL;
  if (action == "tp") return DEAL_REASON_TP;
  return DEAL_REASON_EXPERT;
}

}  // namespace

Result<std::unique_ptr<TradeServer>> TradeServer::open(const std::string& ledger_path, const SimConfig& config,
                                                       const Clock& clock) {
  // The server judges the request's filling itself (filling_flags); the simulator's
  // own check is for its fixed terminal setting, so it is given none.
  SimConfig sim_config = config;
  sim_config.symbol_filling.clear();
  sim_config.filling = "fok";
  auto sim = sim::TerminalSim::open(ledger_path, sim_config, clock, [](int) {});
  if (!sim.is_ok()) return sim.status();
  return std::unique_ptr<TradeServer>(new TradeServer(std::move(*sim), ledger_path, config, clock));
}

int mql_order_type(OrderType type, Side side) {
  const bool buy = side == Side::kBuy;
  switch (type) {
    case OrderType::kLimit: return buy ? ORDER_TYPE_BUY_LIMIT : ORDER_TYPE_SELL_LIMIT;
    case OrderType::kStop: return buy ? ORDER_TYPE_BUY_STOP : ORDER_TYPE_SELL_STOP;
    case OrderType::kStopLimit: return buy ? ORDER_TYPE_BUY_STOP_LIMIT : ORDER_TYPE_SELL_STOP_LIMIT;
    case OrderType::kMarket: return buy ? ORDER_TYPE_BUY : ORDER_TYPE_SELL;
  }
  MTG_CHECK_MSG(false, "bad OrderType");
}

std::string TradeServer::placed_by(int64_t ticket) const {
  catch_up();
  auto it = placed_by_.find(ticket);
  return it == placed_by_.end() ? "" : it->second;
}

ulong TradeServer::order_magic(int64_t ticket) const {
  const std::string client_id = placed_by(ticket);
  return client_id.empty() ? 0 : MtgMagic(client_id);
}

void TradeServer::label(const std::string& client_id, std::string& comment, ulong& magic) const {
  if (client_id.empty()) {
    magic = 0;
  } else {
    magic = MtgMagic(client_id);
    if (!faults_.comment_rewrite.empty()) comment = faults_.comment_rewrite;
  }
  comment = comment.substr(0, faults_.comment_chars);
}

TradeServer::TradeServer(std::unique_ptr<sim::TerminalSim> sim, std::string ledger_path, const SimConfig& config,
                         const Clock& clock)
    : sim_(std::move(sim)),
      ledger_path_(std::move(ledger_path)),
      config_(config),
      clock_(clock),
      ledger_tail_(ledger_path_),
      journal_tail_(journal_path(ledger_path_)) {}

Status TradeServer::tick() {
  auto frames = sim_->tick(clock_.now_ms());
  return frames.is_ok() ? Status::ok() : frames.status();
}

Status TradeServer::acknowledge_events(const std::function<bool(const std::string&)>& acked_by_ea) {
  link::EventAck ack;
  for (const TradeEvent& e : sim_->ledger().unacked_events()) {
    if (acked_by_ea(e.id)) ack.ids.push_back(e.id);
  }
  if (ack.ids.empty()) return Status::ok();
  auto done = sim_->handle(ack);
  return done.is_ok() ? Status::ok() : done.status();
}

int TradeServer::filling_flags(const std::string& symbol) const {
  auto allowed = config_.symbol_filling.find(symbol);
  if (allowed == config_.symbol_filling.end()) return SYMBOL_FILLING_FOK | SYMBOL_FILLING_IOC;
  int flags = 0;
  for (const std::string& mode : allowed->second) {
    if (mode == "fok") flags |= SYMBOL_FILLING_FOK;
    if (mode == "ioc") flags |= SYMBOL_FILLING_IOC;
  }
  return flags;
}

std::string TradeServer::fresh_client_id(const std::string& comment) const {
  std::string id = comment;
  for (int n = 2; sim_->ledger().find(id) != nullptr; ++n) id = comment + "~" + std::to_string(n);
  return id;
}

int TradeServer::to_order(const MqlTradeRequest& request, link::OrderFrame& order) const {
  order.symbol = request.symbol;
  order.volume = request.volume;
  order.expires_at = std::numeric_limits<int64_t>::max();
  if (auto label = labels_.find(request.comment); label != labels_.end()) {
    order.uuid = label->second.uuid;
    order.leg = label->second.leg;
  } else {
    order.uuid = request.comment;
  }
  if (request.action == TRADE_ACTION_DEAL && request.position == 0) {
    order.side = request.type == ORDER_TYPE_BUY ? Side::kBuy : Side::kSell;
    order.price = 0;
    order.sl = request.sl;
    order.tp = request.tp;
    order.deviation = static_cast<int64_t>(request.deviation);
    auto allowed = config_.symbol_filling.find(request.symbol);
    if (allowed != config_.symbol_filling.end() &&
        std::find(allowed->second.begin(), allowed->second.end(), filling_name(request.type_filling)) ==
            allowed->second.end()) {
      return link::kRetcodeInvalidFill;
    }
    return 0;
  }
  if (request.action == TRADE_ACTION_DEAL) {
    order.action = Action::kClose;
    order.position = static_cast<int64_t>(request.position);
    return 0;
  }
  if (request.action == TRADE_ACTION_SLTP) {
    order.action = Action::kModify;
    order.position = static_cast<int64_t>(request.position);
    order.sl = request.sl;
    order.tp = request.tp;
    return 0;
  }
  if (request.action == TRADE_ACTION_PENDING) return to_pending(request, order);
  if (request.action == TRADE_ACTION_MODIFY || request.action == TRADE_ACTION_REMOVE) {
    order.action = request.action == TRADE_ACTION_MODIFY ? Action::kModifyOrder : Action::kCancel;
    order.order = static_cast<int64_t>(request.order);
    if (order.action == Action::kCancel) return 0;
    // MQL5's MODIFY sets every value; the simulator changes those given.
    order.price = request.price;
    order.stop_limit_price = request.stoplimit;
    order.sl = request.sl;
    order.tp = request.tp;
    order.expiration = request.type_time == ORDER_TIME_SPECIFIED ? request.expiration * 1000 : 0;
    return 0;
  }
  return link::kRetcodeInvalid;
}

int TradeServer::to_pending(const MqlTradeRequest& request, link::OrderFrame& order) const {
  if (request.type < ORDER_TYPE_BUY_LIMIT || request.type > ORDER_TYPE_SELL_STOP_LIMIT) return link::kRetcodeInvalid;
  order.side = request.type % 2 == 0 ? Side::kBuy : Side::kSell;
  order.order_type = request.type >= ORDER_TYPE_BUY_STOP_LIMIT ? OrderType::kStopLimit
                     : request.type >= ORDER_TYPE_BUY_STOP     ? OrderType::kStop
                                                               : OrderType::kLimit;
  order.price = request.price;
  if (order.order_type == OrderType::kStopLimit) order.stop_limit_price = request.stoplimit;
  order.sl = request.sl;
  order.tp = request.tp;
  order.expiration = request.type_time == ORDER_TIME_SPECIFIED ? request.expiration * 1000 : 0;
  return 0;
}

MqlTradeResult TradeServer::send(const MqlTradeRequest& request) {
  if (!faults_.connected) return refusal(link::kRetcodeConnection, "no connection with the trade server");
  if (faults_.crash_before_execution > 0 && --faults_.crash_before_execution == 0) {
    throw Crash{"OrderSend, before the server executed it"};
  }
  // The EA names every order by its client id twice: comment and magic.
  if (labels_.contains(request.comment)) MTG_CHECK(request.magic == MtgMagic(request.comment));
  link::OrderFrame order;
  if (const int refused = to_order(request, order); refused != 0) {
    return refusal(refused, refused == link::kRetcodeInvalidFill ? "unsupported filling mode" : "invalid request");
  }
  order.client_id = fresh_client_id(request.comment);
  auto executed = sim_->execute(order);
  MTG_CHECK_MSG(executed.is_ok(), "the fake trade server cannot write its ledger");
  if (faults_.crash_after_execution > 0 && --faults_.crash_after_execution == 0) {
    throw Crash{"OrderSend, after the server executed it"};
  }
  const link::ResultFrame& r = *executed;
  const bool did_something = r.filled_volume > 0 || r.retcode == link::kRetcodePlaced || r.retcode == link::kRetcodeDone;
  if (did_something && faults_.ambiguous_sends > 0) {
    --faults_.ambiguous_sends;
    return refusal(faults_.ambiguous_retcode, "request timed out (shim: it executed)");
  }
  MqlTradeResult out;
  out.retcode = static_cast<uint>(r.retcode);
  out.deal = static_cast<ulong>(r.deal);
  out.order = static_cast<ulong>(r.ticket);
  out.volume = r.filled_volume;
  out.price = r.price;
  out.comment = r.reason;
  return out;
}

std::vector<Position> TradeServer::positions() const { return sim_->positions().positions; }
std::vector<PendingOrder> TradeServer::orders() const { return sim_->orders().orders; }

std::vector<nlohmann::json> JsonlTail::read_new() {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path_, std::ios::binary);
  if (!in) return lines;
  in.seekg(offset_);
  std::string line;
  // A last line without its "\n" (torn, or being written) is left for a later call.
  while (std::getline(in, line) && !in.eof()) {
    offset_ += static_cast<std::streamoff>(line.size()) + 1;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) lines.push_back(std::move(j));
  }
  return lines;
}

void TradeServer::catch_up() const {
  // The journal first: an order is placed before a deal of the ledger can fill it.
  for (const nlohmann::json& j : journal_tail_.read_new()) {
    const std::string rec = j.value("rec", "");
    if (is_order_line(rec)) {
      const nlohmann::json& o = j["order"];
      HistoryOrder& h = resting_[o.value("ticket", int64_t{0})];
      h.ticket = o.value("ticket", 0UL);
      auto type = parse_order_type(o.value("type", ""));
      auto side = parse_side(o.value("side", ""));
      MTG_CHECK(type.is_ok() && side.is_ok());
      h.type = mql_order_type(*type, *side);
      h.volume = o.value("volume", 0.0);
      h.price = o.value("price", 0.0);
      h.symbol = o.value("symbol", "");
      if (rec == "placed" && j.contains("result")) {
        placed_by_[j["result"].value("ticket", int64_t{0})] = base_client_id(j["result"].value("client_id", ""));
      }
    } else if (rec == "cancelled" || rec == "expired") {
      end_order(j.value("ticket", int64_t{0}), rec == "cancelled" ? ORDER_STATE_CANCELED : ORDER_STATE_EXPIRED, 0,
                j.value("ts", int64_t{0}));
    }
  }
  for (const nlohmann::json& j : ledger_tail_.read_new()) {
    HistoryDeal d;
    d.ticket = j.value("deal", 0UL);
    d.order = j.value("ticket", 0UL);
    d.position = j.value("position", 0UL);
    d.type = j.value("side", "buy") == "buy" ? DEAL_TYPE_BUY : DEAL_TYPE_SELL;
    const std::string entry = j.value("entry", "in");
    d.entry = entry == "in" ? DEAL_ENTRY_IN : entry == "out" ? DEAL_ENTRY_OUT : DEAL_ENTRY_INOUT;
    d.reason = deal_reason(j.value("action", ""));
    d.time_ms = j.value("ts", int64_t{0});
    d.volume = j.value("volume", 0.0);
    d.price = j.value("price", 0.0);
    d.symbol = j.value("symbol", "");
    d.comment = j.value("comment", "");
    if (j.value("action", "") == event_kind_name(EventKind::kOrderTriggered)) {
      end_order(static_cast<int64_t>(d.order), ORDER_STATE_FILLED, d.position, d.time_ms);
    }
    deals_.push_back(RecordedDeal{std::move(d), base_client_id(j.value("client_id", ""))});
  }
}

void TradeServer::end_order(int64_t ticket, int state, ulong position, int64_t time_ms) const {
  auto it = resting_.find(ticket);
  if (it == resting_.end()) return;
  it->second.state = state;
  it->second.position = position;
  it->second.time_done_ms = time_ms;
  ended_.push_back(it->second);
  resting_.erase(it);
}

std::vector<HistoryDeal> TradeServer::history() const {
  std::vector<HistoryDeal> deals;
  if (clock_.now_ms() < faults_.history_late_until_ms) return deals;
  catch_up();
  deals.reserve(deals_.size());
  for (const RecordedDeal& recorded : deals_) {
    HistoryDeal d = recorded.deal;
    // A triggered pending order's deal carries the order's comment and magic.
    std::string client_id = recorded.client_id;
    if (client_id.empty()) client_id = placed_by(static_cast<int64_t>(d.order));
    if (!client_id.empty() && d.comment.empty()) d.comment = client_id;
    label(client_id, d.comment, d.magic);
    deals.push_back(std::move(d));
  }
  return deals;
}

std::vector<HistoryOrder> TradeServer::history_orders() const {
  std::vector<HistoryOrder> ended;
  if (clock_.now_ms() < faults_.history_late_until_ms) return ended;
  catch_up();
  ended = ended_;
  for (HistoryOrder& h : ended) {
    h.comment = placed_by(static_cast<int64_t>(h.ticket));
    label(placed_by(static_cast<int64_t>(h.ticket)), h.comment, h.magic);
  }
  std::stable_sort(ended.begin(), ended.end(),
                   [](const HistoryOrder& a, const HistoryOrder& b) { return a.time_done_ms < b.time_done_ms; });
  return ended;
}

}  // namespace mtg::ea_shim
