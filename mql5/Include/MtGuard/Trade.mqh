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

// The outcome of client_id's deals in history (magic, or the comment when intact), summed;
// false when history shows none.
bool MtgSettleFromHistory(const IntentMsg &in, const TradeSettings &s, ResultMsg &r) {
  if (!HistorySelect((in.ts - s.history_lookback_ms) / 1000, TimeCurrent() + 86400)) return false;
  ulong magic = MtgMagic(in.client_id);
  r.client_id = in.client_id;
  r.uuid = in.uuid;
  r.leg = in.leg;
  r.filled_volume = 0;
  r.price = 0;
  r.ticket = 0;
  r.deal = 0;
  r.position = 0;
  r.reason = "";
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
  int i = journal.FindByMagic((ulong)PositionGetInteger(POSITION_MAGIC));
  if (i < 0) return "";
  IntentMsg in;
  journal.GetIntent(i, in);
  return in.uuid;
}

// Market open: one deal.
int MtgOpen(const OrderMsg &o, const TradeSettings &s, ResultMsg &r) {
  if (o.order_type != MTG_TYPE_MARKET) {
    MtgRefuse(r, 10013, "pending orders are not supported by this EA version");
    return MTG_SEND_DONE;
  }
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

// Whether the selected position is one a close by ref / close_all of `o` takes.
bool MtgCloseTakes(const OrderMsg &o, const Journal &journal) {
  if (o.action == MTG_ACTION_CLOSE) return MtgPositionRef(journal) == o.ref;
  if (o.symbol != "" && PositionGetString(POSITION_SYMBOL) != o.symbol) return false;
  bool is_long = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY;
  return o.close_side == MTG_CLOSE_BOTH || (o.close_side == MTG_CLOSE_LONG) == is_long;
}

// Close by ref or close_all: every matching position, oldest ticket first, each by a
// deal of its own, at most o.volume lots in all (0 = everything).
int MtgCloseMany(const OrderMsg &o, const Journal &journal, const TradeSettings &s, ResultMsg &r) {
  MTG_ARRAY(long, tickets);
  for (int i = 0; i < PositionsTotal(); i++) {
    if (PositionGetTicket(i) == 0 || !MtgCloseTakes(o, journal)) continue;
    int n = ArraySize(tickets);
    ArrayResize(tickets, n + 1, 16);
    tickets[n] = PositionGetInteger(POSITION_TICKET);
    for (int k = n; k > 0 && tickets[k - 1] > tickets[k]; k--) {
      long t = tickets[k];
      tickets[k] = tickets[k - 1];
      tickets[k - 1] = t;
    }
  }
  if (ArraySize(tickets) == 0) {
    MtgRefuse(r, 10036, o.action == MTG_ACTION_CLOSE ? "no open position opened by " + o.ref : "nothing to close");
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
  MqlTradeResult res;
  ZeroMemory(req);
  ZeroMemory(res);
  req.action = TRADE_ACTION_SLTP;
  req.position = (ulong)ticket;
  req.symbol = PositionGetString(POSITION_SYMBOL);
  req.sl = sl;
  req.tp = tp;
  req.magic = MtgMagic(o.client_id);
  req.comment = o.client_id;
  OrderSend(req, res);
  if (!MtgRetcodeIsCertain((int)res.retcode)) return MTG_SEND_AMBIGUOUS;
  MtgRefuse(r, (int)res.retcode, res.comment);
  return MTG_SEND_DONE;
}

// Executes the order frame; `r` carries its client_id, uuid and leg already.
int MtgExecute(const OrderMsg &o, const Journal &journal, const TradeSettings &s, ResultMsg &r) {
  if (o.action == MTG_ACTION_OPEN) return MtgOpen(o, s, r);
  if (o.action == MTG_ACTION_CLOSE && o.position != 0) return MtgClosePosition(o, s, r);
  if (o.action == MTG_ACTION_CLOSE || o.action == MTG_ACTION_CLOSE_ALL) return MtgCloseMany(o, journal, s, r);
  if (o.action == MTG_ACTION_MODIFY && o.position != 0) return MtgModifyPosition(o, o.position, r);
  MtgRefuse(r, 10013, MtgName(MTG_NAMES_ACTION, o.action) + " by ref is not supported by this EA version");
  return MTG_SEND_DONE;
}

#endif
