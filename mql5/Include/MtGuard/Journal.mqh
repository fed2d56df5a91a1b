// The EA's write-ahead journal (docs/protocol.md "Terminal duties"): one binary UTF-8
// file per instance and account, one record per line, "<crc32 hex> <json>\n". An
// intent is flushed before OrderSend and an outcome before its result is sent; a trade
// event is flushed before it is sent and kept until an ack record names it. On open
// the file is replayed: a torn last line (no "\n": a crash mid-write) is dropped and
// cut away by rewriting the file; any other damage, or a journal of another account,
// refuses to start. The file stays open without FILE_SHARE_WRITE, which is the lock:
// a second EA of the same instance cannot open it.
#ifndef MTGUARD_JOURNAL_MQH
#define MTGUARD_JOURNAL_MQH

#include <MtGuard/Frames.mqh>
#include <MtGuard/Hash.mqh>

#define MTG_MAX_JOURNAL_RECORDS 1000000

// The state of an order in the journal.
#define MTG_ORDER_OPEN 0     // intent written, outcome not known
#define MTG_ORDER_SETTLED 1  // outcome written
#define MTG_ORDER_VOID 2     // the broker never executed it: a resend may execute it

// What was about to be sent to the trade server for one client_id.
struct IntentMsg {
  string client_id;
  string uuid;
  int leg;
  int action;  // MtgAction
  string symbol;
  int side;    // MtgSide
  double volume;
  long ts;     // Unix ms
  int order_type;  // MtgOrderType of an open
  long order;      // modify_order, cancel: the pending order's ticket (0 = none found)
};

void ReadResultFields(const JsonObject &obj, FieldReader &r, ResultMsg &f) {
  f.client_id = r.Str(obj, "client_id", MTG_MAX_CLIENT_ID_CHARS);
  f.uuid = r.Str(obj, "uuid", MTG_MAX_UUID_CHARS);
  f.leg = (int)r.Integer(obj, "leg", 0, MTG_MAX_LEG);
  f.retcode = (int)r.Integer(obj, "retcode", 0, MTG_MAX_RETCODE);
  f.filled_volume = r.Number(obj, "filled_volume");
  f.price = r.Number(obj, "price");
  f.ticket = r.Integer(obj, "ticket", 0, MTG_INT64_MAX);
  f.deal = r.Integer(obj, "deal", 0, MTG_INT64_MAX);
  f.reason = r.Str(obj, "reason", MTG_MAX_RESULT_REASON_CHARS);
  f.position = r.Has(obj, "position") ? r.Integer(obj, "position", 0, MTG_INT64_MAX) : 0;
}

void ReadEventFields(const JsonObject &obj, FieldReader &r, EventMsg &e) {
  e.id = r.Str(obj, "id", MTG_MAX_EVENT_ID_CHARS, 1);
  e.kind = r.Name(obj, "kind", MTG_NAMES_EVENT_KIND);
  e.symbol = r.Str(obj, "symbol", MTG_MAX_SYMBOL_CHARS);
  e.side = r.Name(obj, "side", MTG_NAMES_SIDE);
  e.volume = r.Number(obj, "volume");
  e.price = r.Number(obj, "price");
  e.order = r.Integer(obj, "order", 0, MTG_INT64_MAX);
  e.deal = r.Integer(obj, "deal", 0, MTG_INT64_MAX);
  e.position = r.Integer(obj, "position", 0, MTG_INT64_MAX);
  e.ref = r.Str(obj, "ref", MTG_MAX_UUID_CHARS);
  e.reason = r.Str(obj, "reason", MTG_MAX_RESULT_REASON_CHARS);
  e.ts = r.Integer(obj, "ts", 0, MTG_INT64_MAX);
}

class Journal {
 private:
  int m_handle;
  string m_path;
  string m_account;  // "<login>@<server>"
  int m_records;
  // Orders, by client_id: an intent, and its outcome once settled.
  MTG_ARRAY(IntentMsg, m_intent);
  MTG_ARRAY(int, m_settled);  // MTG_ORDER_OPEN, _SETTLED or _VOID
  MTG_ARRAY(ulong, m_magic);  // MtgMagic of the client_id
  MTG_ARRAY(ResultMsg, m_outcome);
  // Trade events, in the order they happened, and whether the engine acknowledged them.
  MTG_ARRAY(EventMsg, m_event);
  MTG_ARRAY(int, m_acked);    // 1 once acknowledged

