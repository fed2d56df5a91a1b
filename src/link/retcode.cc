#include "link/retcode.h"

namespace mtg::link {

RetcodeClass classify_retcode(int retcode) {
  switch (retcode) {
    case kRetcodeDone:
    case kRetcodePlaced: return RetcodeClass::kDone;
    case kRetcodeDonePartial: return RetcodeClass::kPartial;
    case kRetcodeReject:
    case kRetcodeInvalidVolume:
    case kRetcodeInvalidPrice:
    case kRetcodeNoMoney:
    case kRetcodeInvalidFill: return RetcodeClass::kRejected;
    case kRetcodeInvalidExpiration: return RetcodeClass::kExpired;
    default: return RetcodeClass::kFailed;
  }
}

const char* retcode_name(int retcode) {
  switch (retcode) {
    case kRetcodeRequote: return "TRADE_RETCODE_REQUOTE";
    case kRetcodeReject: return "TRADE_RETCODE_REJECT";
    case kRetcodePlaced: return "TRADE_RETCODE_PLACED";
    case kRetcodeDone: return "TRADE_RETCODE_DONE";
    case kRetcodeDonePartial: return "TRADE_RETCODE_DONE_PARTIAL";
    case kRetcodeInvalidVolume: return "TRADE_RETCODE_INVALID_VOLUME";
    case kRetcodeInvalidPrice: return "TRADE_RETCODE_INVALID_PRICE";
    case kRetcodeMarketClosed: return "TRADE_RETCODE_MARKET_CLOSED";
    case kRetcodeNoMoney: return "TRADE_RETCODE_NO_MONEY";
    case kRetcodePriceOff: return "TRADE_RETCODE_PRICE_OFF";
    case kRetcodeInvalidExpiration: return "TRADE_RETCODE_INVALID_EXPIRATION";
    case kRetcodeInvalidFill: return "TRADE_RETCODE_INVALID_FILL";
    case kRetcodeConnection: return "TRADE_RETCODE_CONNECTION";
    default: return "TRADE_RETCODE_UNKNOWN";
  }
}

}  // namespace mtg::link
