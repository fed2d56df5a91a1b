// Carrying out one order frame at the trade server, and learning an order's outcome
// from the broker's history (docs/protocol.md "Terminal duties"). Every request
// carries the client_id twice: as its comment (at most 31 characters, which servers
// may cut or rewrite) and as its magic, MtgMagic(client_id); history is searched by
// either. A retcode the EA cannot vouch for (10012, 10011, 10031, 0, any unknown code)
// is never read as "not executed": the outcome is then taken from history.
#ifndef MTGUARD_TRADE_MQH
#define MTGUARD_TRADE_MQH

#include <MtGuard/Filling.mqh>
#include <MtGuard/Journal.mqh>

#define MTG_LOTS_EPSILON 0.000001
#define MTG_SEND_DONE 0       // the result is known and filled in
#define MTG_SEND_AMBIGUOUS 1  // it may have executed: settle from history

// Whether the trade server's retcode says for sure what happened.
bool MtgRetcodeIsCertain(int retcode) {
  string certain = ",10004,10006,10008,10009,10010,10013,10014,10015,10016,10017,10018,10019,10020,10021,10022,"
                   "10025,10027,10030,10036,";
  return StringFind(certain, "," + IntegerToString(retcode) + ",") >= 0;
}

// The settings of the EA that trading needs (its inputs).
struct TradeSettings {
  long deviation_points;      // market orders whose frame names none
  string filling_override;    // "" = per symbol (Filling.mqh)
  long history_lookback_ms;   // how far before an intent history is searched
  long history_grace_ms;      // how long history may lag after a start or a send
};

void MtgRefuse(ResultMsg &r, int retcode, const string &reason) {
  r.retcode = retcode;
  r.reason = reason;
}

// The position a deal opened, changed or closed (0 when history does not show the deal).
long MtgDealPosition(long deal, long since_ms) {
  if (deal == 0 || !HistorySelect(since_ms / 1000 - 1, TimeCurrent() + 86400)) return 0;
  return HistoryDealGetInteger((ulong)deal, DEAL_POSITION_ID);
}

// Sends one market deal for client_id and adds what it filled to `r` (volume summed,
// price averaged, last order and deal). MTG_SEND_AMBIGUOUS when the retcode is not certain.
int MtgSendDeal(const string &client_id, const string &symbol, bool buy, double volume, long position, double sl,
                double tp, long deviation, const TradeSettings &s, ResultMsg &r) {
  MqlTradeRequest req;
  MqlTradeResult res;
  ZeroMemory(req);
  ZeroMemory(res);
  req.action = TRADE_ACTION_DEAL;
  req.symbol = symbol;
  req.volume = volume;
  req.type = (ENUM_ORDER_TYPE)(buy ? ORDER_TYPE_BUY : ORDER_TYPE_SELL);
  req.price = SymbolInfoDouble(symbol, buy ? SYMBOL_ASK : SYMBOL_BID);
  req.sl = sl;
  req.tp = tp;
  req.deviation = (ulong)(deviation > 0 ? deviation : s.deviation_points);
  req.position = (ulong)position;
  req.magic = MtgMagic(client_id);
  req.comment = client_id;
  req.type_filling = (ENUM_ORDER_TYPE_FILLING)MtgFillingFor(symbol, s.filling_override);
  OrderSend(req, res);
  int retcode = (int)res.retcode;
  if (!MtgRetcodeIsCertain(retcode)) return MTG_SEND_AMBIGUOUS;
  r.retcode = retcode;
  r.reason = res.comment;
  if (res.volume > 0) {
    r.price = (r.price * r.filled_volume + res.price * res.volume) / (r.filled_volume + res.volume);
    r.filled_volume += res.volume;
    r.ticket = (long)res.order;
    r.deal = (long)res.deal;
  }
  return MTG_SEND_DONE;
}

// `r` as the outcome of `in` before anything is known of it.
void MtgBlankResult(const IntentMsg &in, ResultMsg &r) {
  r.client_id = in.client_id;
  r.uuid = in.uuid;
  r.leg = in.leg;
  r.retcode = 0;
  r.filled_volume = 0;
  r.price = 0;
  r.ticket = 0;
  r.deal = 0;
  r.position = 0;
  r.reason = "";
}

