// MQL5's trading functions on the current terminal's TradeServer.
#include "ea_shim/trade_api.h"

#include <vector>

#include "ea_shim/terminal.h"
#include "ea_shim/trade_server.h"
#include "link/retcode.h"

namespace {

using mtg::ea_shim::HistoryDeal;
using mtg::ea_shim::HistoryOrder;
using mtg::ea_shim::TradeServer;

// What the last *GetTicket / *Select chose, as MQL5 keeps it per program.
struct Selection {
  mtg::Position position;
  mtg::PendingOrder order;
  std::vector<HistoryDeal> deals;
  std::vector<HistoryOrder> orders;  // of history
};
Selection g_selected;

TradeServer* server() { return mtg::ea_shim::current().server(); }

template <typename T, typename Ticket>
const T* find_ticket(const std::vector<T>& items, Ticket ticket) {
  for (const T& item : items) {
    if (item.ticket == ticket) return &item;
  }
  return nullptr;
}
const HistoryDeal* find_deal(ulong ticket) { return find_ticket(g_selected.deals, ticket); }

// The deal that opened a position, its first (in, or inout: a netting position reversed);
// its magic and comment are the position's.
HistoryDeal opening_deal(int64_t position) {
  if (server() == nullptr) return {};
  for (const HistoryDeal& d : server()->history()) {
    if (d.position == static_cast<ulong>(position)) return d;
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

namespace {
// Selects the item with this ticket into `slot`; false when there is none.
template <typename T>
bool select_ticket(const std::vector<T>& items, ulong ticket, T& slot) {
  const T* found = find_ticket(items, static_cast<int64_t>(ticket));
  if (found != nullptr) slot = *found;
  return found != nullptr;
}
}  // namespace

bool PositionSelectByTicket(ulong ticket) {
  return server() != nullptr && select_ticket(server()->positions(), ticket, g_selected.position);
}

bool OrderSelect(ulong ticket) {
  return server() != nullptr && select_ticket(server()->orders(), ticket, g_selected.order);
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
  switch (property) {
    case ORDER_TICKET: return o.ticket;
    case ORDER_MAGIC: return static_cast<long>(server()->order_magic(o.ticket));
    case ORDER_TIME_EXPIRATION: return o.expiration_ms / 1000;
    case ORDER_TYPE: return mtg::ea_shim::mql_order_type(o.type, o.side);
    default: MTG_CHECK_MSG(false, "OrderGetInteger: property not in the shim");
  }
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
  return server()->placed_by(g_selected.order.ticket);
}

bool HistorySelect(datetime from, datetime to) {
  g_selected.deals.clear();
  g_selected.orders.clear();
  if (server() == nullptr) return false;
  auto within = [from, to](int64_t ms) { return ms >= from * 1000 && ms <= to * 1000 + 999; };
  for (HistoryDeal& d : server()->history()) {
    if (within(d.time_ms)) g_selected.deals.push_back(std::move(d));
  }
  for (HistoryOrder& o : server()->history_orders()) {
    if (within(o.time_done_ms)) g_selected.orders.push_back(std::move(o));
  }
  return true;
}

int HistoryOrdersTotal() { return static_cast<int>(g_selected.orders.size()); }

ulong HistoryOrderGetTicket(int index) {
  if (index < 0 || static_cast<size_t>(index) >= g_selected.orders.size()) return 0;
  return g_selected.orders[static_cast<size_t>(index)].ticket;
}

long HistoryOrderGetInteger(ulong ticket, int property) {
  const HistoryOrder* o = find_ticket(g_selected.orders, ticket);
  if (o == nullptr) return 0;
  switch (property) {
    case ORDER_TICKET: return static_cast<long>(o->ticket);
    case ORDER_TYPE: return o->type;
    case ORDER_STATE: return o->state;
    case ORDER_MAGIC: return static_cast<long>(o->magic);
    case ORDER_POSITION_ID: return static_cast<long>(o->position);
    case ORDER_TIME_DONE_MSC: return o->time_done_ms;
    default: MTG_CHECK_MSG(false, "HistoryOrderGetInteger: property not in the shim");
  }
}

double HistoryOrderGetDouble(ulong ticket, int property) {
  const HistoryOrder* o = find_ticket(g_selected.orders, ticket);
  if (o == nullptr) return 0;
  if (property == ORDER_VOLUME_INITIAL) return o->volume;
  MTG_CHECK(property == ORDER_PRICE_OPEN);
  return o->price;
}

string HistoryOrderGetString(ulong ticket, int property) {
  const HistoryOrder* o = find_ticket(g_selected.orders, ticket);
  if (o == nullptr) return "";
  if (property == ORDER_SYMBOL) return o->symbol;
  MTG_CHECK(property == ORDER_COMMENT);
  return o->comment;
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
