// MQL5's trading, history, symbol, account and terminal functions, as the EA's core
// calls them, on the current Terminal's TradeServer (ea_shim/trade_server.h). Only the
// constants and properties the core uses are here; their values are MQL5's where the
// EA could depend on them (enumerations of requests, order types, filling flags).
#pragma once

#include "ea_shim/mql5.h"

enum ENUM_TRADE_REQUEST_ACTIONS {
  TRADE_ACTION_DEAL = 1,
  TRADE_ACTION_PENDING = 5,
  TRADE_ACTION_SLTP = 6,
  TRADE_ACTION_MODIFY = 7,
  TRADE_ACTION_REMOVE = 8,
};
enum ENUM_ORDER_TYPE {
  ORDER_TYPE_BUY = 0,
  ORDER_TYPE_SELL = 1,
  ORDER_TYPE_BUY_LIMIT = 2,
  ORDER_TYPE_SELL_LIMIT = 3,
  ORDER_TYPE_BUY_STOP = 4,
  ORDER_TYPE_SELL_STOP = 5,
  ORDER_TYPE_BUY_STOP_LIMIT = 6,
  ORDER_TYPE_SELL_STOP_LIMIT = 7,
};
enum ENUM_ORDER_TYPE_FILLING { ORDER_FILLING_FOK = 0, ORDER_FILLING_IOC = 1, ORDER_FILLING_RETURN = 2 };
enum ENUM_ORDER_TYPE_TIME { ORDER_TIME_GTC = 0, ORDER_TIME_SPECIFIED = 2 };
enum ENUM_ORDER_STATE {
  ORDER_STATE_STARTED = 0,
  ORDER_STATE_PLACED = 1,
  ORDER_STATE_CANCELED = 2,
  ORDER_STATE_PARTIAL = 3,
  ORDER_STATE_FILLED = 4,
  ORDER_STATE_REJECTED = 5,
  ORDER_STATE_EXPIRED = 6,
};
inline constexpr int SYMBOL_FILLING_FOK = 1;
inline constexpr int SYMBOL_FILLING_IOC = 2;
enum ENUM_SYMBOL_TRADE_EXECUTION {
  SYMBOL_TRADE_EXECUTION_REQUEST = 0,
  SYMBOL_TRADE_EXECUTION_INSTANT = 1,
  SYMBOL_TRADE_EXECUTION_MARKET = 2,
  SYMBOL_TRADE_EXECUTION_EXCHANGE = 3,
};
enum ENUM_POSITION_TYPE { POSITION_TYPE_BUY = 0, POSITION_TYPE_SELL = 1 };
enum ENUM_DEAL_TYPE { DEAL_TYPE_BUY = 0, DEAL_TYPE_SELL = 1 };
enum ENUM_DEAL_ENTRY { DEAL_ENTRY_IN = 0, DEAL_ENTRY_OUT = 1, DEAL_ENTRY_INOUT = 2 };
enum ENUM_DEAL_REASON {
  DEAL_REASON_CLIENT = 0,
  DEAL_REASON_EXPERT = 3,
  DEAL_REASON_SL = 4,
  DEAL_REASON_TP = 5,
  DEAL_REASON_SO = 6,
};
enum ENUM_ACCOUNT_MARGIN_MODE {
  ACCOUNT_MARGIN_MODE_RETAIL_NETTING = 0,
  ACCOUNT_MARGIN_MODE_EXCHANGE = 1,
  ACCOUNT_MARGIN_MODE_RETAIL_HEDGING = 2,
};

