// The filling mode of a market order, per symbol and request, as the standard
// library's CTrade chooses it (Trade.mqh: SetTypeFillingBySymbol): a hard-coded FOK is
// the 10030 most often reported by other bridges.
#ifndef MTGUARD_FILLING_MQH
#define MTGUARD_FILLING_MQH

#include <MtGuard/Compat.mqh>

// "" (choose per symbol), "fok", "ioc" or "return": the EA's filling input.
bool MtgValidFillingOverride(const string &name) {
  return name == "" || name == "fok" || name == "ioc" || name == "return";
}

// The ENUM_ORDER_TYPE_FILLING for a market deal of `symbol`: the override when set;
// FOK for request and instant execution; else FOK or IOC as the symbol allows, in that
// order, and RETURN when it allows neither (exchange execution).
int MtgFillingFor(const string &symbol, const string &override_name) {
  if (override_name == "fok") return ORDER_FILLING_FOK;
  if (override_name == "ioc") return ORDER_FILLING_IOC;
  if (override_name == "return") return ORDER_FILLING_RETURN;
  long execution = SymbolInfoInteger(symbol, SYMBOL_TRADE_EXEMODE);
  if (execution == SYMBOL_TRADE_EXECUTION_REQUEST || execution == SYMBOL_TRADE_EXECUTION_INSTANT)
    return ORDER_FILLING_FOK;
  long flags = SymbolInfoInteger(symbol, SYMBOL_FILLING_MODE);
  if ((flags & SYMBOL_FILLING_FOK) == SYMBOL_FILLING_FOK) return ORDER_FILLING_FOK;
  if ((flags & SYMBOL_FILLING_IOC) == SYMBOL_FILLING_IOC) return ORDER_FILLING_IOC;
  return ORDER_FILLING_RETURN;
}

#endif
