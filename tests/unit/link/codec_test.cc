#include "link/codec.h"

#include <gtest/gtest.h>

#include <string>

#include "link/retcode.h"

namespace mtg::link {
namespace {

ResultFrame sample_result() {
  return ResultFrame{"AbCdEfGhIjKlMnOpQrStUv.0", "6f1c2d3e-0000-4000-8000-000000000001", 0, 10009, 0.1,
                     1.10012, 123, 456, ""};
}

void expect_round_trip(const Frame& frame) {
  const std::string line = encode(frame);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one frame is one line";
  Result<Frame> back = decode(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string() << " for " << line;
  EXPECT_EQ(*back, frame) << line;
}

TEST(Codec, EveryFrameTypeRoundTrips) {
  expect_round_trip(Hello{1, "demo-1", "s3cret", "sim/1.0", true});
  expect_round_trip(Welcome{1, 1000});
  expect_round_trip(Heartbeat{1'763'900'000'000, std::nullopt});
  expect_round_trip(Heartbeat{1'763'900'000'000, false});
  expect_round_trip(OrderFrame{"AbCdEfGhIjKlMnOpQrStUv.1", "u-1", 1, "EURUSD", Side::kSell, OrderType::kMarket, 0.1, 0, 1.09,
                               1.2, 1'763'900'030'000});
  expect_round_trip(sample_result());
  ResultFrame partial = sample_result();
  partial.retcode = kRetcodeDonePartial;
  partial.filled_volume = 0.07;
  partial.reason = "partial \"fill\"\twith escapes";
  expect_round_trip(partial);
  expect_round_trip(QueryFrame{{"a.0", "b.1"}});
  expect_round_trip(QueryFrame{});
  expect_round_trip(KnownFrame{{KnownOrder{"a.0", std::nullopt}, KnownOrder{sample_result().client_id, sample_result()}}});
  expect_round_trip(PositionsRequest{});
  expect_round_trip(Positions{{Position{1, "EURUSD", Side::kBuy, 0.3, 1.1}, Position{2, "XAUUSD", Side::kSell, 1, 2000.5}},
                              false});
  expect_round_trip(Positions{{}, true});
  expect_round_trip(ErrorFrame{"authentication failed"});
}

TEST(Codec, EncodesTheWireNames) {
  const std::string line = encode(OrderFrame{"c.0", "u", 0, "EURUSD", Side::kBuy, OrderType::kMarket, 0.1, 0, 0, 0, 5});
  EXPECT_NE(line.find("\"type\":\"order\""), std::string::npos);
  EXPECT_NE(line.find("\"side\":\"buy\""), std::string::npos);
  EXPECT_NE(line.find("\"expires_at\":5"), std::string::npos);
  const std::string known = encode(KnownFrame{{KnownOrder{"x.0", std::nullopt}}});
  EXPECT_NE(known.find("\"state\":\"unknown\""), std::string::npos);
}

TEST(Codec, IgnoresUnknownFieldsAndToleratesCarriageReturn) {
  auto f = decode(R"({"type":"heartbeat","ts":5,"extra":{"x":[1,2]}})" "\r");
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  EXPECT_EQ(std::get<Heartbeat>(*f).ts, 5);
}

void expect_rejected(std::string_view line, const std::string& needle) {
  Result<Frame> f = decode(line);
  ASSERT_FALSE(f.is_ok()) << line;
  EXPECT_EQ(f.status().code(), Code::kInvalidArgument);
  EXPECT_NE(f.status().message().find(needle), std::string::npos) << f.status().message();
}

TEST(Codec, RejectsBadJson) {
  expect_rejected("{\"type\":\"heartbeat\",", "not valid JSON");
  expect_rejected("garbage", "not valid JSON");
  expect_rejected("[1,2]", "not a JSON object");
  expect_rejected("", "not valid JSON");
}

TEST(Codec, RejectsMissingField) {
  expect_rejected(R"({"type":"heartbeat"})", "\"ts\": missing");
  expect_rejected(R"({"ts":1})", "\"type\"");
  expect_rejected(R"({"type":"result","client_id":"c.0","uuid":"u","leg":0,"retcode":10009,"filled_volume":1,)"
                  R"("price":1,"ticket":1,"deal":1})",
                  "\"reason\": missing");
}

TEST(Codec, RejectsWrongType) {
  expect_rejected(R"({"type":"heartbeat","ts":"5"})", "expected an integer");
  expect_rejected(R"({"type":"heartbeat","ts":1.5})", "expected an integer");
  expect_rejected(R"({"type":"heartbeat","ts":5,"broker_connected":1})", "expected a boolean");
  expect_rejected(R"({"type":42})", "\"type\"");
  expect_rejected(R"({"type":"order","client_id":"c.0","uuid":"u","leg":0,"symbol":"EURUSD","side":"long",)"
                  R"("order_type":"market","volume":0.1,"price":0,"sl":0,"tp":0,"expires_at":1})",
                  "\"side\"");
  expect_rejected(R"({"type":"order","client_id":"c.0","uuid":"u","leg":0,"symbol":"EURUSD","side":"buy",)"
                  R"("order_type":"limit","volume":0.1,"price":0,"sl":0,"tp":0,"expires_at":1})",
                  "\"order_type\"");
  expect_rejected(R"({"type":"order","client_id":"c.0","uuid":"u","leg":0,"symbol":"EURUSD","side":"buy",)"
                  R"("order_type":"market","volume":"0.1","price":0,"sl":0,"tp":0,"expires_at":1})",
                  "expected a number");
  expect_rejected(R"({"type":"known","orders":[{"client_id":"a.0","state":"maybe"}]})", "\"state\"");
  expect_rejected(R"({"type":"heartbeat","ts":-1})", "out of range");
}

TEST(Codec, RejectsUnknownType) { expect_rejected(R"({"type":"reboot"})", "unknown frame type"); }

TEST(Codec, RejectsOverLongLineAndStrings) {
  std::string line = R"({"type":"error","reason":")" + std::string(kMaxLineBytes, 'x') + "\"}";
  expect_rejected(line, "longer than 65536");
  expect_rejected(R"({"type":"error","reason":")" + std::string(kMaxErrorReasonChars + 1, 'x') + "\"}",
                  "longer than 256");
  expect_rejected(R"({"type":"query","client_ids":[")" + std::string(kMaxClientIdChars + 1, 'x') + "\"]}",
                  "client_ids");
}