  int FindEvent(const string &id) const {
    for (int i = ArraySize(m_event) - 1; i >= 0; i--)
      if (m_event[i].id == id) return i;
    return -1;
  }
  // Applies one record's JSON; false with `error` when it does not fit.
  bool Apply(const JsonObject &obj, string &error) {
    FieldReader r;
    string rec = r.Str(obj, "rec", MTG_MAX_NAME_CHARS);
    if (m_records == 0 && rec != "account") { error = "the first record is not the account"; return false; }
    if (rec == "account") {
      string account = r.Str(obj, "account", 256);
      if (r.Ok() && account != m_account) {
        error = "journal of account " + account + ", this terminal is logged in to " + m_account;
        return false;
      }
    } else if (rec == "intent") {
      IntentMsg in;
      in.client_id = r.Str(obj, "client_id", MTG_MAX_CLIENT_ID_CHARS);
      in.uuid = r.Str(obj, "uuid", MTG_MAX_UUID_CHARS);
      in.leg = (int)r.Integer(obj, "leg", 0, MTG_MAX_LEG);
      in.action = r.Name(obj, "action", MTG_NAMES_ACTION);
      in.symbol = r.Str(obj, "symbol", MTG_MAX_SYMBOL_CHARS);
      in.side = r.Name(obj, "side", MTG_NAMES_SIDE);
      in.volume = r.Number(obj, "volume");
      in.ts = r.Integer(obj, "ts", 0, MTG_INT64_MAX);
      in.order_type = r.Has(obj, "type") ? r.Name(obj, "type", MTG_NAMES_ORDER_TYPE) : MTG_TYPE_MARKET;
      in.order = r.Has(obj, "order") ? r.Integer(obj, "order", 0, MTG_INT64_MAX) : 0;
      int earlier = r.Ok() ? Find(in.client_id) : -1;
      if (earlier >= 0 && m_settled[earlier] != MTG_ORDER_VOID) { error = "a second intent of " + in.client_id; return false; }
      if (r.Ok()) {
        int n = ArraySize(m_intent);
        ArrayResize(m_intent, n + 1, 256); ArrayResize(m_settled, n + 1, 256); ArrayResize(m_outcome, n + 1, 256);
        ArrayResize(m_magic, n + 1, 256);
        m_intent[n] = in;
        m_settled[n] = MTG_ORDER_OPEN;
        m_magic[n] = MtgMagic(in.client_id);
      }
    } else if (rec == "outcome") {
      ResultMsg res;
      ReadResultFields(obj, r, res);
      int i = r.Ok() ? Find(res.client_id) : -1;
      if (r.Ok() && (i < 0 || m_settled[i] != MTG_ORDER_OPEN)) { error = "an outcome of " + res.client_id + " without an open intent"; return false; }
      if (r.Ok()) { m_outcome[i] = res; m_settled[i] = MTG_ORDER_SETTLED; }
    } else if (rec == "void") {
      string client_id = r.Str(obj, "client_id", MTG_MAX_CLIENT_ID_CHARS);
      int i = r.Ok() ? Find(client_id) : -1;
      if (r.Ok() && (i < 0 || m_settled[i] != MTG_ORDER_OPEN)) { error = "a void of " + client_id + " without an open intent"; return false; }
      if (r.Ok()) m_settled[i] = MTG_ORDER_VOID;
    } else if (rec == "event") {
      EventMsg e;
      ReadEventFields(obj, r, e);
      if (r.Ok() && FindEvent(e.id) < 0) {
        int n = ArraySize(m_event);
        ArrayResize(m_event, n + 1, 256); ArrayResize(m_acked, n + 1, 256);
        m_event[n] = e;
        m_acked[n] = 0;
      }
    } else if (rec == "ack") {
      MTG_ARRAY(string, ids);
      r.Strings(obj, "ids", MTG_MAX_EVENT_ACK_IDS, MTG_MAX_EVENT_ID_CHARS, 1, ids);
      for (int k = 0; r.Ok() && k < ArraySize(ids); k++) {
        int e = FindEvent(ids[k]);
        if (e >= 0) m_acked[e] = 1;
      }
    } else if (r.Ok()) {
      error = "unknown record \"" + rec + "\"";
      return false;
    }
    if (!r.Ok()) { error = r.Error(); return false; }
    m_records++;
    return true;
  }
  // Checks and applies the line bytes[begin, end) (without its "\n").
  bool ApplyLine(MTG_ARRAY_CREF(uchar, bytes), int begin, int end, string &error) {
    if (end - begin < 10 || bytes[begin + 8] != ' ') { error = "not a journal line"; return false; }
    string crc = CharArrayToString(bytes, begin, 8, CP_UTF8);
    if (crc != MtgHex32(MtgCrc32(bytes, begin + 9, end))) { error = "checksum mismatch"; return false; }
    JsonObject obj;
    if (!obj.Parse(bytes, begin + 9, end)) { error = obj.Error(); return false; }
    return Apply(obj, error);
  }
  // Rewrites the journal as bytes[0, length): what is left after a torn last line.
  bool Rewrite(MTG_ARRAY_CREF(uchar, bytes), int length, string &error) {
    FileClose(m_handle);
    m_handle = INVALID_HANDLE;
    string tmp = m_path + ".tmp";
    int h = FileOpen(tmp, FILE_WRITE | FILE_BIN);
    if (h == INVALID_HANDLE) { error = "cannot write " + tmp + " (error " + IntegerToString(GetLastError()) + ")"; return false; }
    bool written = length == 0 || FileWriteArray(h, bytes, 0, length) == (uint)length;
    FileFlush(h);
    FileClose(h);
    if (!written || !FileMove(tmp, 0, m_path, FILE_REWRITE)) { error = "cannot replace " + m_path; return false; }
    return OpenLocked(error);
  }
  bool OpenLocked(string &error) {
    m_handle = FileOpen(m_path, FILE_READ | FILE_WRITE | FILE_BIN | FILE_SHARE_READ);
    if (m_handle == INVALID_HANDLE) {
      error = "cannot open the journal " + m_path + " (error " + IntegerToString(GetLastError()) +
              "): is another MtGuard EA of this instance running?";
      return false;
    }
    return true;
  }
  bool Append(const string &json) {
    MTG_ASSERT(m_handle != INVALID_HANDLE);
    if (m_records >= MTG_MAX_JOURNAL_RECORDS) return false;
    MTG_ARRAY(uchar, body);
    int n = StringToCharArray(json, body, 0, WHOLE_ARRAY, CP_UTF8) - 1;
    string line = MtgHex32(MtgCrc32(body, 0, n)) + " " + json + "\n";
    MTG_ARRAY(uchar, bytes);
    int size = StringToCharArray(line, bytes, 0, WHOLE_ARRAY, CP_UTF8) - 1;
    FileSeek(m_handle, 0, SEEK_END);
    if (FileWriteArray(m_handle, bytes, 0, size) != (uint)size) return false;
    FileFlush(m_handle);
    string error = "";
    JsonObject obj;
    MTG_ASSERT(obj.Parse(body, 0, n));
    bool applied = Apply(obj, error);
    MTG_ASSERT(applied);
    return true;
  }

