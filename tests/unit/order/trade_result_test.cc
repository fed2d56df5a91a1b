#include "order/trade_result.h"

#include <gtest/gtest.h>

#include <set>

namespace mtg {
namespace {

using R = ResultStatus;

constexpr ResultStatus kAll[] = {R::kFilled, R::kPartial, R::kFailed, R::kRejected,
                                 R::kExpired, R::kDuplicate, R::kDropped};

Order filled_order() {
  Order o;
  o.signal.uuid = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  o.signal.instance = "demo-1";
  o.signal.symbol = "EURUSD";
  o.signal.volume = 0.5;
  o.signal.created_at_ms = 1763900000000;
  o.signal.ttl_ms = 30000;
  o.stream_id = "1763900000000-3";
  EXPECT_TRUE(o.transition(OrderState::kSent, 1));
  EXPECT_TRUE(o.apply_fill(0.2, 1.1));
  EXPECT_TRUE(o.transition(OrderState::kPartial, 2));
  return o;
}

TEST(ResultStatus, NamesRoundTripAndFinalsAreTheFive) {
  std::set<std::string> names;
  for (ResultStatus s : kAll) {
    names.insert(result_status_name(s));
    auto back = parse_result_status(result_status_name(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(names, (std::set<std::string>{"filled", "partial", "failed", "rejected", "expired", "duplicate",
                                          "dropped"}));
  const std::set<ResultStatus> finals = {R::kFilled, R::kFailed, R::kRejected, R::kExpired, R::kDropped};
  for (ResultStatus s : kAll) EXPECT_EQ(is_final(s), finals.count(s) == 1) << result_status_name(s);
  EXPECT_EQ(parse_result_status("closed").status().message(), "unknown result status closed");
}

TEST(TradeResult, DeterministicIds) {
  const std::string u = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  EXPECT_EQ(final_result_id(u), u + ":final");
  EXPECT_EQ(partial_result_id(u, 3), u + ":p3");
  EXPECT_EQ(duplicate_result_id(u, "17-0"), u + ":dup:17-0");
  EXPECT_EQ(unparsed_result_id("17-0"), "rtss:17-0");
}

TEST(TradeResult, PublicJsonFieldsInOrder) {
  TradeResult r = final_result_of(filled_order(), R::kFilled, "done", 1763900000500);
  EXPECT_EQ(r.to_json(),
            "{\"result_id\":\"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b:final\","
            "\"uuid\":\"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b\",\"instance\":\"demo-1\",\"symbol\":\"EURUSD\","
            "\"side\":\"buy\",\"status\":\"filled\",\"volume\":0.5,\"filled_volume\":0.2,\"avg_price\":1.1,"
            "\"price\":1.1,\"reason\":\"done\",\"ticket\":0,\"order\":0,\"retcode\":0,\"ts\":1763900000500,"
            "\"stream_id\":\"1763900000000-3\",\"action\":\"open\",\"deal\":0,\"position\":0,"
            "\"retcode_name\":\"\"}");
}

TEST(TradeResult, AResultWrittenBeforeContractVersion2StillDecodes) {
  const std::string v1 =
      "{\"result_id\":\"u:final\",\"uuid\":\"u\",\"instance\":\"demo-1\",\"symbol\":\"EURUSD\","
      "\"side\":\"buy\",\"status\":\"filled\",\"volume\":0.5,\"filled_volume\":0.5,\"avg_price\":1.1,"
      "\"reason\":\"\",\"ticket\":7,\"retcode\":10009,\"ts\":1,\"stream_id\":\"1-0\"}";
  auto r = TradeResult::from_json(v1);
  ASSERT_TRUE(r) << r.status().to_string();
  EXPECT_EQ(r->action, "open");
  EXPECT_EQ(r->ticket, 7u);
  EXPECT_EQ(r->deal, 0u);
  EXPECT_EQ(r->position, 0u);
  EXPECT_EQ(r->retcode_name, "");
}

TEST(TradeResult, JsonRoundTripsEveryField) {
  TradeResult r = final_result_of(filled_order(), R::kFailed, "no money \"10019\"", 1763900000500);
  r.ticket = 18446744073709551615ull;
  r.retcode = 10019;
  auto back = TradeResult::from_json(r.to_json());
  ASSERT_TRUE(back) << back.status().to_string();
  EXPECT_EQ(*back, r);

  TradeResult unparsed;
  unparsed.result_id = unparsed_result_id("5-1");
  unparsed.status = R::kRejected;
  unparsed.reason = "signal: malformed JSON: …";
  unparsed.retcode = -1;
  unparsed.stream_id = "5-1";
  auto back2 = TradeResult::from_json(unparsed.to_json());
  ASSERT_TRUE(back2) << back2.status().to_string();
  EXPECT_EQ(*back2, unparsed);
}

TEST(TradeResult, FromJsonRefusesDamage) {
  const std::string good = final_result_of(filled_order(), R::kExpired, "", 9).to_json();
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  for (const std::string& bad : {std::string("nope"), std::string("1"), with("\"expired\"", "\"closed\""),
                                 with("\"ticket\":0", "\"ticket\":-1"), with("\"ts\":9", "\"ts\":\"9\""),
                                 with("\"retcode\":0", "\"retcode\":99999999999"),
                                 with("\"uuid\":\"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b\",", "")}) {
    auto r = TradeResult::from_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.status().code(), Code::kCorruption) << bad;
  }
  EXPECT_EQ(TradeResult::from_json(with("\"ticket\":0", "\"ticket\":-1")).status().message(),
            "result: field ticket: must not be negative");
}

TEST(TradeResult, FinalResultOfCopiesTheOrder) {
  const Order o = filled_order();
  TradeResult r = final_result_of(o, R::kDropped, std::string(2000, 'x'), 77);
  EXPECT_EQ(r.result_id, final_result_id(o.signal.uuid));
  EXPECT_EQ(r.uuid, o.signal.uuid);
  EXPECT_EQ(r.instance, "demo-1");
  EXPECT_EQ(r.status, R::kDropped);
  EXPECT_EQ(r.volume, 0.5);
  EXPECT_EQ(r.filled_volume, 0.2);
  EXPECT_EQ(r.avg_price, 1.1);
  EXPECT_EQ(r.reason.size(), kMaxReasonBytes);
  EXPECT_EQ(r.ts_ms, 77);
  EXPECT_EQ(r.stream_id, o.stream_id);
}

TEST(TradeResult, ClipReasonKeepsUtf8Whole) {
  std::string reason(kMaxReasonBytes - 1, 'a');
  reason += "€€";  // 3 bytes each: the first one straddles the limit
  const std::string clipped = clip_reason(reason);
  EXPECT_EQ(clipped, std::string(kMaxReasonBytes - 1, 'a'));
  EXPECT_EQ(clip_reason("short"), "short");
}

TEST(TradeResultDeathTest, FinalResultOfRefusesNonFinalStatuses) {
  EXPECT_DEATH(final_result_of(filled_order(), R::kPartial, "", 1), "not final");
  EXPECT_DEATH(final_result_of(filled_order(), R::kDuplicate, "", 1), "not final");
  Order unfilled = filled_order();
  unfilled.filled_volume = 0;
  EXPECT_DEATH(final_result_of(unfilled, R::kFilled, "", 1), "without fills");
}

}  // namespace
}  // namespace mtg
