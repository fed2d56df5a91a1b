// MQL5's trading functions on the current terminal's TradeServer.
#include "ea_shim/trade_api.h"

#include <vector>

#include "ea_shim/terminal.h"
#include "ea_shim/trade_server.h"
#include "link/retcode.h"

namespace {

using mtg::ea_shim::HistoryDeal;
using mtg::ea_shim::TradeServer;

// What the last *GetTicket / *Select chose, as MQL5 keeps it per program.
struct Selection {
  mtg::Position position;
  mtg::PendingOrder order;
  std::vector<HistoryDeal> deals;
};
Selection g_selected;

TradeServer* server() { return mtg::ea_shim::current().server(); }

const HistoryDeal* find_deal(ulong ticket) {
  for (const HistoryDeal& d : g_selected.deals) {
    if (d.ticket == ticket) return &d;
  }
  return nullptr;
}

// The deal that opened a position (its magic and comment are the position's).
HistoryDeal opening_deal(int64_t position) {
  if (server() == nullptr) return {};
  for (const HistoryDeal& d : server()->history()) {
    if (d.position == static_cast<ulong>(position) && d.entry == DEAL_ENTRY_IN) return d;
  }
  return {};
}

}  // namespace

bool OrderSend(const MqlTradeRequest& request, MqlTradeResult& result) {
  if (server() == nullptr || TerminalInfoInteger(TERMINAL_CONNECTED) == 0) {
    result = MqlTradeResult{};
    result.retcode = mtg::link::kRetcodeConnection;
    return false;
  }
  result = server()->send(request);
  const int r = static_cast<int>(result.retcode);
  return r == mtg::link::kRetcodeDone || r == mtg::link::kRetcodeDonePartial || r == mtg::link::kRetcodePlaced;
}

int PositionsTotal() { return server() == nullptr ? 0 : static_cast<int>(server()->positions().size()); }

namespace {
// Selects items[index] into `slot` and returns its ticket; 0 when there is none.
template <typename T>
ulong select_at(const std::vector<T>& items, int index, T& slot) {
  if (index < 0 || static_cast<size_t>(index) >= items.size()) return 0;
  slot = items[static_cast<size_t>(index)];
  return static_cast<ulong>(slot.ticket);
}
}  // namespace

ulong PositionGetTicket(int index) {
  return server() == nullptr ? 0 : select_at(server()->positions(), index, g_selected.position);
}

bool PositionSelectByTicket(ulong ticket) {
  if (server() == nullptr) return false;
  for (const mtg::Position& p : server()->positions()) {
    if (p.ticket == static_cast<int64_t>(ticket)) {
      g_selected.position = p;
      return true;
    }
  }
  return false;
}

long PositionGetInteger(int property) {
  const mtg::Position& p = g_selected.position;
  switch (property) {
    case POSITION_TICKET: return p.ticket;
    case POSITION_TYPE: return p.side == mtg::Side::kBuy ? POSITION_TYPE_BUY : POSITION_TYPE_SELL;
    case POSITION_MAGIC: return static_cast<long>(opening_deal(p.ticket).magic);
    default: MTG_CHECK_MSG(false, "PositionGetInteger: property not in the shim");
  }
}

double PositionGetDouble(int property) {
  const mtg::Position& p = g_selected.position;
  switch (property) {
    case POSITION_VOLUME: return p.volume;
    case POSITION_PRICE_OPEN: return p.price;
    case POSITION_SL: return p.sl;
    case POSITION_TP: return p.tp;
    default: MTG_CHECK_MSG(false, "PositionGetDouble: property not in the shim");
  }
}

string PositionGetString(int property) {
  if (property == POSITION_SYMBOL) return g_selected.position.symbol;
  MTG_CHECK(property == POSITION_COMMENT);
  return opening_deal(g_selected.position.ticket).comment;
}

int OrdersTotal() { return server() == nullptr ? 0 : static_cast<int>(server()->orders().size()); }

ulong OrderGetTicket(int index) {
  return server() == nullptr ? 0 : select_at(server()->orders(), index, g_selected.order);
}

long OrderGetInteger(int property) {
  const mtg::PendingOrder& o = g_selected.order;
  const bool buy = o.side == mtg::Side::kBuy;
  switch (property) {
    case ORDER_TICKET: return o.ticket;
    case ORDER_MAGIC: return 0;
    case ORDER_TIME_EXPIRATION: return o.expiration_ms / 1000;
    case ORDER_TYPE:
      switch (o.type) {
        case mtg::OrderType::kLimit: return buy ? ORDER_TYPE_BUY_LIMIT : ORDER_TYPE_SELL_LIMIT;
        case mtg::OrderType::kStop: return buy ? ORDER_TYPE_BUY_STOP : ORDER_TYPE_SELL_STOP;
        case mtg::OrderType::kStopLimit: return buy ? ORDER_TYPE_BUY_STOP_LIMIT : ORDER_TYPE_SELL_STOP_LIMIT;
        case mtg::OrderType::kMarket: return buy ? ORDER_TYPE_BUY : ORDER_TYPE_SELL;
      }
      break;
    default: break;
  }
  MTG_CHECK_MSG(false, "OrderGetInteger: property not in the shim");
}

