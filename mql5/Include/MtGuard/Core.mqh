// The EA's core: one terminal of the link protocol (docs/protocol.md "Terminal
// duties"). It answers each frame from the engine with lines in its outbox (Link.mqh
// sends them), executes each client_id at most once through its journal, settles
// after a start every intent without an outcome from the broker's history before it
// answers anything about it ("pending" meanwhile), reports trade events until they are
// acknowledged and the holdings after every change.
#ifndef MTGUARD_CORE_MQH
#define MTGUARD_CORE_MQH

#include <MtGuard/Trade.mqh>

#define MTG_TERMINAL_NAME "mt5-ea/1.0"
#define MTG_MAX_OUTBOX_LINES 100000

class MtGuardCore {
 private:
  Journal m_journal;
  TradeSettings m_settings;
  string m_instance;
  string m_token;
  long m_started_ms;
  int m_version;          // of the session, 0 before a welcome
  int m_heartbeat_ms;     // from the welcome
  MTG_ARRAY(string, m_outbox);
  string m_holdings;      // what the last positions and orders frames said
  bool m_close_link;      // the engine sent an error or a bad frame

  void Send(const string &line) {
    int n = ArraySize(m_outbox);
    MTG_ASSERT(n < MTG_MAX_OUTBOX_LINES);
    ArrayResize(m_outbox, n + 1, 64);
    m_outbox[n] = line;
  }
  // Settles order i from the broker's orders and history when it can: true when it is
  // no longer open.
  bool TrySettle(int i) {
    if (m_journal.State(i) != MTG_ORDER_OPEN) return true;
    IntentMsg in;
    m_journal.GetIntent(i, in);
    ResultMsg r;
    // A modify makes no deal, and repeating it changes nothing.
    bool idempotent = in.action == MTG_ACTION_MODIFY || in.action == MTG_ACTION_MODIFY_ORDER;
    if (!idempotent && MtgSettle(in, m_journal, m_settings, r)) {
      MTG_ASSERT(m_journal.RecordOutcome(r));
      return true;
    }
    // Nothing shows it: never executed, once history had time to arrive.
    long since = in.ts > m_started_ms ? in.ts : m_started_ms;
    bool history_complete = TerminalInfoInteger(TERMINAL_CONNECTED) != 0 &&
                            MtgNowMs() >= since + m_settings.history_grace_ms;
    if (!idempotent && !history_complete) return false;
    MTG_ASSERT(m_journal.RecordVoid(in.client_id));
    return true;
  }
  void SendResult(const ResultMsg &r) { Send(EncodeResult(r)); }
  // The answer to an order frame whose client_id the journal holds.
  void AnswerKnown(const OrderMsg &o, int i) {
    ResultMsg r;
    if (m_journal.Settled(i)) {
      m_journal.GetOutcome(i, r);
    } else {
      r.client_id = o.client_id; r.uuid = o.uuid; r.leg = o.leg; r.retcode = 10012;
      r.filled_volume = 0; r.price = 0; r.ticket = 0; r.deal = 0; r.position = 0;
      r.reason = "outcome not yet settled from history";
    }
    SendResult(r);
  }
  void HandleOrder(const OrderMsg &o) {
    int i = m_journal.Find(o.client_id);
    if (i >= 0 && TrySettle(i) && m_journal.State(i) != MTG_ORDER_VOID) { AnswerKnown(o, i); return; }
    if (i >= 0 && m_journal.State(i) == MTG_ORDER_OPEN) { AnswerKnown(o, i); return; }
    IntentMsg in;
    in.client_id = o.client_id; in.uuid = o.uuid; in.leg = o.leg; in.action = o.action;
    in.symbol = o.symbol; in.side = o.side; in.volume = o.volume; in.ts = MtgNowMs();
    in.order_type = o.action == MTG_ACTION_OPEN ? o.order_type : MTG_TYPE_MARKET;
    ResultMsg unused;
    bool names_order = o.action == MTG_ACTION_MODIFY_ORDER || o.action == MTG_ACTION_CANCEL;
    in.order = names_order ? MtgNamedOrder(o, m_journal, m_settings, unused) : 0;
    if (!m_journal.RecordIntent(in)) { Fatal("cannot write the journal"); return; }
    ResultMsg r;
    r.client_id = o.client_id; r.uuid = o.uuid; r.leg = o.leg; r.retcode = 0;
    r.filled_volume = 0; r.price = 0; r.ticket = 0; r.deal = 0; r.position = 0; r.reason = "";
    if (in.ts > o.expires_at) {
      MtgRefuse(r, 10022, "expired before execution");
    } else if (MtgExecute(o, m_journal, m_settings, r) == MTG_SEND_AMBIGUOUS) {
      i = m_journal.Find(o.client_id);
      // Settled from history, or 10012: the engine asks again (query), never resends.
      TrySettle(i);
      AnswerKnown(o, i);
      ReportHoldings(false);
      return;
    }
    if (!m_journal.RecordOutcome(r)) { Fatal("cannot write the journal"); return; }
    SendResult(r);
    ReportHoldings(false);
  }
  void HandleQuery(MTG_ARRAY_CREF(string, ids)) {
    MTG_ARRAY(KnownMsg, known);
    ArrayResize(known, ArraySize(ids));
    for (int k = 0; k < ArraySize(ids); k++) {
      known[k].result.client_id = ids[k];
      int i = m_journal.Find(ids[k]);
      if (i < 0 || (TrySettle(i) && m_journal.State(i) == MTG_ORDER_VOID)) known[k].state = "unknown";
      else if (m_journal.State(i) == MTG_ORDER_OPEN) known[k].state = "pending";
      else { known[k].state = "done"; m_journal.GetOutcome(i, known[k].result); }
    }
    int first = 0;
    do {
      int count = ArraySize(known) - first;
      if (count > MTG_MAX_KNOWN_PER_FRAME) count = MTG_MAX_KNOWN_PER_FRAME;
      Send(EncodeKnown(known, first, count));
      first += count;
    } while (first < ArraySize(known));
  }
  void HandleAck(MTG_ARRAY_CREF(string, ids)) {
    bool held = false;
    for (int k = 0; k < ArraySize(ids); k++)
      if (m_journal.HasEvent(ids[k])) held = true;
    if (held && !m_journal.RecordAck(ids)) Fatal("cannot write the journal");
  }
  void SendUnackedEvents() {
    for (int i = 0; i < m_journal.Events(); i++) {
      if (m_journal.Acked(i)) continue;
      EventMsg e;
      m_journal.GetEvent(i, e);
      Send(EncodeEvent(e));
    }
  }
  // The uuid of the signal that opened `position`, from the selected history ("" unknown).
  string RefOfPosition(long position) {
    for (int i = 0; i < HistoryDealsTotal(); i++) {
      ulong ticket = HistoryDealGetTicket(i);
      // The first deal of the position opened it (in, or inout: a netting reversal).
      if (HistoryDealGetInteger(ticket, DEAL_POSITION_ID) != position) continue;
      return m_journal.UuidByMagic((ulong)HistoryDealGetInteger(ticket, DEAL_MAGIC));
    }
    return "";
  }
  // Journals a trade event, then sends it when welcomed; false when it cannot be written.
  bool Report(const EventMsg &e) {
    if (!m_journal.RecordEvent(e)) { Fatal("cannot write the journal"); return false; }
    if (m_version >= 2) Send(EncodeEvent(e));
    return true;
  }