// Selects history from `lookback_ms` before `from_ms` until now (and a day, for clocks apart).
bool MtgSelectHistory(long from_ms, const TradeSettings &s) {
  return HistorySelect((from_ms - s.history_lookback_ms) / 1000, TimeCurrent() + 86400);
}

// The outcome of client_id's deals in history (magic, or the comment when intact), summed;
// false when history shows none.
bool MtgSettleFromHistory(const IntentMsg &in, const TradeSettings &s, ResultMsg &r) {
  if (!MtgSelectHistory(in.ts, s)) return false;
  ulong magic = MtgMagic(in.client_id);
  MtgBlankResult(in, r);
  int found = 0;
  for (int i = 0; i < HistoryDealsTotal(); i++) {
    ulong ticket = HistoryDealGetTicket(i);
    bool mine = (ulong)HistoryDealGetInteger(ticket, DEAL_MAGIC) == magic ||
                HistoryDealGetString(ticket, DEAL_COMMENT) == in.client_id;
    if (!mine) continue;
    double volume = HistoryDealGetDouble(ticket, DEAL_VOLUME);
    r.price = (r.price * r.filled_volume + HistoryDealGetDouble(ticket, DEAL_PRICE) * volume) / (r.filled_volume + volume);
    r.filled_volume += volume;
    r.ticket = HistoryDealGetInteger(ticket, DEAL_ORDER);
    r.deal = (long)ticket;
    r.position = HistoryDealGetInteger(ticket, DEAL_POSITION_ID);
    found++;
  }
  if (found == 0) return false;
  bool partial = in.action == MTG_ACTION_OPEN && r.filled_volume < in.volume - MTG_LOTS_EPSILON;
  r.retcode = partial ? 10010 : 10009;
  r.reason = "settled from history";
  return true;
}

// The uuid of the open signal whose order opened the selected position ("" when unknown).
string MtgPositionRef(const Journal &journal) {
  return journal.UuidByMagic((ulong)PositionGetInteger(POSITION_MAGIC));
}

// The outcome of a pending placement by client_id: the order it placed, resting (active
// orders) or gone (history's orders), found by magic or the comment when intact; false
// when neither shows it.
bool MtgSettlePlacement(const IntentMsg &in, const TradeSettings &s, ResultMsg &r) {
  ulong magic = MtgMagic(in.client_id);
  long ticket = 0;
  for (int i = 0; i < OrdersTotal() && ticket == 0; i++) {
    ulong t = OrderGetTicket(i);
    if (t != 0 && ((ulong)OrderGetInteger(ORDER_MAGIC) == magic || OrderGetString(ORDER_COMMENT) == in.client_id))
      ticket = (long)t;
  }
  if (ticket == 0 && MtgSelectHistory(in.ts, s)) {
    for (int i = 0; i < HistoryOrdersTotal() && ticket == 0; i++) {
      ulong t = HistoryOrderGetTicket(i);
      if ((ulong)HistoryOrderGetInteger(t, ORDER_MAGIC) == magic || HistoryOrderGetString(t, ORDER_COMMENT) == in.client_id)
        ticket = (long)t;
    }
  }
  if (ticket == 0) return false;
  MtgBlankResult(in, r);
  r.retcode = 10008;
  r.ticket = ticket;
  r.reason = "settled from history";
  return true;
}