double OrderGetDouble(int property) {
  const mtg::PendingOrder& o = g_selected.order;
  switch (property) {
    case ORDER_VOLUME_CURRENT: return o.volume;
    case ORDER_PRICE_OPEN: return o.price;
    case ORDER_PRICE_STOPLIMIT: return o.stop_limit_price;
    case ORDER_SL: return o.sl;
    case ORDER_TP: return o.tp;
    default: MTG_CHECK_MSG(false, "OrderGetDouble: property not in the shim");
  }
}

string OrderGetString(int property) {
  if (property == ORDER_SYMBOL) return g_selected.order.symbol;
  MTG_CHECK(property == ORDER_COMMENT);
  return "";
}

bool HistorySelect(datetime from, datetime to) {
  g_selected.deals.clear();
  if (server() == nullptr) return false;
  for (HistoryDeal& d : server()->history()) {
    if (d.time_ms >= from * 1000 && d.time_ms <= to * 1000 + 999) g_selected.deals.push_back(std::move(d));
  }
  return true;
}

int HistoryDealsTotal() { return static_cast<int>(g_selected.deals.size()); }

ulong HistoryDealGetTicket(int index) {
  if (index < 0 || static_cast<size_t>(index) >= g_selected.deals.size()) return 0;
  return g_selected.deals[static_cast<size_t>(index)].ticket;
}

long HistoryDealGetInteger(ulong ticket, int property) {
  const HistoryDeal* d = find_deal(ticket);
  if (d == nullptr) return 0;
  switch (property) {
    case DEAL_ORDER: return static_cast<long>(d->order);
    case DEAL_POSITION_ID: return static_cast<long>(d->position);
    case DEAL_TYPE: return d->type;
    case DEAL_ENTRY: return d->entry;
    case DEAL_REASON: return d->reason;
    case DEAL_MAGIC: return static_cast<long>(d->magic);
    case DEAL_TIME_MSC: return d->time_ms;
    default: MTG_CHECK_MSG(false, "HistoryDealGetInteger: property not in the shim");
  }
}

double HistoryDealGetDouble(ulong ticket, int property) {
  const HistoryDeal* d = find_deal(ticket);
  if (d == nullptr) return 0;
  if (property == DEAL_VOLUME) return d->volume;
  MTG_CHECK(property == DEAL_PRICE);
  return d->price;
}

string HistoryDealGetString(ulong ticket, int property) {
  const HistoryDeal* d = find_deal(ticket);
  if (d == nullptr) return "";
  if (property == DEAL_SYMBOL) return d->symbol;
  MTG_CHECK(property == DEAL_COMMENT);
  return d->comment;
}

double SymbolInfoDouble(const string& symbol, int property) {
  if (server() == nullptr || !server()->broker().market().knows(symbol)) return 0;
  const mtg::sim::Quote q = server()->broker().market().quote(symbol);
  MTG_CHECK(property == SYMBOL_BID || property == SYMBOL_ASK);
  return property == SYMBOL_BID ? q.bid : q.ask;
}

long SymbolInfoInteger(const string& symbol, int property) {
  if (server() == nullptr || !server()->broker().market().knows(symbol)) return 0;
  switch (property) {
    case SYMBOL_DIGITS: return server()->broker().market().digits(symbol);
    case SYMBOL_FILLING_MODE: return server()->filling_flags(symbol);
    case SYMBOL_TRADE_EXEMODE: return SYMBOL_TRADE_EXECUTION_MARKET;
    default: MTG_CHECK_MSG(false, "SymbolInfoInteger: property not in the shim");
  }
}

long AccountInfoInteger(int property) {
  if (property == ACCOUNT_LOGIN) return 5001;
  MTG_CHECK(property == ACCOUNT_MARGIN_MODE);
  return server() != nullptr && server()->hedging() ? ACCOUNT_MARGIN_MODE_RETAIL_HEDGING
                                                    : ACCOUNT_MARGIN_MODE_RETAIL_NETTING;
}

string AccountInfoString(int property) {
  MTG_CHECK(property == ACCOUNT_SERVER);
  return "MtGuard-Shim";
}

long TerminalInfoInteger(int property) {
  if (property == TERMINAL_CONNECTED) return server() != nullptr && server()->faults().connected ? 1 : 0;
  MTG_CHECK(property == TERMINAL_TRADE_ALLOWED);
  return 1;
}

long MQLInfoInteger(int property) {
  MTG_CHECK(property == MQL_TRADE_ALLOWED);
  return 1;
}

datetime TimeCurrent() { return mtg::ea_shim::current().clock().now_ms() / 1000; }
