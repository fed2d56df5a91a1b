// The MQL5 trade server return codes used by the terminal link (docs/protocol.md).
#pragma once

namespace mtg::link {

inline constexpr int kRetcodeRequote = 10004;
inline constexpr int kRetcodeReject = 10006;
inline constexpr int kRetcodePlaced = 10008;
inline constexpr int kRetcodeDone = 10009;
inline constexpr int kRetcodeDonePartial = 10010;
inline constexpr int kRetcodeError = 10011;
inline constexpr int kRetcodeTimeout = 10012;
inline constexpr int kRetcodeInvalid = 10013;
inline constexpr int kRetcodeInvalidVolume = 10014;
inline constexpr int kRetcodeInvalidPrice = 10015;
inline constexpr int kRetcodeInvalidStops = 10016;
inline constexpr int kRetcodeTradeDisabled = 10017;
inline constexpr int kRetcodeMarketClosed = 10018;
inline constexpr int kRetcodeNoMoney = 10019;
inline constexpr int kRetcodePriceChanged = 10020;
inline constexpr int kRetcodePriceOff = 10021;
inline constexpr int kRetcodeInvalidExpiration = 10022;
inline constexpr int kRetcodeNoChanges = 10025;
inline constexpr int kRetcodeClientDisablesAutoTrading = 10027;
inline constexpr int kRetcodeInvalidFill = 10030;
inline constexpr int kRetcodeConnection = 10031;
inline constexpr int kRetcodePositionClosed = 10036;

enum class RetcodeClass {
  kDone,      // fully executed (DONE, PLACED), or nothing to change (NO_CHANGES: a
              // modify whose values are already in place has succeeded)
  kPartial,   // DONE_PARTIAL: filled_volume < volume
  kFailed,    // provably not executed, transient: requote, prices changed, price off,
              // no connection to the trade server, market closed
  kRejected,  // broker refused: reject, invalid request/volume/price/stops, trading
              // disabled, no money, invalid fill, algo trading disabled in the terminal;
              // or the position is already closed (POSITION_CLOSED: nothing to close)
  kExpired,   // INVALID_EXPIRATION: received after expires_at, not executed
  kUnknown,   // the terminal cannot vouch for the outcome: TIMEOUT (10012), ERROR
              // (10011), 0 and every code not listed above. The order may have executed:
              // the engine asks the terminal again and never sends it under a new client id
};

// The class of a retcode; a code not listed above is kUnknown, never kFailed: reading
// an outcome nobody vouched for as "not executed" is how an order executes twice.
RetcodeClass classify_retcode(int retcode);

// "TRADE_RETCODE_DONE", or "TRADE_RETCODE_UNKNOWN" for a code not listed above.
const char* retcode_name(int retcode);

}  // namespace mtg::link