// Properties (their numbers are the shim's own).
enum ENUM_SYMBOL_INFO { SYMBOL_BID, SYMBOL_ASK, SYMBOL_DIGITS, SYMBOL_FILLING_MODE, SYMBOL_TRADE_EXEMODE };
enum ENUM_POSITION_PROPERTY {
  POSITION_TICKET,
  POSITION_TYPE,
  POSITION_MAGIC,
  POSITION_VOLUME,
  POSITION_PRICE_OPEN,
  POSITION_SL,
  POSITION_TP,
  POSITION_SYMBOL,
  POSITION_COMMENT,
};
enum ENUM_ORDER_PROPERTY {
  ORDER_TICKET,
  ORDER_TYPE,
  ORDER_MAGIC,
  ORDER_VOLUME_CURRENT,
  ORDER_PRICE_OPEN,
  ORDER_PRICE_STOPLIMIT,
  ORDER_SL,
  ORDER_TP,
  ORDER_TIME_EXPIRATION,
  ORDER_STATE,
  ORDER_POSITION_ID,
  ORDER_TIME_DONE_MSC,
  ORDER_VOLUME_INITIAL,
  ORDER_SYMBOL,
  ORDER_COMMENT,
};
enum ENUM_DEAL_PROPERTY {
  DEAL_ORDER,
  DEAL_POSITION_ID,
  DEAL_TYPE,
  DEAL_ENTRY,
  DEAL_REASON,
  DEAL_MAGIC,
  DEAL_TIME_MSC,
  DEAL_VOLUME,
  DEAL_PRICE,
  DEAL_SYMBOL,
  DEAL_COMMENT,
};
enum ENUM_ACCOUNT_INFO { ACCOUNT_LOGIN, ACCOUNT_MARGIN_MODE, ACCOUNT_SERVER };
enum ENUM_TERMINAL_INFO { TERMINAL_CONNECTED, TERMINAL_TRADE_ALLOWED };
enum ENUM_MQL_INFO { MQL_TRADE_ALLOWED };

struct MqlTradeRequest {
  int action = 0;  // ENUM_TRADE_REQUEST_ACTIONS
  ulong magic = 0;
  ulong order = 0;
  string symbol;
  double volume = 0;
  double price = 0;
  double stoplimit = 0;
  double sl = 0;
  double tp = 0;
  ulong deviation = 0;
  int type = 0;          // ENUM_ORDER_TYPE
  int type_filling = 0;  // ENUM_ORDER_TYPE_FILLING
  int type_time = 0;     // ENUM_ORDER_TYPE_TIME
  datetime expiration = 0;
  string comment;
  ulong position = 0;
  ulong position_by = 0;
};

struct MqlTradeResult {
  uint retcode = 0;
  ulong deal = 0;
  ulong order = 0;
  double volume = 0;
  double price = 0;
  double bid = 0;
  double ask = 0;
  string comment;
  uint request_id = 0;
  int retcode_external = 0;
};

template <typename T>
void ZeroMemory(T& value) {
  value = T{};
}

// False when the request did not reach the server or was refused; result says why.
bool OrderSend(const MqlTradeRequest& request, MqlTradeResult& result);

int PositionsTotal();
ulong PositionGetTicket(int index);  // selects it
bool PositionSelectByTicket(ulong ticket);
long PositionGetInteger(int property);
double PositionGetDouble(int property);
string PositionGetString(int property);

int OrdersTotal();
ulong OrderGetTicket(int index);  // selects it
bool OrderSelect(ulong ticket);    // a resting pending order
long OrderGetInteger(int property);
double OrderGetDouble(int property);
string OrderGetString(int property);

// Selects the deals and the orders that left the book in [from, to] (server time,
// seconds); an order is in history once it is filled, cancelled or expired.
bool HistorySelect(datetime from, datetime to);
int HistoryOrdersTotal();
ulong HistoryOrderGetTicket(int index);
long HistoryOrderGetInteger(ulong ticket, int property);
double HistoryOrderGetDouble(ulong ticket, int property);
string HistoryOrderGetString(ulong ticket, int property);
int HistoryDealsTotal();
ulong HistoryDealGetTicket(int index);
long HistoryDealGetInteger(ulong ticket, int property);
double HistoryDealGetDouble(ulong ticket, int property);
string HistoryDealGetString(ulong ticket, int property);

double SymbolInfoDouble(const string& symbol, int property);
long SymbolInfoInteger(const string& symbol, int property);
long AccountInfoInteger(int property);
string AccountInfoString(int property);
long TerminalInfoInteger(int property);
long MQLInfoInteger(int property);
// The trade server's time (MQL5: of the last quote), seconds.
datetime TimeCurrent();