// What became of a pending order that no longer rests: `ticket`, or (ticket 0) the newest
// placed by the signal `ref`. Its ORDER_STATE, with `r` refused naming it ("filled:
// position N", "expired", "cancelled"); -1 when history does not show it.
long MtgOrderFate(long ticket, const string &ref, const Journal &journal, const TradeSettings &s, ResultMsg &r) {
  if (!MtgSelectHistory(MtgNowMs(), s)) return -1;
  for (int i = HistoryOrdersTotal() - 1; i >= 0; i--) {
    ulong t = HistoryOrderGetTicket(i);
    bool named = ticket != 0 ? (long)t == ticket
                             : ref != "" && journal.UuidByMagic((ulong)HistoryOrderGetInteger(t, ORDER_MAGIC)) == ref;
    if (!named) continue;
    long state = HistoryOrderGetInteger(t, ORDER_STATE);
    r.ticket = (long)t;
    if (state == ORDER_STATE_FILLED) {
      r.position = HistoryOrderGetInteger(t, ORDER_POSITION_ID);
      MtgRefuse(r, 10013, "filled: position " + IntegerToString(r.position));
    } else {
      MtgRefuse(r, 10013, state == ORDER_STATE_EXPIRED ? "expired" : "cancelled");
    }
    return state;
  }
  return -1;
}

// The outcome of a cancel of in.order from what the order became; false while it still
// rests or history does not show it.
bool MtgSettleCancel(const IntentMsg &in, const Journal &journal, const TradeSettings &s, ResultMsg &r) {
  if (in.order == 0 || OrderSelect((ulong)in.order)) return false;
  MtgBlankResult(in, r);
  long state = MtgOrderFate(in.order, "", journal, s, r);
  if (state == ORDER_STATE_CANCELED) MtgRefuse(r, 10009, "settled from history");
  return state >= 0;
}

// The outcome of an order the EA cannot vouch for, from the broker's orders and history;
// false when they do not show it (yet).
bool MtgSettle(const IntentMsg &in, const Journal &journal, const TradeSettings &s, ResultMsg &r) {
  if (in.action == MTG_ACTION_OPEN && in.order_type != MTG_TYPE_MARKET) return MtgSettlePlacement(in, s, r);
  if (in.action == MTG_ACTION_CANCEL) return MtgSettleCancel(in, journal, s, r);
  return MtgSettleFromHistory(in, s, r);
}

// MQL5's ENUM_ORDER_TYPE of a pending order of MtgOrderType `type` on MtgSide `side`.
int MtgPendingOrderType(int type, int side) {
  int buy = type == MTG_TYPE_STOP_LIMIT ? ORDER_TYPE_BUY_STOP_LIMIT
            : type == MTG_TYPE_STOP     ? ORDER_TYPE_BUY_STOP
                                        : ORDER_TYPE_BUY_LIMIT;
  return side == MTG_SIDE_SELL ? buy + 1 : buy;
}

// The request's expiration, Unix ms (0 = good till cancelled), in whole seconds rounded up.
void MtgSetExpiration(MqlTradeRequest &req, long expiration_ms) {
  req.type_time = expiration_ms > 0 ? ORDER_TIME_SPECIFIED : ORDER_TIME_GTC;
  req.expiration = (datetime)(expiration_ms > 0 ? (expiration_ms + 999) / 1000 : 0);
}

// Sends a request that makes no deal (pending, modify, remove, sltp) for client_id;
// MTG_SEND_AMBIGUOUS when the retcode is not certain, else its retcode, comment and
// order ticket are in `r`.
int MtgSendRequest(MqlTradeRequest &req, const string &client_id, ResultMsg &r) {
  MqlTradeResult res;
  ZeroMemory(res);
  req.magic = MtgMagic(client_id);
  req.comment = client_id;
  OrderSend(req, res);
  if (!MtgRetcodeIsCertain((int)res.retcode)) return MTG_SEND_AMBIGUOUS;
  MtgRefuse(r, (int)res.retcode, res.comment);
  if (res.order != 0) r.ticket = (long)res.order;
  return MTG_SEND_DONE;
}

// Pending open: the order rests at the broker (10008) until it triggers, expires or is
// cancelled.
int MtgPlacePending(const OrderMsg &o, const TradeSettings &s, ResultMsg &r) {
  MqlTradeRequest req;
  ZeroMemory(req);
  req.action = TRADE_ACTION_PENDING;
  req.symbol = o.symbol;
  req.volume = o.volume;
  req.type = (ENUM_ORDER_TYPE)MtgPendingOrderType(o.order_type, o.side);
  req.price = o.price;
  req.stoplimit = o.order_type == MTG_TYPE_STOP_LIMIT ? o.stop_limit_price : 0;
  req.sl = o.sl;
  req.tp = o.tp;
  req.type_filling = (ENUM_ORDER_TYPE_FILLING)MtgFillingFor(o.symbol, s.filling_override);
  MtgSetExpiration(req, o.expiration);
  return MtgSendRequest(req, o.client_id, r);
}

