#include "link/retcode.h"

#include <gtest/gtest.h>

namespace mtg::link {
namespace {

TEST(Retcode, ClassifiesEveryListedCode) {
  for (int code : {kRetcodeDone, kRetcodePlaced, kRetcodeNoChanges}) {
    EXPECT_EQ(classify_retcode(code), RetcodeClass::kDone) << code;
  }
  EXPECT_EQ(classify_retcode(kRetcodeDonePartial), RetcodeClass::kPartial);
  for (int code :
       {kRetcodeRequote, kRetcodePriceChanged, kRetcodePriceOff, kRetcodeConnection, kRetcodeMarketClosed}) {
    EXPECT_EQ(classify_retcode(code), RetcodeClass::kFailed) << code;
  }
  for (int code : {kRetcodeReject, kRetcodeInvalid, kRetcodeInvalidVolume, kRetcodeInvalidPrice,
                   kRetcodeInvalidStops, kRetcodeTradeDisabled, kRetcodeNoMoney, kRetcodeInvalidFill,
                   kRetcodeClientDisablesAutoTrading, kRetcodePositionClosed}) {
    EXPECT_EQ(classify_retcode(code), RetcodeClass::kRejected) << code;
  }
  EXPECT_EQ(classify_retcode(kRetcodeInvalidExpiration), RetcodeClass::kExpired);
}

TEST(Retcode, NamesAreMql5s) {
  EXPECT_STREQ(retcode_name(kRetcodeDone), "TRADE_RETCODE_DONE");
  EXPECT_STREQ(retcode_name(kRetcodeTimeout), "TRADE_RETCODE_TIMEOUT");
  EXPECT_STREQ(retcode_name(kRetcodeNoChanges), "TRADE_RETCODE_NO_CHANGES");
  EXPECT_STREQ(retcode_name(kRetcodeClientDisablesAutoTrading), "TRADE_RETCODE_CLIENT_DISABLES_AT");
  EXPECT_STREQ(retcode_name(kRetcodePositionClosed), "TRADE_RETCODE_POSITION_CLOSED");
  EXPECT_STREQ(retcode_name(12345), "TRADE_RETCODE_UNKNOWN");
}

TEST(Retcode, AModifyThatChangesNothingHasSucceeded) {
  EXPECT_EQ(classify_retcode(kRetcodeNoChanges), RetcodeClass::kDone);
}

TEST(Retcode, ACloseOfAPositionAlreadyGoneIsRejectedNeverRetried) {
  EXPECT_EQ(classify_retcode(kRetcodePositionClosed), RetcodeClass::kRejected);
}

TEST(Retcode, AnOutcomeNoTerminalVouchesForIsUnknownNeverFailed) {
  for (int code : {kRetcodeTimeout, kRetcodeError, 0, -1, 10007, 10023, 12345}) {
    EXPECT_EQ(classify_retcode(code), RetcodeClass::kUnknown) << code;
  }
}

}  // namespace
}  // namespace mtg::link
