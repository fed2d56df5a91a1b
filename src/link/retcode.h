// The MQL5 trade server return codes used by the terminal link (docs/protocol.md).
#pragma once

namespace mtg::link {

inline constexpr int kRetcodeRequote = 10004;
inline constexpr int kRetcodeReject = 10006;
inline constexpr int kRetcodePlaced = 10008;
inline constexpr int kRetcodeDone = 10009;
inline constexpr int kRetcodeDonePartial = 10010;
inline constexpr int kRetcodeInvalidVolume = 10014;
inline constexpr int kRetcodeInvalidPrice = 10015;
inline constexpr int kRetcodeMarketClosed = 10018;
inline constexpr int kRetcodeNoMoney = 10019;
inline constexpr int kRetcodePriceOff = 10021;
inline constexpr int kRetcodeInvalidExpiration = 10022;
inline constexpr int kRetcodeInvalidFill = 10030;
inline constexpr int kRetcodeConnection = 10031;

enum class RetcodeClass {
  kDone,      // fully executed (DONE, PLACED)
  kPartial,   // DONE_PARTIAL: filled_volume < volume
  kFailed,    // transient: requote, price off, connection, market closed (and unknown codes)
  kRejected,  // broker refused: reject, invalid volume/price, no money, invalid fill
  kExpired,   // INVALID_EXPIRATION: received after expires_at, not executed
};

// The class of a retcode; unknown codes are kFailed (not executed, may be retried).
RetcodeClass classify_retcode(int retcode);

// "TRADE_RETCODE_DONE", or "TRADE_RETCODE_UNKNOWN" for a code not listed above.
const char* retcode_name(int retcode);

}  // namespace mtg::link
