// MtGuard Expert Advisor: connects this MT5 terminal to the mtguard engine (terminal
// link protocol version 2, docs/protocol.md) and executes its orders exactly once.
// This file holds only MQL5's event handlers; everything they do is in
// MQL5\Include\MtGuard\*.mqh (tested as C++ against a shim of MT5, src/ea_shim/).
// Setup for a trader: docs/mt5-setup.md. One chart per instance.
#property copyright "mtguard"
#property version "1.00"
#property description "Executes mtguard's trade signals exactly once (see docs/mt5-setup.md)"

#include <MtGuard/Link.mqh>

input string EngineHost = "127.0.0.1";    // engine address (must be in the allowed list)
input int EnginePort = 7400;              // the engine's link_port
input string Instance = "demo-1";         // this terminal's instance id
input string Token = "";                  // the instance's link token
input bool EngineTls = false;             // TLS to the engine (needed unless EngineHost is 127.0.0.1)
input string EngineThumbprint = "";       // the SHA-256 thumbprint mtguard link-cert printed
input int DeviationPoints = 10;           // slippage of market orders whose signal names none
input int HistoryLookbackHours = 168;     // how far back history is searched after a restart
input int HistoryGraceSeconds = 10;       // how long history may lag after a start
input string FillingOverride = "";        // "", "fok", "ioc" or "return" ("" = per symbol)

#define MTG_TIMER_MS 50  // one timer per program: the link turns every tick
#define MTG_CORE_TICKS 2 // the core's OnTimer every 2 ticks (100 ms)

MtGuardCore g_core;
MtGuardLink g_link;
int g_ticks = 0;

int OnInit() {
  if (Token == "" || Instance == "") {
    Print("MtGuard: set the inputs Instance and Token (from the instance's JSON config)");
    return INIT_PARAMETERS_INCORRECT;
  }
  string link_error = "";
  if (!MtgLinkSettingsValid(EngineHost, EngineTls, EngineThumbprint, link_error)) {
    Print("MtGuard: ", link_error);
    return INIT_PARAMETERS_INCORRECT;
  }
  if (!MtgValidFillingOverride(FillingOverride)) {
    Print("MtGuard: FillingOverride must be empty, fok, ioc or return");
    return INIT_PARAMETERS_INCORRECT;
  }
  if (TerminalInfoInteger(TERMINAL_TRADE_ALLOWED) == 0 || MQLInfoInteger(MQL_TRADE_ALLOWED) == 0)
    Print("MtGuard: AutoTrading is off: orders will be answered 10027 until it is on");
  TradeSettings settings;
  settings.deviation_points = DeviationPoints;
  settings.filling_override = FillingOverride;
  settings.history_lookback_ms = (long)HistoryLookbackHours * 3600000;
  settings.history_grace_ms = (long)HistoryGraceSeconds * 1000;
  string journal = "MtGuard\\" + Instance + "-" + IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN)) + ".journal";
  string error = "";
  if (!g_core.Init(journal, Instance, Token, settings, error)) {
    Print("MtGuard: cannot start: ", error);
    return INIT_FAILED;
  }
  MathSrand((int)GetTickCount());
  g_link.Setup(EngineHost, EnginePort, EngineTls, EngineThumbprint);
  if (!EventSetMillisecondTimer(MTG_TIMER_MS)) {
    Print("MtGuard: no timer");
    return INIT_FAILED;
  }
  return INIT_SUCCEEDED;
}

void OnDeinit(const int reason) {
  EventKillTimer();
  g_link.Shutdown(g_core, (long)GetTickCount64());
  g_core.Deinit();
}

void OnTimer() {
  g_link.Poll(g_core, (long)GetTickCount64());
  g_ticks++;
  if (g_ticks % MTG_CORE_TICKS == 0) g_core.OnTimer();
}

// A hint only (it may arrive late, out of order, or not at all): history is the truth,
// and the next OnTimer reads it.
void OnTradeTransaction(const MqlTradeTransaction &trans, const MqlTradeRequest &request, const MqlTradeResult &result) {
  g_ticks = MTG_CORE_TICKS - 1;
}
