#include "signal/signal_validator.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

class SignalValidator : public ::testing::Test {
 protected:
  SignalValidator() {
    InstanceConfig inst;
    inst.id = "demo-1";
    inst.symbols = {"EURUSD", "XAUUSD"};
    inst.min_volume = 0.01;
    inst.max_volume = 10;
    inst.volume_step = 0.01;
    config_.instances.push_back(inst);
    signal_.uuid = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
    signal_.instance = "demo-1";
    signal_.symbol = "EURUSD";
    signal_.volume = 0.1;
    signal_.created_at_ms = 1763900000000;
    signal_.ttl_ms = 30000;
  }

  std::string error_of(double volume_cap = 0) const {
    Status s = validate_signal(signal_, config_, volume_cap);
    if (s) return "";
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    return s.message();
  }

  Config config_;
  Signal signal_;
};

TEST_F(SignalValidator, AcceptsAValidSignal) {
  EXPECT_TRUE(validate_signal(signal_, config_));
  for (double v : {0.01, 0.3, 0.07, 1.23, 9.99, 10.0}) {
    signal_.volume = v;
    EXPECT_EQ(error_of(), "") << v;
  }
}

TEST_F(SignalValidator, RejectsUnknownInstance) {
  signal_.instance = "demo-9";
  EXPECT_EQ(error_of(), "unknown instance demo-9");
}

TEST_F(SignalValidator, RejectsSymbolNotEnabled) {
  signal_.symbol = "XXXUSD";
  EXPECT_EQ(error_of(), "symbol XXXUSD not enabled on demo-1");
}

TEST_F(SignalValidator, RejectsVolumeAboveMax) {
  signal_.volume = 50;
  EXPECT_EQ(error_of(), "volume 50 above max_volume 10 of demo-1");
}

TEST_F(SignalValidator, RejectsVolumeBelowMin) {
  signal_.volume = 0.001;
  EXPECT_EQ(error_of(), "volume 0.001 below min_volume 0.01 of demo-1");
}

TEST_F(SignalValidator, RejectsVolumeOffStep) {
  signal_.volume = 0.015;
  EXPECT_EQ(error_of(), "volume 0.015 not a multiple of volume_step 0.01 of demo-1");
}

TEST_F(SignalValidator, AppliesTheOptionalCap) {
  signal_.volume = 5;
  EXPECT_EQ(error_of(2), "volume 5 above cap 2 of demo-1");
  EXPECT_EQ(error_of(5), "");
  EXPECT_EQ(error_of(0), "");
  EXPECT_EQ(error_of(-1), "");
}

TEST_F(SignalValidator, RejectsNonFiniteVolume) {
  signal_.volume = std::numeric_limits<double>::infinity();
  EXPECT_EQ(error_of(), "volume inf must be a finite number > 0");
}

TEST_F(SignalValidator, EveryActionNeedsAKnownInstance) {
  for (Action action :
       {Action::kClose, Action::kCloseAll, Action::kModify, Action::kModifyOrder, Action::kCancel}) {
    signal_ = Signal{};
    signal_.action = action;
    signal_.instance = "demo-9";
    EXPECT_EQ(error_of(), "unknown instance demo-9") << action_name(action);
    signal_.instance = "demo-1";
    EXPECT_EQ(error_of(), "") << action_name(action);  // no symbol, no volume: nothing else to check
  }
}

TEST_F(SignalValidator, ASymbolIsCheckedOnlyWhenGiven) {
  signal_ = Signal{};
  signal_.instance = "demo-1";
  signal_.action = Action::kCloseAll;
  EXPECT_EQ(error_of(), "");
  signal_.symbol = "XAUUSD";
  EXPECT_EQ(error_of(), "");
  signal_.symbol = "XXXUSD";
  EXPECT_EQ(error_of(), "symbol XXXUSD not enabled on demo-1");
  signal_.action = Action::kClose;
  signal_.position = 7;
  EXPECT_EQ(error_of(), "symbol XXXUSD not enabled on demo-1");
}

TEST_F(SignalValidator, APartialCloseIsWithinMaxVolumeAndOnStep) {
  signal_ = Signal{};
  signal_.instance = "demo-1";
  signal_.action = Action::kClose;
  signal_.position = 7;
  signal_.volume = 0;  // all of it
  EXPECT_EQ(error_of(), "");
  signal_.volume = 0.05;
  EXPECT_EQ(error_of(), "");
  signal_.volume = 0.015;
  EXPECT_EQ(error_of(), "volume 0.015 not a multiple of volume_step 0.01 of demo-1");
  signal_.volume = 50;
  EXPECT_EQ(error_of(), "volume 50 above max_volume 10 of demo-1");
  signal_.volume = 5;
  EXPECT_EQ(error_of(2), "") << "the cap limits opening, not closing";
  signal_.volume = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(error_of(), "volume nan must be a finite number > 0");
}

}  // namespace
}  // namespace mtg
