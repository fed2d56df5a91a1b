#include "link/codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "link/retcode.h"

namespace mtg::link {
namespace {

// What the version-1 encoder wrote for these frames, byte for byte (without "\n").
constexpr char kV1MarketOrder[] =
    R"({"client_id":"bxwqO01eT2CKmwwdLj9KWw.0","expires_at":1763900030000,"leg":0,"order_type":"market",)"
    R"("price":0.0,"side":"buy","sl":0.0,"symbol":"EURUSD","tp":0.0,"type":"order",)"
    R"("uuid":"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b","volume":0.1})";
constexpr char kV1Result[] =
    R"({"client_id":"bxwqO01eT2CKmwwdLj9KWw.0","deal":456,"filled_volume":0.1,"leg":0,"price":1.10012,)"
    R"("reason":"Request executed","retcode":10009,"ticket":123,"type":"result",)"
    R"("uuid":"6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"})";
constexpr char kV1Positions[] =
    R"({"positions":[{"price":1.1,"side":"buy","symbol":"EURUSD","ticket":1,"volume":0.3}],"truncated":false,)"
    R"("type":"positions"})";

// The market open of kV1MarketOrder.
OrderFrame market_open() {
  OrderFrame f;
  f.client_id = "bxwqO01eT2CKmwwdLj9KWw.0";
  f.uuid = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  f.symbol = "EURUSD";
  f.volume = 0.1;
  f.price = 0;
  f.sl = 0;
  f.tp = 0;
  f.expires_at = 1'763'900'030'000;
  return f;
}

// The result of kV1Result.
ResultFrame sample_result() {
  return ResultFrame{
      "bxwqO01eT2CKmwwdLj9KWw.0", "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b", 0, 10009, 0.1, 1.10012, 123, 456,
      "Request executed"};
}

PendingOrder sample_pending_order(OrderType type) {
  PendingOrder o;
  o.ticket = 7;
  o.symbol = "XAUUSD";
  o.side = Side::kSell;
  o.type = type;
  o.volume = 0.5;
  o.price = 2010.5;
  o.stop_limit_price = 2011.25;
  o.sl = 2020;
  o.tp = 1990.75;
  o.expiration_ms = 1'763'990'000'000;
  o.ref = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  return o;
}

TradeEvent sample_event(EventKind kind) {
  TradeEvent e;
  e.id = "deal:4711";
  e.kind = kind;
  e.symbol = "EURUSD";
  e.side = Side::kSell;
  e.volume = 0.3;
  e.price = 1.0950;
  e.order = 4700;
  e.deal = 4711;
  e.position = 4690;
  e.ref = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  e.reason = "[sl 1.09500]";
  e.ts_ms = 1'763'900'100'000;
  return e;
}

// An encoded line as decode takes it: without its "\n".
std::string_view body(const std::string& line) { return std::string_view(line).substr(0, line.size() - 1); }

void expect_round_trip(const Frame& frame) {
  const std::string line = encode(frame);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one frame is one line";
  Result<Frame> back = decode(body(line));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string() << " for " << line;
  EXPECT_EQ(*back, frame) << line;
}

bool has_key(const std::string& line, const std::string& key) {
  return line.find("\"" + key + "\":") != std::string::npos;
}

TEST(Codec, EveryFrameTypeRoundTrips) {
  expect_round_trip(Hello{2, "demo-1", "s3cret", "sim/1.0", true});
  expect_round_trip(Welcome{1, 1000});
  expect_round_trip(Heartbeat{1'763'900'000'000, std::nullopt});
  expect_round_trip(Heartbeat{1'763'900'000'000, false});
  expect_round_trip(market_open());
  expect_round_trip(sample_result());
  ResultFrame partial = sample_result();
  partial.retcode = kRetcodeDonePartial;
  partial.filled_volume = 0.07;
  partial.reason = "partial \"fill\"\twith escapes";
  partial.position = 99;
  expect_round_trip(partial);
  expect_round_trip(QueryFrame{{"a.0", "b.1"}});
  expect_round_trip(QueryFrame{});
  expect_round_trip(KnownFrame{{KnownOrder{"a.0", std::nullopt}, KnownOrder{"c.0", std::nullopt, true},
                                KnownOrder{sample_result().client_id, sample_result()}}});
  expect_round_trip(PositionsRequest{});
  expect_round_trip(Positions{{Position{1, "EURUSD", Side::kBuy, 0.3, 1.1},
                               Position{2, "XAUUSD", Side::kSell, 1, 2000.5, 1990, 2100, "6f1c2a3b"}},
                              false});
  expect_round_trip(Positions{{}, true});
  expect_round_trip(Orders{{sample_pending_order(OrderType::kLimit)}, false});
  expect_round_trip(Orders{{}, true});
  expect_round_trip(EventFrame{sample_event(EventKind::kStopLoss)});
  expect_round_trip(EventAck{{"deal:4711", "order:4700:expired"}});
  expect_round_trip(EventAck{});
  expect_round_trip(ErrorFrame{"authentication failed"});
}

TEST(Codec, FrameTypesAreTheWireNames) {
  EXPECT_STREQ(frame_type(Orders{}), "orders");
  EXPECT_STREQ(frame_type(EventFrame{}), "event");
  EXPECT_STREQ(frame_type(EventAck{}), "event_ack");
  for (const Frame& frame : std::vector<Frame>{Hello{}, Welcome{}, Heartbeat{}, OrderFrame{}, ResultFrame{},
                                               QueryFrame{}, KnownFrame{}, PositionsRequest{}, Positions{},
                                               Orders{}, EventFrame{}, EventAck{}, ErrorFrame{}}) {
    const std::string line = encode(frame);
    EXPECT_NE(line.find("\"type\":\"" + std::string(frame_type(frame)) + "\""), std::string::npos) << line;
  }
}

TEST(Codec, EncodesTheWireNames) {
  const std::string line = encode(market_open());
  EXPECT_NE(line.find("\"side\":\"buy\""), std::string::npos);
  EXPECT_NE(line.find("\"expires_at\":1763900030000"), std::string::npos);
  const std::string known =
      encode(KnownFrame{{KnownOrder{"x.0", std::nullopt}, KnownOrder{"y.0", std::nullopt, true}}});
  EXPECT_NE(known.find("\"state\":\"unknown\""), std::string::npos);
  EXPECT_NE(known.find("\"state\":\"pending\""), std::string::npos);
}

// ---- version 1 compatibility ------------------------------------------------------------

TEST(CodecV1, AMarketOpenEncodesExactlyAsVersion1Did) {
  EXPECT_EQ(encode(market_open()), std::string(kV1MarketOrder) + "\n");
  EXPECT_EQ(encode(sample_result()), std::string(kV1Result) + "\n");
  EXPECT_EQ(encode(Positions{{Position{1, "EURUSD", Side::kBuy, 0.3, 1.1}}, false}),
            std::string(kV1Positions) + "\n");
}

TEST(CodecV1, AVersion1OrderLineDecodesToAMarketOpen) {
  Result<Frame> f = decode(kV1MarketOrder);
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  EXPECT_EQ(std::get<OrderFrame>(*f), market_open());
  EXPECT_EQ(std::get<OrderFrame>(*f).action, Action::kOpen);
}

TEST(CodecV1, Version1ResultsAndPositionsDecodeWithTheDefaultsOfVersion2) {
  Result<Frame> result = decode(kV1Result);
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(std::get<ResultFrame>(*result), sample_result());
  EXPECT_EQ(std::get<ResultFrame>(*result).position, 0);
  Result<Frame> positions = decode(kV1Positions);
  ASSERT_TRUE(positions.is_ok()) << positions.status().to_string();
  const Position& p = std::get<Positions>(*positions).positions.at(0);
  EXPECT_EQ(p, (Position{1, "EURUSD", Side::kBuy, 0.3, 1.1, 0, 0, ""}));
}

TEST(CodecV1, AnOpenWithoutPricesIsSentWithZerosAsVersion1Requires) {
  OrderFrame open = market_open();
  open.price.reset();
  open.sl.reset();
  open.tp.reset();
  EXPECT_EQ(encode(open), std::string(kV1MarketOrder) + "\n");
}

// ---- order frames of version 2 ----------------------------------------------------------

// One version-2 field of the order frame set to a value other than its default.
struct OrderField {
  const char* key;
  std::function<void(OrderFrame&)> set;
};

std::vector<OrderField> version2_order_fields() {
  return {
      {"action", [](OrderFrame& f) { f.action = Action::kClose; }},
      {"stop_limit_price", [](OrderFrame& f) { f.stop_limit_price = 1.1; }},
      {"expiration", [](OrderFrame& f) { f.expiration = 1'763'990'000'000; }},
      {"deviation", [](OrderFrame& f) { f.deviation = 20; }},
      {"position", [](OrderFrame& f) { f.position = 4690; }},
      {"order", [](OrderFrame& f) { f.order = 4700; }},
      {"ref", [](OrderFrame& f) { f.ref = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"; }},
      {"close_side", [](OrderFrame& f) { f.close_side = CloseSide::kShort; }},
      {"expected_volume", [](OrderFrame& f) { f.expected_volume = 0.3; }},
  };
}

TEST(CodecV2, EachVersion2OrderFieldIsWrittenOnlyWhenSetAndRoundTrips) {
  const std::string plain = encode(market_open());
  for (const OrderField& field : version2_order_fields()) {
    SCOPED_TRACE(field.key);
    EXPECT_FALSE(has_key(plain, field.key));
    OrderFrame f = market_open();
    field.set(f);
    EXPECT_TRUE(has_key(encode(f), field.key)) << encode(f);
    expect_round_trip(f);
  }
}

TEST(CodecV2, EveryActionAndOrderTypeRoundTripsWithEveryFieldSetOrUnset) {
  for (Action action : {Action::kOpen, Action::kClose, Action::kCloseAll, Action::kModify,
                        Action::kModifyOrder, Action::kCancel}) {
    for (OrderType type : {OrderType::kMarket, OrderType::kLimit, OrderType::kStop, OrderType::kStopLimit}) {
      SCOPED_TRACE(std::string(action_name(action)) + " " + order_type_name(type));
      OrderFrame unset = market_open();
      unset.action = action;
      unset.order_type = type;
      if (action != Action::kOpen) {
        unset.price.reset();
        unset.sl.reset();
        unset.tp.reset();
      }
      expect_round_trip(unset);
      OrderFrame set = unset;
      set.price = 1.2;
      set.sl = 1.1;
      set.tp = 1.3;
      for (const OrderField& field : version2_order_fields()) {
        if (std::string(field.key) != "action") field.set(set);
      }
      expect_round_trip(set);
    }
  }
}

TEST(CodecV2, AnActionOtherThanOpenCarriesOnlyThePricesItSets) {
  OrderFrame modify = market_open();
  modify.action = Action::kModify;
  modify.position = 4690;
  modify.price.reset();
  modify.sl = 0;      // remove the SL
  modify.tp.reset();  // leave the TP as it is
  const std::string line = encode(modify);
  EXPECT_TRUE(has_key(line, "sl")) << line;
  EXPECT_FALSE(has_key(line, "tp")) << line;
  EXPECT_FALSE(has_key(line, "price")) << line;
  Result<Frame> back = decode(body(line));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(std::get<OrderFrame>(*back).sl, 0.0);
  EXPECT_EQ(std::get<OrderFrame>(*back).tp, std::nullopt);
}

TEST(CodecV2, AnOpenNeedsPriceSlAndTpAsInVersion1) {
  const std::string open =
      R"({"type":"order","client_id":"c.0","uuid":"u","leg":0,"symbol":"EURUSD","side":"buy",)"
      R"("order_type":"market","volume":0.1,"price":0,"tp":0,"expires_at":1})";
  Result<Frame> f = decode(open);
  ASSERT_FALSE(f.is_ok());
  EXPECT_NE(f.status().message().find("\"sl\": missing"), std::string::npos) << f.status().message();
  const std::string close =
      R"({"type":"order","action":"close","client_id":"c.0","uuid":"u","leg":0,"symbol":"",)"
      R"("side":"buy","order_type":"market","volume":0,"position":5,"expires_at":1})";
  EXPECT_TRUE(decode(close).is_ok()) << decode(close).status().to_string();
}

// ---- the other frames of version 2 ------------------------------------------------------

TEST(CodecV2, AResultCarriesItsPositionOnlyWhenThereIsOne) {
  EXPECT_FALSE(has_key(encode(sample_result()), "position"));
  ResultFrame r = sample_result();
  r.position = 4690;
  EXPECT_TRUE(has_key(encode(r), "position"));
  expect_round_trip(r);
}

TEST(CodecV2, APositionsSlTpAndRefAreWrittenOnlyWhenSet) {
  Position p{1, "EURUSD", Side::kBuy, 0.3, 1.1};
  for (const char* key : {"sl", "tp", "ref"})
    EXPECT_FALSE(has_key(encode(Positions{{p}, false}), key)) << key;
  p.sl = 1.09;
  p.tp = 1.12;
  p.ref = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  for (const char* key : {"sl", "tp", "ref"}) EXPECT_TRUE(has_key(encode(Positions{{p}, false}), key)) << key;
  expect_round_trip(Positions{{p}, true});
}

TEST(CodecV2, EveryPendingOrderTypeRoundTrips) {
  Orders all;
  for (OrderType type : {OrderType::kLimit, OrderType::kStop, OrderType::kStopLimit}) {
    all.orders.push_back(sample_pending_order(type));
  }
  expect_round_trip(all);
  const std::string line = encode(all);
  EXPECT_NE(line.find("\"order_type\":\"stop_limit\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"expiration\":1763990000000"), std::string::npos) << line;
}

TEST(CodecV2, EveryEventKindRoundTripsWithoutItsInstance) {
  for (EventKind kind : {EventKind::kOrderTriggered, EventKind::kOrderCancelled, EventKind::kOrderExpired,
                         EventKind::kStopLoss, EventKind::kTakeProfit, EventKind::kStopOut,
                         EventKind::kManual, EventKind::kPositionsMismatch}) {
    SCOPED_TRACE(event_kind_name(kind));
    expect_round_trip(EventFrame{sample_event(kind)});
  }
  TradeEvent e = sample_event(EventKind::kManual);
  e.instance = "demo-1";
  const std::string line = encode(EventFrame{e});
  EXPECT_EQ(line.find("demo-1"), std::string::npos) << "the connection says the instance: " << line;
  Result<Frame> back = decode(body(line));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(std::get<EventFrame>(*back).event.instance, "");
}

TEST(CodecV2, FullFramesOfIdsRoundTrip) {
  EventAck ack;
  ack.ids.assign(kMaxEventAckIds, std::string(kMaxEventIdChars, 'e'));
  expect_round_trip(ack);
  EXPECT_LE(encode(ack).size(), kMaxLineBytes);
}

TEST(CodecDeathTest, APendingOrderWithAResultStopsTheProcess) {
  EXPECT_DEATH(encode(KnownFrame{{KnownOrder{"a.0", sample_result(), true}}}), "pending");
  EXPECT_DEATH(encode(KnownFrame{{KnownOrder{"other.0", sample_result()}}}), "client_id");
}

// ---- strictness -------------------------------------------------------------------------

TEST(Codec, IgnoresUnknownFieldsAndToleratesCarriageReturn) {
  auto f = decode(R"({"type":"heartbeat","ts":5,"extra":{"x":[1,2]}})"
                  "\r");
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  EXPECT_EQ(std::get<Heartbeat>(*f).ts, 5);
}

void expect_rejected(std::string_view line, const std::string& needle) {
  Result<Frame> f = decode(line);
  ASSERT_FALSE(f.is_ok()) << line;
  EXPECT_EQ(f.status().code(), Code::kInvalidArgument);
  EXPECT_NE(f.status().message().find(needle), std::string::npos) << f.status().message();
}

// The order line of kV1MarketOrder with the fields of the JSON object `patch` set.
std::string order_with(const std::string& patch) {
  nlohmann::json line = nlohmann::json::parse(kV1MarketOrder);
  line.update(nlohmann::json::parse(patch));
  return line.dump();
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
  expect_rejected(
      R"({"type":"result","client_id":"c.0","uuid":"u","leg":0,"retcode":10009,"filled_volume":1,)"
      R"("price":1,"ticket":1,"deal":1})",
      "\"reason\": missing");
  expect_rejected(
      R"({"type":"event","id":"deal:1","kind":"manual","symbol":"EURUSD","side":"buy","volume":1,)"
      R"("price":1,"order":0,"deal":1,"position":1,"ref":"","reason":""})",
      "\"ts\": missing");
}

TEST(Codec, RejectsWrongType) {
  expect_rejected(R"({"type":"heartbeat","ts":"5"})", "expected an integer");
  expect_rejected(R"({"type":"heartbeat","ts":1.5})", "expected an integer");
  expect_rejected(R"({"type":"heartbeat","ts":5,"broker_connected":1})", "expected a boolean");
  expect_rejected(R"({"type":42})", "\"type\"");
  expect_rejected(order_with(R"({"side":"long"})"), "\"side\"");
  expect_rejected(order_with(R"({"volume":"0.1"})"), "\"volume\": expected a number");
  expect_rejected(order_with(R"({"action":5})"), "\"action\": expected a string");
  expect_rejected(order_with(R"({"expiration":1.5})"), "\"expiration\": expected an integer");
  expect_rejected(order_with(R"({"deviation":"3"})"), "\"deviation\": expected an integer");
  expect_rejected(order_with(R"({"stop_limit_price":"x"})"), "\"stop_limit_price\": expected a number");
  expect_rejected(order_with(R"({"ref":7})"), "\"ref\": expected a string");
  expect_rejected(order_with(R"({"action":"modify","sl":null})"), "\"sl\": expected a number");
  expect_rejected(R"({"type":"known","orders":[{"client_id":"a.0","state":"maybe"}]})", "\"state\"");
  expect_rejected(
      R"({"type":"positions","positions":[{"ticket":1,"symbol":"EURUSD","side":"buy","volume":0.3,)"
      R"("price":1.1,"sl":"1"}]})",
      "\"sl\": expected a number");
  expect_rejected(R"({"type":"event_ack","ids":"deal:1"})", "\"ids\": expected an array");
  expect_rejected(R"({"type":"orders","orders":[1]})", "item 0: expected an object");
}

TEST(Codec, RejectsUnknownNames) {
  expect_rejected(order_with(R"({"action":"reverse"})"), "\"action\"");
  expect_rejected(order_with(R"({"order_type":"iceberg"})"), "\"order_type\"");
  expect_rejected(order_with(R"({"close_side":"up"})"), "\"close_side\"");
  std::string event = encode(EventFrame{sample_event(EventKind::kManual)});
  event.replace(event.find("\"manual\""), 8, "\"margin_call\"");
  expect_rejected(body(event), "\"kind\"");
}

TEST(Codec, RejectsOutOfRangeNumbers) {
  expect_rejected(R"({"type":"heartbeat","ts":-1})", "out of range");
  expect_rejected(order_with(R"({"position":-1})"), "\"position\": out of range");
  expect_rejected(order_with(R"({"order":9223372036854775808})"), "\"order\": out of range");
  expect_rejected(order_with(R"({"volume":-0.1})"), "\"volume\": out of range");
  expect_rejected(order_with(R"({"expected_volume":-0.1})"), "\"expected_volume\": out of range");
  expect_rejected(order_with(R"({"action":"modify","tp":-1})"), "\"tp\": out of range");
  std::string result = kV1Result;
  expect_rejected(result.replace(result.find("1.10012"), 7, "-1.1"), "\"price\": out of range");
  expect_rejected(
      R"({"type":"positions","positions":[{"ticket":1,"symbol":"EURUSD","side":"buy","volume":-0.3,)"
      R"("price":1.1}]})",
      "\"volume\": out of range");
}

TEST(Codec, RejectsAPendingOrderAtMarket) {
  std::string line = encode(Orders{{sample_pending_order(OrderType::kLimit)}, false});
  line.replace(line.find("\"limit\""), 7, "\"market\"");
  expect_rejected(body(line), "never \"market\"");
}

TEST(Codec, RejectsAnOrderThatIsNotDoneButCarriesAResult) {
  expect_rejected(R"({"type":"known","orders":[{"client_id":"a.0","state":"pending","retcode":10009}]})",
                  "field \"orders\": item 0: field \"retcode\"");
  expect_rejected(R"({"type":"known","orders":[{"client_id":"a.0","state":"unknown","retcode":10009}]})",
                  "\"retcode\"");
}

TEST(Codec, ErrorsNameTheItem) {
  Positions p{{Position{1, "EURUSD", Side::kBuy, 0.3, 1.1}, Position{2, "EURUSD", Side::kBuy, 0.3, 1.1}},
              false};
  std::string line = encode(p);
  line.replace(line.rfind("\"buy\""), 5, "\"long\"");
  expect_rejected(body(line), "field \"positions\": item 1: field \"side\"");
}

TEST(Codec, RejectsUnknownType) { expect_rejected(R"({"type":"reboot"})", "unknown frame type"); }

TEST(Codec, RejectsOverLongLineAndStrings) {
  std::string line = R"({"type":"error","reason":")" + std::string(kMaxLineBytes, 'x') + "\"}";
  expect_rejected(line, "longer than 65536");
  expect_rejected(R"({"type":"error","reason":")" + std::string(kMaxErrorReasonChars + 1, 'x') + "\"}",
                  "longer than 256");
  expect_rejected(R"({"type":"query","client_ids":[")" + std::string(kMaxClientIdChars + 1, 'x') + "\"]}",
                  "client_ids");
  OrderFrame order = market_open();
  order.ref = std::string(kMaxUuidChars + 1, 'r');
  expect_rejected(body(encode(order)), "\"ref\": longer than 64 bytes");
  TradeEvent event = sample_event(EventKind::kManual);
  event.id = std::string(kMaxEventIdChars + 1, 'i');
  expect_rejected(body(encode(EventFrame{event})), "\"id\": longer than 128 bytes");
  event.id = "";
  expect_rejected(body(encode(EventFrame{event})), "\"id\": empty");
  event = sample_event(EventKind::kManual);
  event.reason = std::string(129, 'x');
  expect_rejected(body(encode(EventFrame{event})), "\"reason\": longer than 128 bytes");
  expect_rejected(body(encode(EventAck{{"deal:1", std::string(kMaxEventIdChars + 1, 'i')}})),
                  "\"ids\": item 1: expected a string of 1 to 128 bytes");
  expect_rejected(body(encode(EventAck{{""}})), "\"ids\": item 0");
}

TEST(Codec, RejectsMoreItemsThanAFrameHolds) {
  QueryFrame query;
  query.client_ids.assign(kMaxQueryIds, "AbCdEfGhIjKlMnOpQrStUv.0");
  EXPECT_TRUE(decode(body(encode(query))).is_ok());
  query.client_ids.push_back("x.0");
  expect_rejected(body(encode(query)), "\"client_ids\": more than 256 items");

  EventAck ack;
  ack.ids.assign(kMaxEventAckIds + 1, "deal:1");
  expect_rejected(body(encode(ack)), "\"ids\": more than 256 items");
  Positions positions;
  positions.positions.assign(kMaxPositionsPerFrame + 1, Position{1, "EURUSD", Side::kBuy, 0.3, 1.1});
  expect_rejected(body(encode(positions)), "\"positions\": more than 128 items");
  Orders orders;
  orders.orders.assign(kMaxOrdersPerFrame + 1, sample_pending_order(OrderType::kStop));
  expect_rejected(body(encode(orders)), "\"orders\": more than 128 items");
  KnownFrame known;
  known.orders.assign(kMaxKnownPerFrame + 1, KnownOrder{"a.0", std::nullopt});
  expect_rejected(body(encode(known)), "\"orders\": more than 32 items");
}

TEST(Codec, WorstCaseKnownFrameFitsOneLine) {
  ResultFrame r{std::string(kMaxClientIdChars, 'c'),
                std::string(kMaxUuidChars, 'u'),
                1000,
                99999,
                1.2345678901234567e10,
                9.87654321012345e-10,
                INT64_MAX,
                INT64_MAX,
                std::string(kMaxResultReasonChars, '\x01'),
                INT64_MAX};
  KnownFrame known;
  known.orders.assign(kMaxKnownPerFrame, KnownOrder{r.client_id, r});
  EXPECT_LE(encode(known).size(), kMaxLineBytes);
}

}  // namespace
}  // namespace mtg::link
