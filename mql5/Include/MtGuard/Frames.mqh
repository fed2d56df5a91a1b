// The frames of the terminal link protocol, version 2, from the terminal's side
// (docs/protocol.md): decoding what the engine sends (welcome, heartbeat, order,
// query, positions_request, event_ack, error) and encoding what a terminal sends
// (hello, heartbeat, result, known, positions, orders, event, error). Each encoded
// frame is one line without its "\n"; the caller checks it against MTG_MAX_LINE_BYTES.
#ifndef MTGUARD_FRAMES_MQH
#define MTGUARD_FRAMES_MQH

#include <MtGuard/Fields.mqh>

#define MTG_INT64_MAX 9223372036854775807
#define MTG_MAX_RETCODE 99999

enum MtgFrameType { MTG_FRAME_WELCOME, MTG_FRAME_HEARTBEAT, MTG_FRAME_ORDER, MTG_FRAME_QUERY,
                    MTG_FRAME_POSITIONS_REQUEST, MTG_FRAME_EVENT_ACK, MTG_FRAME_ERROR };

// An order frame. has_* tells whether an optional field was given.
struct OrderMsg {
  string client_id;
  string uuid;
  int leg;
  string symbol;
  int side;        // MtgSide
  int order_type;  // MtgOrderType
  double volume;
  bool has_price;
  double price;
  bool has_sl;
  double sl;
  bool has_tp;
  double tp;
  long expires_at;  // Unix ms
  int action;       // MtgAction
  bool has_stop_limit_price;
  double stop_limit_price;
  bool has_expiration;
  long expiration;  // Unix ms, 0 = good till cancelled
  long deviation;   // points
  long position;
  long order;
  string ref;
  int close_side;   // MtgCloseSide
  double expected_volume;
};

// A result frame: the outcome of one client_id (also a "done" entry of known).
struct ResultMsg {
  string client_id;
  string uuid;
  int leg;
  int retcode;
  double filled_volume;
  double price;
  long ticket;
  long deal;
  string reason;
  long position;
};

// One entry of a known frame: state "done" (with the result), "pending" or "unknown".
struct KnownMsg {
  string state;
  ResultMsg result;  // client_id always; the rest only when done
};

struct PositionMsg {
  long ticket;
  string symbol;
  int side;
  double volume;
  double price;
  double sl;
  double tp;
  string ref;
};

struct PendingOrderMsg {
  long ticket;
  string symbol;
  int side;
  int order_type;
  double volume;
  double price;
  double stop_limit_price;
  double sl;
  double tp;
  long expiration;
  string ref;
};

struct EventMsg {
  string id;
  int kind;  // MtgEventKind
  string symbol;
  int side;
  double volume;
  double price;
  long order;
  long deal;
  long position;
  string ref;
  string reason;
  long ts;
};

// A decoded frame from the engine: `type` says which members hold it.
class InboundFrame {
 public:
  int type;  // MtgFrameType
  int version;
  int heartbeat_ms;
  long ts;
  bool has_broker_connected;
  bool broker_connected;
  OrderMsg order;
  MTG_ARRAY(string, ids);  // query: client_ids; event_ack: ids
  string reason;           // error
  InboundFrame() : type(MTG_FRAME_ERROR), version(0), heartbeat_ms(0), ts(0), has_broker_connected(false),
                   broker_connected(false) {}
};

void ReadOrder(const JsonObject &obj, FieldReader &r, OrderMsg &f) {
  f.client_id = r.Str(obj, "client_id", MTG_MAX_CLIENT_ID_CHARS);
  f.uuid = r.Str(obj, "uuid", MTG_MAX_UUID_CHARS);
  f.leg = (int)r.Integer(obj, "leg", 0, MTG_MAX_LEG);
  f.symbol = r.Str(obj, "symbol", MTG_MAX_SYMBOL_CHARS);
  f.side = r.Name(obj, "side", MTG_NAMES_SIDE);
  f.order_type = r.Name(obj, "order_type", MTG_NAMES_ORDER_TYPE);
  f.volume = r.Number(obj, "volume");
  f.expires_at = r.Integer(obj, "expires_at", 0, MTG_INT64_MAX);
  f.action = MTG_ACTION_OPEN;
  if (r.Has(obj, "action")) f.action = r.Name(obj, "action", MTG_NAMES_ACTION);
  // An open carries price, sl and tp (0 = none); other actions only those they set.
  bool open = f.action == MTG_ACTION_OPEN;
  f.has_price = open || r.Has(obj, "price");
  f.price = f.has_price ? r.Number(obj, "price") : 0;
  f.has_sl = open || r.Has(obj, "sl");
  f.sl = f.has_sl ? r.Number(obj, "sl") : 0;
  f.has_tp = open || r.Has(obj, "tp");
  f.tp = f.has_tp ? r.Number(obj, "tp") : 0;
  f.has_stop_limit_price = r.Has(obj, "stop_limit_price");
  f.stop_limit_price = f.has_stop_limit_price ? r.Number(obj, "stop_limit_price") : 0;
  f.has_expiration = r.Has(obj, "expiration");
  f.expiration = f.has_expiration ? r.Integer(obj, "expiration", 0, MTG_INT64_MAX) : 0;
  f.deviation = r.Has(obj, "deviation") ? r.Integer(obj, "deviation", 0, MTG_INT64_MAX) : 0;
  f.position = r.Has(obj, "position") ? r.Integer(obj, "position", 0, MTG_INT64_MAX) : 0;
  f.order = r.Has(obj, "order") ? r.Integer(obj, "order", 0, MTG_INT64_MAX) : 0;
  f.ref = r.Has(obj, "ref") ? r.Str(obj, "ref", MTG_MAX_UUID_CHARS) : "";
  f.close_side = r.Has(obj, "close_side") ? r.Name(obj, "close_side", MTG_NAMES_CLOSE_SIDE) : MTG_CLOSE_BOTH;
  f.expected_volume = r.Has(obj, "expected_volume") ? r.Number(obj, "expected_volume") : 0;
}

