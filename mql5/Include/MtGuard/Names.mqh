// The protocol's names and limits as the EA spells them (docs/protocol.md "Framing").
// The engine spells them in src/trade/ and src/link/frame.h; tests/unit/ea_shim checks
// that both agree, name by name and limit by limit.
#ifndef MTGUARD_NAMES_MQH
#define MTGUARD_NAMES_MQH

#include <MtGuard/Compat.mqh>

#define MTG_PROTOCOL_VERSION 2
#define MTG_MAX_LINE_BYTES 65536
#define MTG_MAX_QUERY_IDS 256
#define MTG_MAX_KNOWN_PER_FRAME 32
#define MTG_MAX_POSITIONS_PER_FRAME 128
#define MTG_MAX_ORDERS_PER_FRAME 128
#define MTG_MAX_EVENT_ACK_IDS 256
#define MTG_MAX_EVENT_ID_CHARS 128
#define MTG_MAX_CLIENT_ID_CHARS 26
#define MTG_MAX_UUID_CHARS 64
#define MTG_MAX_INSTANCE_CHARS 64
#define MTG_MAX_TOKEN_CHARS 256
#define MTG_MAX_TERMINAL_CHARS 64
#define MTG_MAX_SYMBOL_CHARS 32
#define MTG_MAX_RESULT_REASON_CHARS 128
#define MTG_MAX_ERROR_REASON_CHARS 256
#define MTG_MAX_NAME_CHARS 32
#define MTG_MAX_LEG 1000
#define MTG_MAX_VERSION 1000000
#define MTG_MIN_HEARTBEAT_MS 10
#define MTG_MAX_HEARTBEAT_MS 60000

enum MtgSide { MTG_SIDE_BUY, MTG_SIDE_SELL };
enum MtgAction { MTG_ACTION_OPEN, MTG_ACTION_CLOSE, MTG_ACTION_CLOSE_ALL, MTG_ACTION_MODIFY, MTG_ACTION_MODIFY_ORDER,
                 MTG_ACTION_CANCEL };
enum MtgOrderType { MTG_TYPE_MARKET, MTG_TYPE_LIMIT, MTG_TYPE_STOP, MTG_TYPE_STOP_LIMIT };
enum MtgCloseSide { MTG_CLOSE_LONG, MTG_CLOSE_SHORT, MTG_CLOSE_BOTH };
enum MtgEventKind { MTG_EVENT_ORDER_TRIGGERED, MTG_EVENT_ORDER_CANCELLED, MTG_EVENT_ORDER_EXPIRED, MTG_EVENT_SL,
                    MTG_EVENT_TP, MTG_EVENT_STOP_OUT, MTG_EVENT_MANUAL };
enum MtgNameList { MTG_NAMES_SIDE, MTG_NAMES_ACTION, MTG_NAMES_ORDER_TYPE, MTG_NAMES_CLOSE_SIDE, MTG_NAMES_EVENT_KIND };

// The names of list `list`, comma-separated, in the order of its enum.
string MtgNames(int list) {
  if (list == MTG_NAMES_SIDE) return "buy,sell";
  if (list == MTG_NAMES_ACTION) return "open,close,close_all,modify,modify_order,cancel";
  if (list == MTG_NAMES_ORDER_TYPE) return "market,limit,stop,stop_limit";
  if (list == MTG_NAMES_CLOSE_SIDE) return "long,short,both";
  MTG_ASSERT(list == MTG_NAMES_EVENT_KIND);
  return "order_triggered,order_cancelled,order_expired,sl,tp,stop_out,manual";
}

// Item `index` of the comma-separated list `names`; "" when out of range.
string MtgListItem(const string &names, int index) {
  int start = 0;
  for (int i = 0; i < index; i++) {
    start = StringFind(names, ",", start);
    if (start < 0) return "";
    start++;
  }
  int end = StringFind(names, ",", start);
  return end < 0 ? StringSubstr(names, start) : StringSubstr(names, start, end - start);
}

// The name of value `value` of list `list`; "" when out of range.
string MtgName(int list, int value) { return MtgListItem(MtgNames(list), value); }

// The value of `name` in list `list`, -1 when it is none of them.
int MtgParseName(int list, const string &name) {
  for (int i = 0; true; i++) {
    string candidate = MtgName(list, i);
    if (candidate == "") return -1;
    if (candidate == name) return i;
  }
  return -1;
}

#endif