 public:
  Journal() : m_handle(INVALID_HANDLE), m_records(0) {}

  // Opens (creating) the journal at `path` for the account `login_server`
  // ("<login>@<server>") and replays it. False with `error` when it is locked, damaged
  // anywhere but its last line, or of another account.
  bool Open(const string &path, const string &login_server, string &error) {
    m_path = path;
    m_account = login_server;
    m_records = 0;
    if (!OpenLocked(error)) return false;
    MTG_ARRAY(uchar, bytes);
    int size = (int)FileSize(m_handle);
    if (size > 0 && FileReadArray(m_handle, bytes, 0, size) != (uint)size) { error = "cannot read " + m_path; return false; }
    int begin = 0;
    int line = 1;
    for (int i = 0; i < size; i++) {
      if (bytes[i] != '\n') continue;
      if (!ApplyLine(bytes, begin, i, error)) {
        error = m_path + ": line " + IntegerToString(line) + ": " + error + " (damaged: refusing to start)";
        return false;
      }
      begin = i + 1;
      line++;
    }
    if (begin < size && !Rewrite(bytes, begin, error)) return false;  // a torn last line
    if (m_records == 0) {
      JsonWriter w;
      w.Str("rec", "account");
      w.Str("account", m_account);
      if (!Append(w.Finish())) { error = "cannot write " + m_path; return false; }
    }
    return true;
  }
  void Close() {
    if (m_handle != INVALID_HANDLE) FileClose(m_handle);
    m_handle = INVALID_HANDLE;
  }
  int Records() const { return m_records; }