// The frame type's index among those a terminal receives; -1 for the frames only a
// terminal sends, -2 for a type the protocol does not have.
int InboundType(const string &type) {
  string inbound = "welcome,heartbeat,order,query,positions_request,event_ack,error";
  string outbound = ",hello,result,known,positions,orders,event,";
  for (int i = 0; MtgListItem(inbound, i) != ""; i++)
    if (MtgListItem(inbound, i) == type) return i;
  if (StringFind(outbound, "," + type + ",") >= 0) return -1;
  return -2;
}

// Decodes one line, bytes[begin, end) without its "\n" (a trailing "\r" is tolerated),
// as strictly as the engine's codec. False with `error` naming the field on a bad frame,
// or "unexpected frame type X" for a frame a terminal never receives.
bool DecodeFrame(MTG_ARRAY_CREF(uchar, bytes), int begin, int end, InboundFrame &out, string &error) {
  if (end > begin && bytes[end - 1] == '\r') end--;
  if (end - begin + 1 > MTG_MAX_LINE_BYTES) { error = "line longer than 65536 bytes"; return false; }
  JsonObject obj;
  if (!obj.Parse(bytes, begin, end)) { error = obj.Error(); return false; }
  int t = obj.Find("type");
  if (t < 0 || obj.Kind(t) != JSON_STRING) { error = "field \"type\": missing or not a string"; return false; }
  string type = obj.Text(t);
  int index = InboundType(type);
  if (index == -2) { error = "unknown frame type \"" + StringSubstr(type, 0, 32) + "\""; return false; }
  if (index == -1) { error = "unexpected frame type " + type; return false; }
  out.type = index;
  FieldReader r;
  if (index == MTG_FRAME_WELCOME) {
    out.version = (int)r.Integer(obj, "version", 0, MTG_MAX_VERSION);
    out.heartbeat_ms = (int)r.Integer(obj, "heartbeat_ms", MTG_MIN_HEARTBEAT_MS, MTG_MAX_HEARTBEAT_MS);
  } else if (index == MTG_FRAME_HEARTBEAT) {
    out.ts = r.Integer(obj, "ts", 0, MTG_INT64_MAX);
    out.has_broker_connected = r.Has(obj, "broker_connected");
    out.broker_connected = out.has_broker_connected ? r.Boolean(obj, "broker_connected") : false;
  } else if (index == MTG_FRAME_ORDER) {
    ReadOrder(obj, r, out.order);
  } else if (index == MTG_FRAME_QUERY) {
    r.Strings(obj, "client_ids", MTG_MAX_QUERY_IDS, MTG_MAX_CLIENT_ID_CHARS, 0, out.ids);
  } else if (index == MTG_FRAME_EVENT_ACK) {
    r.Strings(obj, "ids", MTG_MAX_EVENT_ACK_IDS, MTG_MAX_EVENT_ID_CHARS, 1, out.ids);
  } else if (index == MTG_FRAME_ERROR) {
    out.reason = r.Str(obj, "reason", MTG_MAX_ERROR_REASON_CHARS);
  }
  if (!r.Ok()) { error = type + ": " + r.Error(); return false; }
  return true;
}

// ---- encoding ------------------------------------------------------------------------

string EncodeHello(const string &instance, const string &token, const string &terminal, bool broker_connected) {
  JsonWriter w;
  w.Str("type", "hello");
  w.Int("version", MTG_PROTOCOL_VERSION);
  w.Str("instance", instance);
  w.Str("token", token);
  w.Str("terminal", terminal);
  w.Bool("broker_connected", broker_connected);
  return w.Finish();
}