  // Whether the journaled order i placed a pending order.
  bool PlacedPending(int i) const {
    if (i < 0) return false;
    IntentMsg in;
    m_journal.GetIntent(i, in);
    return in.action == MTG_ACTION_OPEN && in.order_type != MTG_TYPE_MARKET;
  }

  // Every deal in the selected history the engine did not ask for: a pending order of
  // its triggered, SL, TP, stop-out, or a trade by hand or by another program.
  void ScanDeals() {
    for (int i = 0; i < HistoryDealsTotal(); i++) {
      ulong ticket = HistoryDealGetTicket(i);
      if (m_journal.HasEvent("deal:" + IntegerToString((long)ticket))) continue;
      long reason = HistoryDealGetInteger(ticket, DEAL_REASON);
      int mine = m_journal.FindByMagic((ulong)HistoryDealGetInteger(ticket, DEAL_MAGIC));
      int kind = reason == DEAL_REASON_SL ? MTG_EVENT_SL : reason == DEAL_REASON_TP ? MTG_EVENT_TP
                 : reason == DEAL_REASON_SO ? MTG_EVENT_STOP_OUT : MTG_EVENT_MANUAL;
      if (kind == MTG_EVENT_MANUAL && PlacedPending(mine)) kind = MTG_EVENT_ORDER_TRIGGERED;
      else if (kind == MTG_EVENT_MANUAL && mine >= 0) continue;
      EventMsg e;
      e.id = "deal:" + IntegerToString((long)ticket);
      e.kind = kind;
      e.symbol = HistoryDealGetString(ticket, DEAL_SYMBOL);
      e.side = HistoryDealGetInteger(ticket, DEAL_TYPE) == DEAL_TYPE_BUY ? MTG_SIDE_BUY : MTG_SIDE_SELL;
      e.volume = HistoryDealGetDouble(ticket, DEAL_VOLUME);
      e.price = HistoryDealGetDouble(ticket, DEAL_PRICE);
      e.order = HistoryDealGetInteger(ticket, DEAL_ORDER);
      e.deal = (long)ticket;
      e.position = HistoryDealGetInteger(ticket, DEAL_POSITION_ID);
      e.ref = kind == MTG_EVENT_ORDER_TRIGGERED ? m_journal.UuidByMagic((ulong)HistoryDealGetInteger(ticket, DEAL_MAGIC))
                                                : RefOfPosition(e.position);
      e.reason = HistoryDealGetString(ticket, DEAL_COMMENT);
      e.ts = HistoryDealGetInteger(ticket, DEAL_TIME_MSC);
      if (!Report(e)) return;
    }
  }