  // The order's index, -1 when the journal has no intent for it.
  int Find(const string &client_id) const {
    for (int i = ArraySize(m_intent) - 1; i >= 0; i--)
      if (m_intent[i].client_id == client_id) return i;
    return -1;
  }
  int Orders() const { return ArraySize(m_intent); }
  // MTG_ORDER_OPEN, MTG_ORDER_SETTLED or MTG_ORDER_VOID.
  int State(int i) const { return m_settled[i]; }
  bool Settled(int i) const { return m_settled[i] == MTG_ORDER_SETTLED; }
  // The newest order whose client_id hashes to `magic`, -1 when none.
  int FindByMagic(ulong magic) const {
    for (int i = ArraySize(m_magic) - 1; i >= 0; i--)
      if (m_magic[i] == magic) return i;
    return -1;
  }
  void GetIntent(int i, IntentMsg &out) const { out = m_intent[i]; }
  // The signal uuid of the newest order whose client_id hashes to `magic`, "" when none.
  string UuidByMagic(ulong magic) const {
    int i = FindByMagic(magic);
    return i < 0 ? "" : m_intent[i].uuid;
  }
  // Whether a cancel of this EA removed the pending order `ticket`.
  bool CancelledHere(long ticket) const {
    for (int i = ArraySize(m_intent) - 1; i >= 0; i--)
      if (m_intent[i].action == MTG_ACTION_CANCEL && m_intent[i].order == ticket &&
          m_settled[i] == MTG_ORDER_SETTLED && m_outcome[i].retcode == 10009) return true;
    return false;
  }
  void GetOutcome(int i, ResultMsg &out) const { MTG_ASSERT(m_settled[i] == MTG_ORDER_SETTLED); out = m_outcome[i]; }

  // Flushes the intent; false when it could not be written (then send nothing).
  bool RecordIntent(const IntentMsg &in) {
    MTG_ASSERT(Find(in.client_id) < 0 || m_settled[Find(in.client_id)] == MTG_ORDER_VOID);
    JsonWriter w;
    w.Str("rec", "intent");
    w.Str("client_id", in.client_id);
    w.Str("uuid", in.uuid);
    w.Int("leg", in.leg);
    w.Str("action", MtgName(MTG_NAMES_ACTION, in.action));
    w.Str("symbol", in.symbol);
    w.Str("side", MtgName(MTG_NAMES_SIDE, in.side));
    w.Num("volume", in.volume);
    w.Int("ts", in.ts);
    w.Str("type", MtgName(MTG_NAMES_ORDER_TYPE, in.order_type));
    w.Int("order", in.order);
    return Append(w.Finish());
  }
  // Flushes the outcome of an intent not yet settled.
  bool RecordOutcome(const ResultMsg &res) {
    int i = Find(res.client_id);
    MTG_ASSERT(i >= 0 && m_settled[i] == MTG_ORDER_OPEN);
    JsonWriter w;
    w.Str("rec", "outcome");
    WriteResultFields(w, res);
    return Append(w.Finish());
  }
  // Flushes that the open intent of client_id never executed at the broker.
  bool RecordVoid(const string &client_id) {
    int i = Find(client_id);
    MTG_ASSERT(i >= 0 && m_settled[i] == MTG_ORDER_OPEN);
    JsonWriter w;
    w.Str("rec", "void");
    w.Str("client_id", client_id);
    return Append(w.Finish());
  }
  // Flushes a trade event (once per id).
  bool RecordEvent(const EventMsg &e) {
    if (FindEvent(e.id) >= 0) return true;
    JsonWriter w;
    w.Str("rec", "event");
    WriteEventFields(w, e);
    return Append(w.Finish());
  }
  bool HasEvent(const string &id) const { return FindEvent(id) >= 0; }
  // Whether the engine acknowledged the event `id` (false for one the journal lacks).
  bool EventAcked(const string &id) const {
    int i = FindEvent(id);
    return i >= 0 && m_acked[i] != 0;
  }
  // Flushes an acknowledgement of event ids (those it does not hold change nothing).
  bool RecordAck(MTG_ARRAY_CREF(string, ids)) {
    JsonWriter w;
    w.Str("rec", "ack");
    w.Strings("ids", ids);
    return Append(w.Finish());
  }
  int Events() const { return ArraySize(m_event); }
  bool Acked(int i) const { return m_acked[i] != 0; }
  void GetEvent(int i, EventMsg &out) const { out = m_event[i]; }
};

#endif