// The resting pending order a modify_order or cancel names (its ticket, else the one
// order placed by its ref), selected; 0 with `r` refused when there is none.
long MtgNamedOrder(const OrderMsg &o, const Journal &journal, const TradeSettings &s, ResultMsg &r) {
  if (o.order != 0) {
    if (OrderSelect((ulong)o.order)) return o.order;
    if (MtgOrderFate(o.order, "", journal, s, r) < 0) MtgRefuse(r, 10013, "order " + IntegerToString(o.order) + " not found");
    return 0;
  }
  if (o.ref == "") {
    MtgRefuse(r, 10013, MtgName(MTG_NAMES_ACTION, o.action) + " needs an order ticket or a ref");
    return 0;
  }
  long found = 0;
  int count = 0;
  for (int i = 0; i < OrdersTotal(); i++) {
    ulong t = OrderGetTicket(i);
    if (t == 0 || journal.UuidByMagic((ulong)OrderGetInteger(ORDER_MAGIC)) != o.ref) continue;
    found = (long)t;
    count++;
  }
  if (count == 1 && OrderSelect((ulong)found)) return found;
  if (count > 1) MtgRefuse(r, 10013, o.ref + " names several pending orders");
  else if (MtgOrderFate(0, o.ref, journal, s, r) < 0) MtgRefuse(r, 10013, "no pending order placed by " + o.ref);
  return 0;
}

// Gives the selected pending order `ticket` the frame's values (absent = unchanged);
// 10025 when they are in place already.
int MtgModifyOrder(const OrderMsg &o, long ticket, ResultMsg &r) {
  r.ticket = ticket;
  double price = OrderGetDouble(ORDER_PRICE_OPEN);
  double limit = OrderGetDouble(ORDER_PRICE_STOPLIMIT);
  double sl = OrderGetDouble(ORDER_SL);
  double tp = OrderGetDouble(ORDER_TP);
  long expiration_s = OrderGetInteger(ORDER_TIME_EXPIRATION);
  MqlTradeRequest req;
  ZeroMemory(req);
  req.action = TRADE_ACTION_MODIFY;
  req.order = (ulong)ticket;
  req.symbol = OrderGetString(ORDER_SYMBOL);
  req.price = o.has_price ? o.price : price;
  bool stop_limit = OrderGetInteger(ORDER_TYPE) >= ORDER_TYPE_BUY_STOP_LIMIT;
  req.stoplimit = stop_limit && o.has_stop_limit_price ? o.stop_limit_price : limit;
  req.sl = o.has_sl ? o.sl : sl;
  req.tp = o.has_tp ? o.tp : tp;
  MtgSetExpiration(req, o.has_expiration ? o.expiration : expiration_s * 1000);
  if (req.price == price && req.stoplimit == limit && req.sl == sl && req.tp == tp && req.expiration == expiration_s) {
    MtgRefuse(r, 10025, "no changes");
    return MTG_SEND_DONE;
  }
  return MtgSendRequest(req, o.client_id, r);
}

// Removes the pending order `ticket` (10009: cancelled).
int MtgCancelOrder(const OrderMsg &o, long ticket, ResultMsg &r) {
  MqlTradeRequest req;
  ZeroMemory(req);
  req.action = TRADE_ACTION_REMOVE;
  req.order = (ulong)ticket;
  r.ticket = ticket;
  return MtgSendRequest(req, o.client_id, r);
}

// Open: a market deal, or a pending order.
int MtgOpen(const OrderMsg &o, const TradeSettings &s, ResultMsg &r) {
  if (o.order_type != MTG_TYPE_MARKET) return MtgPlacePending(o, s, r);
  int sent = MtgSendDeal(o.client_id, o.symbol, o.side == MTG_SIDE_BUY, o.volume, 0, o.sl, o.tp, o.deviation, s, r);
  if (sent == MTG_SEND_DONE && r.deal != 0) r.position = MtgDealPosition(r.deal, MtgNowMs() - 60000);
  return sent;
}