  // Every pending order in the selected history that expired, or was cancelled other
  // than by a cancel of the engine's.
  void ScanOrders() {
    for (int i = 0; i < HistoryOrdersTotal(); i++) {
      ulong ticket = HistoryOrderGetTicket(i);
      long state = HistoryOrderGetInteger(ticket, ORDER_STATE);
      if (state != ORDER_STATE_EXPIRED && state != ORDER_STATE_CANCELED) continue;
      bool expired = state == ORDER_STATE_EXPIRED;
      string id = "order:" + IntegerToString((long)ticket) + (expired ? ":expired" : ":cancelled");
      if (m_journal.HasEvent(id) || (!expired && m_journal.CancelledHere((long)ticket))) continue;
      EventMsg e;
      e.id = id;
      e.kind = expired ? MTG_EVENT_ORDER_EXPIRED : MTG_EVENT_ORDER_CANCELLED;
      e.symbol = HistoryOrderGetString(ticket, ORDER_SYMBOL);
      e.side = HistoryOrderGetInteger(ticket, ORDER_TYPE) % 2 == 0 ? MTG_SIDE_BUY : MTG_SIDE_SELL;
      e.volume = 0;
      e.price = HistoryOrderGetDouble(ticket, ORDER_PRICE_OPEN);
      e.order = (long)ticket;
      e.deal = 0;
      e.position = 0;
      e.ref = m_journal.UuidByMagic((ulong)HistoryOrderGetInteger(ticket, ORDER_MAGIC));
      e.reason = expired ? "expired" : "cancelled";
      e.ts = HistoryOrderGetInteger(ticket, ORDER_TIME_DONE_MSC);
      if (!Report(e)) return;
    }
  }

  void Fatal(const string &why) {
    Print("MtGuard: ", why);
    Send(EncodeError(why));
    m_close_link = true;
  }

 public:
  MtGuardCore() : m_started_ms(0), m_version(0), m_heartbeat_ms(1000), m_close_link(false) {}

