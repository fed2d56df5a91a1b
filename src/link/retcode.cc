#include "link/retcode.h"

namespace mtg::link {

RetcodeClass classify_retcode(int retcode) {
  switch (retcode) {
    case kRetcodeDone:
    case kRetcodePlaced:
    case kRetcodeNoChanges: return RetcodeClass::kDone;
    case kRetcodeDonePartial: return RetcodeClass::kPartial;
    case kRetcodeRequote:
    case kRetcodePriceChanged:
    case kRetcodePriceOff:
    case kRetcodeConnection:
    case kRetcodeMarketClosed: return RetcodeClass::kFailed;
    case kRetcodeReject:
    case kRetcodeInvalid:
    case kRetcodeInvalidVolume:
    case kRetcodeInvalidPrice:
    case kRetcodeInvalidStops:
    case kRetcodeTradeDisabled:
    case kRetcodeNoMoney:
    case kRetcodeInvalidFill:
    case kRetcodeClientDisablesAutoTrading:
    case kRetcodePositionClosed: return RetcodeClass::kRejected;
    case kRetcodeInvalidExpiration: return RetcodeClass::kExpired;
    default: return RetcodeClass::kUnknown;
  }
}

const char* retcode_name(int retcode) {
  switch (retcode) {
    case kRetcodeRequote: return "TRADE_RETCODE_REQUOTE";
    case kRetcodeReject: return "TRADE_RETCODE_REJECT";
    case kRetcodePlaced: return "TRADE_RETCODE_PLACED";
    case kRetcodeDone: return "TRADE_RETCODE_DONE";
    case kRetcodeDonePartial: return "TRADE_RETCODE_DONE_PARTIAL";
    case kRetcodeError: return "TRADE_RETCODE_ERROR";
    case kRetcodeTimeout: return "TRADE_RETCODE_TIMEOUT";
    case kRetcodeInvalid: return "TRADE_RETCODE_INVALID";
    case kRetcodeInvalidVolume: return "TRADE_RETCODE_INVALID_VOLUME";
    case kRetcodeInvalidPrice: return "TRADE_RETCODE_INVALID_PRICE";
    case kRetcodeInvalidStops: return "TRADE_RETCODE_INVALID_STOPS";
    case kRetcodeTradeDisabled: return "TRADE_RETCODE_TRADE_DISABLED";
    case kRetcodeMarketClosed: return "TRADE_RETCODE_MARKET_CLOSED";
    case kRetcodeNoMoney: return "TRADE_RETCODE_NO_MONEY";
    case kRetcodePriceChanged: return "TRADE_RETCODE_PRICE_CHANGED";
    case kRetcodePriceOff: return "TRADE_RETCODE_PRICE_OFF";
    case kRetcodeInvalidExpiration: return "TRADE_RETCODE_INVALID_EXPIRATION";
    case kRetcodeInvalidFill: return "TRADE_RETCODE_INVALID_FILL";
    case kRetcodeConnection: return "TRADE_RETCODE_CONNECTION";
    case kRetcodeNoChanges: return "TRADE_RETCODE_NO_CHANGES";
    case kRetcodeClientDisablesAutoTrading: return "TRADE_RETCODE_CLIENT_DISABLES_AT";
    case kRetcodePositionClosed: return "TRADE_RETCODE_POSITION_CLOSED";
    default: return "TRADE_RETCODE_UNKNOWN";
  }
}

}  // namespace mtg::link