// Closes up to `volume` lots (0 = all) of the selected position with one deal.
int MtgCloseSelected(const OrderMsg &o, double volume, const TradeSettings &s, ResultMsg &r) {
  long ticket = PositionGetInteger(POSITION_TICKET);
  double held = PositionGetDouble(POSITION_VOLUME);
  double lots = volume > 0 && volume < held ? volume : held;
  bool buy = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_SELL;  // the closing deal's side
  int sent = MtgSendDeal(o.client_id, PositionGetString(POSITION_SYMBOL), buy, lots, ticket, 0, 0, 0, s, r);
  r.position = ticket;
  return sent;
}

// Close by position ticket, executed only while it holds at least expected_volume.
int MtgClosePosition(const OrderMsg &o, const TradeSettings &s, ResultMsg &r) {
  if (!PositionSelectByTicket((ulong)o.position)) {
    MtgRefuse(r, 10036, "position " + IntegerToString(o.position) + " is not open");
    return MTG_SEND_DONE;
  }
  double held = PositionGetDouble(POSITION_VOLUME);
  if (o.expected_volume > 0 && held < o.expected_volume - MTG_LOTS_EPSILON) {
    MtgRefuse(r, 10013, "position " + IntegerToString(o.position) + " holds " + DoubleToString(held, 2) +
                            " lots, expected " + DoubleToString(o.expected_volume, 2));
    r.position = o.position;
    return MTG_SEND_DONE;
  }
  return MtgCloseSelected(o, o.volume, s, r);
}

// Whether the selected position is one a close or modify by ref / close_all of `o` takes.
bool MtgTakes(const OrderMsg &o, const Journal &journal) {
  if (o.action != MTG_ACTION_CLOSE_ALL) return MtgPositionRef(journal) == o.ref;
  if (o.symbol != "" && PositionGetString(POSITION_SYMBOL) != o.symbol) return false;
  bool is_long = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY;
  return o.close_side == MTG_CLOSE_BOTH || (o.close_side == MTG_CLOSE_LONG) == is_long;
}

// The tickets of the positions `o` takes (MtgTakes), oldest first.
void MtgTakenPositions(const OrderMsg &o, const Journal &journal, MTG_ARRAY_REF(long, tickets)) {
  ArrayResize(tickets, 0);
  for (int i = 0; i < PositionsTotal(); i++) {
    if (PositionGetTicket(i) == 0 || !MtgTakes(o, journal)) continue;
    int n = ArraySize(tickets);
    ArrayResize(tickets, n + 1, 16);
    tickets[n] = PositionGetInteger(POSITION_TICKET);
    for (int k = n; k > 0 && tickets[k - 1] > tickets[k]; k--) {
      long t = tickets[k];
      tickets[k] = tickets[k - 1];
      tickets[k - 1] = t;
    }
  }
}

// Close by ref or close_all: every matching position, oldest ticket first, each by a
// deal of its own, at most o.volume lots in all (0 = everything).
int MtgCloseMany(const OrderMsg &o, const Journal &journal, const TradeSettings &s, ResultMsg &r) {
  MTG_ARRAY(long, tickets);
  MtgTakenPositions(o, journal, tickets);
  if (ArraySize(tickets) == 0) {
    MtgRefuse(r, 10036, o.action == MTG_ACTION_CLOSE ? "no open position opened by " + o.ref : "nothing to close");
    return MTG_SEND_DONE;
  }
  double held = 0;
  for (int i = 0; i < ArraySize(tickets); i++)
    if (PositionSelectByTicket((ulong)tickets[i])) held += PositionGetDouble(POSITION_VOLUME);
  if (o.expected_volume > 0 && held < o.expected_volume - MTG_LOTS_EPSILON) {
    MtgRefuse(r, 10013, "positions hold " + DoubleToString(held, 2) + " lots, expected " +
                            DoubleToString(o.expected_volume, 2));
    return MTG_SEND_DONE;
  }
  bool complete = true;
  for (int i = 0; i < ArraySize(tickets); i++) {
    double left = o.volume > 0 ? o.volume - r.filled_volume : 0;
    if (o.volume > 0 && left < MTG_LOTS_EPSILON) break;
    if (!PositionSelectByTicket((ulong)tickets[i])) continue;
    int sent = MtgCloseSelected(o, left, s, r);
    if (sent == MTG_SEND_AMBIGUOUS) return sent;
    if (r.retcode != 10009) complete = false;
  }
  if (r.filled_volume > 0) r.retcode = complete ? 10009 : 10010;
  return MTG_SEND_DONE;
}