  // Opens the journal `journal_path` of this account; false with `error` when it is
  // locked, damaged or of another account (the EA must not start then).
  bool Init(const string &journal_path, const string &instance, const string &token, const TradeSettings &settings,
            string &error) {
    m_instance = instance;
    m_token = token;
    m_settings = settings;
    m_started_ms = MtgNowMs();
    string account = IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN)) + "@" + AccountInfoString(ACCOUNT_SERVER);
    return m_journal.Open(journal_path, account, error);
  }
  void Deinit() { m_journal.Close(); }

  // A new connection: the hello.
  void OnConnected() {
    m_version = 0;
    m_close_link = false;
    Send(EncodeHello(m_instance, m_token, MTG_TERMINAL_NAME, TerminalInfoInteger(TERMINAL_CONNECTED) != 0));
  }
  void OnDisconnected() { m_version = 0; }
  bool Welcomed() const { return m_version > 0; }
  // Whether the link must be closed (after the outbox is sent).
  bool CloseRequested() const { return m_close_link; }
  int HeartbeatMs() const { return m_heartbeat_ms; }
  // broker_connected is TERMINAL_CONNECTED, as the hello says it.
  void QueueHeartbeat() { Send(EncodeHeartbeat(MtgNowMs(), TerminalInfoInteger(TERMINAL_CONNECTED) != 0)); }

  // One line from the engine, bytes[begin, end) without "\n".
  void OnLine(MTG_ARRAY_CREF(uchar, bytes), int begin, int end) {
    InboundFrame f;
    string error;
    if (!DecodeFrame(bytes, begin, end, f, error)) { Fatal("protocol error: " + error); return; }
    if (m_version == 0 && f.type != MTG_FRAME_WELCOME && f.type != MTG_FRAME_ERROR) {
      Fatal("protocol error: expected a welcome");
      return;
    }
    if (f.type == MTG_FRAME_WELCOME) {
      if (f.version < 1 || f.version > MTG_PROTOCOL_VERSION) {
        Fatal("protocol error: expected a welcome of protocol version 1..2");
        return;
      }
      m_version = f.version;
      m_heartbeat_ms = f.heartbeat_ms;
      if (m_version >= 2) SendUnackedEvents();
      ReportHoldings(true);
    } else if (f.type == MTG_FRAME_ORDER) {
      HandleOrder(f.order);
    } else if (f.type == MTG_FRAME_QUERY) {
      HandleQuery(f.ids);
    } else if (f.type == MTG_FRAME_POSITIONS_REQUEST) {
      ReportHoldings(true);
    } else if (f.type == MTG_FRAME_EVENT_ACK) {
      HandleAck(f.ids);
    } else if (f.type == MTG_FRAME_ERROR) {
      Print("MtGuard: the engine closed the link: ", f.reason);
      m_close_link = true;
    }
  }

  // The timer: settles what it can, reports new trade events and changed holdings.
  void OnTimer() {
    for (int i = 0; i < m_journal.Orders(); i++) TrySettle(i);
    ScanEvents();
    if (Welcomed()) ReportHoldings(false);
  }

  // Records (then sends, when welcomed) what the broker did without being asked.
  void ScanEvents() {
    if (!MtgSelectHistory(m_started_ms, m_settings)) return;
    ScanDeals();
    ScanOrders();
  }

  // Sends positions (and, in version 2, orders) when asked or when they changed.
  void ReportHoldings(bool always) {
    if (m_version == 0) return;
    MTG_ARRAY(PositionMsg, positions);
    int np = PositionsTotal();
    ArrayResize(positions, np);
    for (int i = 0; i < np; i++) {
      PositionGetTicket(i);
      positions[i].ticket = PositionGetInteger(POSITION_TICKET);
      positions[i].symbol = PositionGetString(POSITION_SYMBOL);
      positions[i].side = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY ? MTG_SIDE_BUY : MTG_SIDE_SELL;
      positions[i].volume = PositionGetDouble(POSITION_VOLUME);
      positions[i].price = PositionGetDouble(POSITION_PRICE_OPEN);
      positions[i].sl = PositionGetDouble(POSITION_SL);
      positions[i].tp = PositionGetDouble(POSITION_TP);
      positions[i].ref = MtgPositionRef(m_journal);
    }
    int shown = np < MTG_MAX_POSITIONS_PER_FRAME ? np : MTG_MAX_POSITIONS_PER_FRAME;
    string positions_line = EncodePositions(positions, shown, shown < np);
    MTG_ARRAY(PendingOrderMsg, orders);
    int no = OrdersTotal();
    ArrayResize(orders, no);
    for (int i = 0; i < no; i++) {
      OrderGetTicket(i);
      long type = OrderGetInteger(ORDER_TYPE);
      orders[i].ticket = OrderGetInteger(ORDER_TICKET);
      orders[i].symbol = OrderGetString(ORDER_SYMBOL);
      orders[i].side = type % 2 == 0 ? MTG_SIDE_BUY : MTG_SIDE_SELL;
      orders[i].order_type = type >= ORDER_TYPE_BUY_STOP_LIMIT ? MTG_TYPE_STOP_LIMIT
                             : type >= ORDER_TYPE_BUY_STOP     ? MTG_TYPE_STOP
                                                               : MTG_TYPE_LIMIT;
      orders[i].volume = OrderGetDouble(ORDER_VOLUME_CURRENT);
      orders[i].price = OrderGetDouble(ORDER_PRICE_OPEN);
      orders[i].stop_limit_price = OrderGetDouble(ORDER_PRICE_STOPLIMIT);
      orders[i].sl = OrderGetDouble(ORDER_SL);
      orders[i].tp = OrderGetDouble(ORDER_TP);
      orders[i].expiration = OrderGetInteger(ORDER_TIME_EXPIRATION) * 1000;
      orders[i].ref = m_journal.UuidByMagic((ulong)OrderGetInteger(ORDER_MAGIC));
    }
    int shown_orders = no < MTG_MAX_ORDERS_PER_FRAME ? no : MTG_MAX_ORDERS_PER_FRAME;
    string orders_line = EncodeOrders(orders, shown_orders, shown_orders < no);
    if (!always && positions_line + orders_line == m_holdings) return;
    m_holdings = positions_line + orders_line;
    Send(positions_line);
    if (m_version >= 2) Send(orders_line);
  }

  // Whether the engine acknowledged the trade event `id` ("deal:<ticket>",
  // "order:<ticket>:expired", ...).
  bool EventAcked(const string &id) const { return m_journal.EventAcked(id); }

  int OutboxSize() const { return ArraySize(m_outbox); }
  // Takes every line waiting to be sent, oldest first.
  void TakeOutbox(MTG_ARRAY_REF(string, lines)) {
    ArrayResize(lines, ArraySize(m_outbox));
    for (int i = 0; i < ArraySize(m_outbox); i++) lines[i] = m_outbox[i];
    ArrayResize(m_outbox, 0);
  }
};

#endif