TEST(Codec, RejectsMoreThan256ClientIds) {
  QueryFrame ok;
  ok.client_ids.assign(kMaxQueryIds, "AbCdEfGhIjKlMnOpQrStUv.0");
  const std::string ok_line = encode(ok);
  EXPECT_TRUE(decode(std::string_view(ok_line).substr(0, ok_line.size() - 1)).is_ok());
  QueryFrame too_many = ok;
  too_many.client_ids.push_back("x.0");
  const std::string line = encode(too_many);
  expect_rejected(std::string_view(line).substr(0, line.size() - 1), "more than 256");
}

TEST(Codec, WorstCaseKnownFrameFitsOneLine) {
  ResultFrame r{std::string(kMaxClientIdChars, 'c'), std::string(kMaxUuidChars, 'u'), 1000, 99999,
                1.2345678901234567e10, -9.87654321012345e-10, INT64_MAX, INT64_MAX,
                std::string(kMaxResultReasonChars, '\x01')};
  KnownFrame known;
  known.orders.assign(kMaxKnownPerFrame, KnownOrder{r.client_id, r});
  EXPECT_LE(encode(known).size(), kMaxLineBytes);
}

TEST(Retcode, ClassifiesEveryListedCode) {
  EXPECT_EQ(classify_retcode(kRetcodeDone), RetcodeClass::kDone);
  EXPECT_EQ(classify_retcode(kRetcodePlaced), RetcodeClass::kDone);
  EXPECT_EQ(classify_retcode(kRetcodeDonePartial), RetcodeClass::kPartial);
  for (int code : {kRetcodeRequote, kRetcodePriceChanged, kRetcodePriceOff, kRetcodeConnection,
                   kRetcodeMarketClosed}) {
    EXPECT_EQ(classify_retcode(code), RetcodeClass::kFailed) << code;
  }
  for (int code : {kRetcodeReject, kRetcodeInvalid, kRetcodeInvalidVolume, kRetcodeInvalidPrice,
                   kRetcodeInvalidStops, kRetcodeTradeDisabled, kRetcodeNoMoney, kRetcodeInvalidFill}) {
    EXPECT_EQ(classify_retcode(code), RetcodeClass::kRejected) << code;
  }
  EXPECT_EQ(classify_retcode(kRetcodeInvalidExpiration), RetcodeClass::kExpired);
  EXPECT_STREQ(retcode_name(kRetcodeDone), "TRADE_RETCODE_DONE");
  EXPECT_STREQ(retcode_name(kRetcodeTimeout), "TRADE_RETCODE_TIMEOUT");
}

TEST(Retcode, AnOutcomeNoTerminalVouchesForIsUnknownNeverFailed) {
  for (int code : {kRetcodeTimeout, kRetcodeError, 0, -1, 10007, 10023, 12345}) {
    EXPECT_EQ(classify_retcode(code), RetcodeClass::kUnknown) << code;
  }
}

}  // namespace
}  // namespace mtg::link