// Sets sl/tp of the position `ticket`; 10025 when they are already in place.
int MtgModifyPosition(const OrderMsg &o, long ticket, ResultMsg &r) {
  if (!PositionSelectByTicket((ulong)ticket)) {
    MtgRefuse(r, 10036, "position " + IntegerToString(ticket) + " is not open");
    return MTG_SEND_DONE;
  }
  r.position = ticket;
  double sl = o.has_sl ? o.sl : PositionGetDouble(POSITION_SL);
  double tp = o.has_tp ? o.tp : PositionGetDouble(POSITION_TP);
  if (sl == PositionGetDouble(POSITION_SL) && tp == PositionGetDouble(POSITION_TP)) {
    MtgRefuse(r, 10025, "no changes");
    return MTG_SEND_DONE;
  }
  MqlTradeRequest req;
  ZeroMemory(req);
  req.action = TRADE_ACTION_SLTP;
  req.position = (ulong)ticket;
  req.symbol = PositionGetString(POSITION_SYMBOL);
  req.sl = sl;
  req.tp = tp;
  return MtgSendRequest(req, o.client_id, r);
}

// Modify by ref: the stops of every position the signal opened, each by a request of
// its own; 10025 when every one has them already.
int MtgModifyMany(const OrderMsg &o, const Journal &journal, ResultMsg &r) {
  MTG_ARRAY(long, tickets);
  MtgTakenPositions(o, journal, tickets);
  if (ArraySize(tickets) == 0) {
    MtgRefuse(r, 10036, "no open position opened by " + o.ref);
    return MTG_SEND_DONE;
  }
  long changed = 0;
  for (int i = 0; i < ArraySize(tickets); i++) {
    if (MtgModifyPosition(o, tickets[i], r) == MTG_SEND_AMBIGUOUS) return MTG_SEND_AMBIGUOUS;
    if (r.retcode == 10009 && changed == 0) changed = tickets[i];
    if (r.retcode != 10009 && r.retcode != 10025) return MTG_SEND_DONE;
  }
  if (changed != 0) MtgRefuse(r, 10009, "");
  r.position = changed != 0 ? changed : tickets[0];
  return MTG_SEND_DONE;
}

// Executes the order frame; `r` carries its client_id, uuid and leg already.
int MtgExecute(const OrderMsg &o, const Journal &journal, const TradeSettings &s, ResultMsg &r) {
  if (o.action == MTG_ACTION_OPEN) return MtgOpen(o, s, r);
  if (o.action == MTG_ACTION_CLOSE && o.position != 0) return MtgClosePosition(o, s, r);
  if (o.action == MTG_ACTION_CLOSE || o.action == MTG_ACTION_CLOSE_ALL) return MtgCloseMany(o, journal, s, r);
  if (o.action == MTG_ACTION_MODIFY && o.position != 0) return MtgModifyPosition(o, o.position, r);
  if (o.action == MTG_ACTION_MODIFY) return MtgModifyMany(o, journal, r);
  long ticket = MtgNamedOrder(o, journal, s, r);
  if (ticket == 0) return MTG_SEND_DONE;
  if (o.action == MTG_ACTION_MODIFY_ORDER) return MtgModifyOrder(o, ticket, r);
  MTG_ASSERT(o.action == MTG_ACTION_CANCEL);
  return MtgCancelOrder(o, ticket, r);
}

#endif