string EncodeHeartbeat(long ts, bool broker_connected) {
  JsonWriter w;
  w.Str("type", "heartbeat");
  w.Int("ts", ts);
  w.Bool("broker_connected", broker_connected);
  return w.Finish();
}

string EncodeError(const string &reason) {
  JsonWriter w;
  w.Str("type", "error");
  w.Str("reason", reason);
  return w.Finish();
}

void WriteResultFields(JsonWriter &w, const ResultMsg &r) {
  w.Str("client_id", r.client_id);
  w.Str("uuid", r.uuid);
  w.Int("leg", r.leg);
  w.Int("retcode", r.retcode);
  w.Num("filled_volume", r.filled_volume);
  w.Num("price", r.price);
  w.Int("ticket", r.ticket);
  w.Int("deal", r.deal);
  w.Str("reason", r.reason);
  if (r.position != 0) w.Int("position", r.position);
}

string EncodeResult(const ResultMsg &r) {
  JsonWriter w;
  w.Str("type", "result");
  WriteResultFields(w, r);
  return w.Finish();
}

// A known frame of entries [first, first + count) of `entries` (count <= 32).
string EncodeKnown(MTG_ARRAY_CREF(KnownMsg, entries), int first, int count) {
  MTG_ASSERT(count >= 0 && count <= MTG_MAX_KNOWN_PER_FRAME && first + count <= ArraySize(entries));
  JsonWriter w;
  w.Str("type", "known");
  w.BeginArray("orders");
  for (int i = first; i < first + count; i++) {
    w.BeginItem();
    w.Str("state", entries[i].state);
    if (entries[i].state == "done") WriteResultFields(w, entries[i].result);
    else w.Str("client_id", entries[i].result.client_id);
    w.EndItem();
  }
  w.EndArray();
  return w.Finish();
}

// A positions frame of the first `count` positions (count <= 128).
string EncodePositions(MTG_ARRAY_CREF(PositionMsg, items), int count, bool truncated) {
  MTG_ASSERT(count >= 0 && count <= MTG_MAX_POSITIONS_PER_FRAME && count <= ArraySize(items));
  JsonWriter w;
  w.Str("type", "positions");
  w.BeginArray("positions");
  for (int i = 0; i < count; i++) {
    w.BeginItem();
    w.Int("ticket", items[i].ticket);
    w.Str("symbol", items[i].symbol);
    w.Str("side", MtgName(MTG_NAMES_SIDE, items[i].side));
    w.Num("volume", items[i].volume);
    w.Num("price", items[i].price);
    if (items[i].sl != 0) w.Num("sl", items[i].sl);
    if (items[i].tp != 0) w.Num("tp", items[i].tp);
    if (items[i].ref != "") w.Str("ref", items[i].ref);
    w.EndItem();
  }
  w.EndArray();
  w.Bool("truncated", truncated);
  return w.Finish();
}

// An orders frame of the first `count` pending orders (count <= 128).
string EncodeOrders(MTG_ARRAY_CREF(PendingOrderMsg, items), int count, bool truncated) {
  MTG_ASSERT(count >= 0 && count <= MTG_MAX_ORDERS_PER_FRAME && count <= ArraySize(items));
  JsonWriter w;
  w.Str("type", "orders");
  w.BeginArray("orders");
  for (int i = 0; i < count; i++) {
    w.BeginItem();
    w.Int("ticket", items[i].ticket);
    w.Str("symbol", items[i].symbol);
    w.Str("side", MtgName(MTG_NAMES_SIDE, items[i].side));
    w.Str("order_type", MtgName(MTG_NAMES_ORDER_TYPE, items[i].order_type));
    w.Num("volume", items[i].volume);
    w.Num("price", items[i].price);
    w.Num("stop_limit_price", items[i].stop_limit_price);
    w.Num("sl", items[i].sl);
    w.Num("tp", items[i].tp);
    w.Int("expiration", items[i].expiration);
    w.Str("ref", items[i].ref);
    w.EndItem();
  }
  w.EndArray();
  w.Bool("truncated", truncated);
  return w.Finish();
}

void WriteEventFields(JsonWriter &w, const EventMsg &e) {
  w.Str("id", e.id);
  w.Str("kind", MtgName(MTG_NAMES_EVENT_KIND, e.kind));
  w.Str("symbol", e.symbol);
  w.Str("side", MtgName(MTG_NAMES_SIDE, e.side));
  w.Num("volume", e.volume);
  w.Num("price", e.price);
  w.Int("order", e.order);
  w.Int("deal", e.deal);
  w.Int("position", e.position);
  w.Str("ref", e.ref);
  w.Str("reason", e.reason);
  w.Int("ts", e.ts);
}

string EncodeEvent(const EventMsg &e) {
  JsonWriter w;
  w.Str("type", "event");
  WriteEventFields(w, e);
  return w.Finish();
}

#endif
