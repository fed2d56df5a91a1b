#include "order/order.h"

#include <gtest/gtest.h>

#include <limits>

namespace mtg {
namespace {

using S = OrderState;

Order make_order(double volume = 1.0) {
  Order o;
  o.signal.uuid = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  o.signal.instance = "demo-1";
  o.signal.symbol = "EURUSD";
  o.signal.side = Side::kSell;
  o.signal.type = OrderType::kLimit;
  o.signal.volume = volume;
  o.signal.price = 1.0875;
  o.signal.sl = 1.1;
  o.signal.tp = 1.05;
  o.signal.created_at_ms = 1763900000000;
  o.signal.ttl_ms = 30000;
  o.stream_id = "1763900000000-0";
  return o;
}

TEST(Order, TransitionMovesAndStamps) {
  Order o = make_order();
  ASSERT_TRUE(o.transition(S::kSent, 100));
  EXPECT_EQ(o.state, S::kSent);
  EXPECT_EQ(o.updated_at_ms, 100);
  ASSERT_TRUE(o.transition(S::kSent, 200));  // resend of the same leg
  EXPECT_EQ(o.updated_at_ms, 200);
}

TEST(Order, ForbiddenTransitionLeavesTheOrderUnchanged) {
  Order o = make_order();
  ASSERT_TRUE(o.transition(S::kSent, 100));
  ASSERT_TRUE(o.apply_fill(0.4, 1.08));
  ASSERT_TRUE(o.transition(S::kPartial, 150));
  const Order before = o;
  for (OrderState to : {S::kReceived, S::kSent, S::kClosed}) {
    Status s = o.transition(to, 999);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.code(), Code::kFailedPrecondition);
    EXPECT_EQ(o, before);
  }
  EXPECT_EQ(o.transition(S::kReceived, 999).message(),
            "order 6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b: transition partial -> received not allowed");
}

TEST(Order, PartialAndFilledNeedAFillFirst) {
  Order o = make_order();
  ASSERT_TRUE(o.transition(S::kSent, 1));
  const Order before = o;
  EXPECT_EQ(o.transition(S::kFilled, 2).code(), Code::kFailedPrecondition);
  EXPECT_EQ(o.transition(S::kPartial, 2).code(), Code::kFailedPrecondition);
  EXPECT_EQ(o, before);
  ASSERT_TRUE(o.apply_fill(1.0, 1.09));
  EXPECT_TRUE(o.transition(S::kFilled, 3));
}

TEST(Order, ClosedAcceptsNothing) {
  Order o = make_order();
  ASSERT_TRUE(o.transition(S::kRejected, 1));
  ASSERT_TRUE(o.transition(S::kClosed, 2));
  const Order before = o;
  for (int to = 0; to < kOrderStateCount; ++to) {
    EXPECT_FALSE(o.transition(static_cast<OrderState>(to), 3));
    EXPECT_EQ(o, before);
  }
}

TEST(Order, FillsAccumulateWithVolumeWeightedPrice) {
  Order o = make_order(1.0);
  ASSERT_TRUE(o.transition(S::kSent, 1));
  ASSERT_TRUE(o.apply_fill(0.25, 1.0));
  ASSERT_TRUE(o.apply_fill(0.75, 2.0));
  EXPECT_DOUBLE_EQ(o.filled_volume, 1.0);
  EXPECT_DOUBLE_EQ(o.avg_price, 1.75);
  EXPECT_EQ(o.remaining_volume(), 0.0);
}

TEST(Order, OverFillIsRefusedAndChangesNothing) {
  Order o = make_order(0.3);
  ASSERT_TRUE(o.transition(S::kSent, 1));
  ASSERT_TRUE(o.apply_fill(0.1, 1.1));
  ASSERT_TRUE(o.apply_fill(0.1, 1.1));
  const Order before = o;
  Status s = o.apply_fill(0.2, 1.1);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_EQ(o, before);
  ASSERT_TRUE(o.apply_fill(0.1, 1.1));  // 0.1 + 0.1 + 0.1 within the epsilon of 0.3
  EXPECT_EQ(o.remaining_volume(), 0.0);
  EXPECT_FALSE(o.apply_fill(1e-6, 1.1));
}

TEST(Order, BadFillsAreRefused) {
  Order o = make_order();
  EXPECT_EQ(o.apply_fill(0.1, 1.0).code(), Code::kFailedPrecondition);  // not sent yet
  ASSERT_TRUE(o.transition(S::kSent, 1));
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (auto [v, p] : {std::pair{0.0, 1.0}, {-0.1, 1.0}, {nan, 1.0}, {inf, 1.0}, {0.1, 0.0}, {0.1, nan}}) {
    EXPECT_EQ(o.apply_fill(v, p).code(), Code::kInvalidArgument);
  }
  EXPECT_EQ(o.filled_volume, 0.0);
  ASSERT_TRUE(o.apply_fill(1.0, 1.0));
  ASSERT_TRUE(o.transition(S::kFilled, 2));
  EXPECT_EQ(o.apply_fill(0.1, 1.0).code(), Code::kFailedPrecondition);  // final
}

TEST(Order, RemainingVolumeIsRounded) {
  Order o = make_order(0.3);
  ASSERT_TRUE(o.transition(S::kSent, 1));
  ASSERT_TRUE(o.apply_fill(0.1, 1.0));
  EXPECT_EQ(o.remaining_volume(), 0.2);
}

TEST(Order, JsonRoundTripsEveryField) {
  Order o = make_order(0.7);
  ASSERT_TRUE(o.transition(S::kSent, 10));
  ASSERT_TRUE(o.apply_fill(0.3, 1.08751));
  ASSERT_TRUE(o.transition(S::kPartial, 1763900000123));
  o.leg = 999;
  o.reason = "requote \"10004\" — ünïcode";
  auto back = Order::from_json(o.to_json());
  ASSERT_TRUE(back) << back.status().to_string();
  EXPECT_EQ(*back, o);
  EXPECT_EQ(back->to_json(), o.to_json());
}

TEST(Order, JsonKeepsABoundedReason) {
  Order o = make_order();
  o.reason = std::string(100'000, 'r');
  auto back = Order::from_json(o.to_json());
  ASSERT_TRUE(back) << back.status().to_string();
  EXPECT_EQ(back->reason, std::string(kMaxReasonBytes, 'r'));
}

TEST(Order, FromJsonRefusesDamage) {
  const std::string good = make_order().to_json();
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  for (const std::string& bad :
       {std::string("{"), std::string("[]"), with("\"state\":\"received\"", "\"state\":\"lost\""),
        with("\"leg\":0", "\"leg\":1000"), with("\"leg\":0", "\"leg\":-1"),
        with("\"filled_volume\":0.0", "\"filled_volume\":1.5"), with("\"uuid\":\"6f1c", "\"uuid\":\"zz1c"),
        with("\"reason\":\"\",", ""), with("\"avg_price\":0.0", "\"avg_price\":-1")}) {
    auto r = Order::from_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.status().code(), Code::kCorruption) << bad;
  }
  EXPECT_EQ(Order::from_json(with("\"leg\":0", "\"leg\":1000")).status().message(),
            "order: field leg: must be in 0..999");
}

}  // namespace
}  // namespace mtg
