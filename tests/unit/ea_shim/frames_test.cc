// The EA's frame codec (mql5/Include/MtGuard/Frames.mqh) against the engine's
// (src/link/codec.h): what the EA encodes the engine decodes to the same frame, and
// the two decoders agree on every line, good or bad.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "ea_shim/ea_core.h"
#include "ea_shim/engine_frame.h"
#include "link/codec.h"
#include "util/rng.h"

namespace {

using mtg::link::decode;
using mtg::link::encode;

// The frames a terminal receives, one of each shape.
std::vector<std::string> inbound_samples() {
  mtg::link::OrderFrame open;
  open.client_id = "bxwqO01eT2CKmwwdLj9KWw.0";
  open.uuid = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  open.symbol = "EURUSD";
  open.volume = 0.1;
  open.price = 0;
  open.sl = 1.09;
  open.tp = 0;
  open.expires_at = 1763900030000;
  mtg::link::OrderFrame close = open;
  close.action = mtg::Action::kClose;
  close.price.reset();
  close.sl.reset();
  close.tp.reset();
  close.position = 4690;
  close.expected_volume = 0.1;
  mtg::link::OrderFrame pending = open;
  pending.order_type = mtg::OrderType::kStopLimit;
  pending.price = 1.105;
  pending.stop_limit_price = 1.1045;
  pending.expiration = 1763990000000;
  pending.side = mtg::Side::kSell;
  mtg::link::OrderFrame close_all = close;
  close_all.action = mtg::Action::kCloseAll;
  close_all.close_side = mtg::CloseSide::kShort;
  close_all.ref = "6f1c";
  close_all.deviation = 20;
  close_all.order = 7;
  return {encode(mtg::link::Welcome{2, 1000}),
          encode(mtg::link::Heartbeat{1763900000000, std::nullopt}),
          encode(mtg::link::Heartbeat{5, true}),
          encode(open),
          encode(close),
          encode(pending),
          encode(close_all),
          encode(mtg::link::QueryFrame{{"a.0", "b.1", ""}}),
          encode(mtg::link::PositionsRequest{}),
          encode(mtg::link::EventAck{{"deal:4711", "order:4700:expired"}}),
          encode(mtg::link::ErrorFrame{"replaced"})};
}

// Whether both decoders accepted `line`; a failure when they disagree.
bool expect_agree(const std::string& line) {
  const Agreement a = compare_decoders(line);
  EXPECT_EQ(a.problem, "") << line;
  return a.both_accepted;
}

TEST(EaFramesTest, DecodesEveryFrameTheEngineSendsAsTheEngineDoes) {
  for (std::string line : inbound_samples()) {
    line.pop_back();  // the "\n"
    ASSERT_TRUE(ea_decode(line).is_ok()) << line << ": " << ea_decode(line).status().message();
    expect_agree(line);
  }
}

TEST(EaFramesTest, RefusesWhatTheEngineRefuses) {
  const char* lines[] = {
      "", "{", "[]", "{}", "{\"type\":\"welcome\"}", "{\"type\":\"welcome\",\"version\":2,\"heartbeat_ms\":9}",
      "{\"type\":\"welcome\",\"version\":2.0,\"heartbeat_ms\":100}",
      "{\"type\":\"welcome\",\"version\":-0,\"heartbeat_ms\":100}",
      "{\"type\":\"heartbeat\",\"ts\":9223372036854775808}", "{\"type\":\"heartbeat\",\"ts\":9223372036854775807}",
      "{\"type\":\"heartbeat\",\"ts\":-9223372036854775809}", "{\"type\":\"heartbeat\",\"ts\":1e999}",
      "{\"type\":\"heartbeat\",\"ts\":1,\"x\":1e999}", "{\"type\":\"heartbeat\",\"ts\":01}",
      "{\"type\":\"heartbeat\",\"ts\":1,\"broker_connected\":null}", "\xEF\xBB\xBF{\"type\":\"positions_request\"}",
      "{\"type\":\"positions_request\"} x", "{\"type\":\"positions_request\",}", "{\"t\\u0079pe\":\"error\",\"reason\":\"\\ud83d\\ude00\"}",
      "{\"type\":\"error\",\"reason\":\"\\ud83d\"}", "{\"type\":\"error\",\"reason\":\"\xC0\x80\"}",
      "{\"type\":\"error\",\"reason\":\"\xED\xA0\x80\"}", "{\"type\":\"error\",\"reason\":\"\x01\"}",
      "{\"type\":\"error\",\"reason\":\"a\",\"reason\":\"b\"}", "{\"type\":\"hello\"}", "{\"type\":\"nope\"}",
      "{\"type\":\"query\",\"client_ids\":[1]}", "{\"type\":\"query\",\"client_ids\":[[],{}],\"z\":[[[[{\"a\":[]}]]]]}",
      "{\"type\":\"event_ack\",\"ids\":[\"\"]}", "{\"type\":\"query\",\"client_ids\":\"a\"}",
      "{\"type\":\"order\",\"client_id\":\"c\",\"uuid\":\"u\",\"leg\":0,\"symbol\":\"EURUSD\",\"side\":\"buy\","
      "\"order_type\":\"market\",\"volume\":-0.0,\"price\":0,\"sl\":0,\"tp\":0,\"expires_at\":1}",
      "{\"type\":\"order\",\"client_id\":\"c\",\"uuid\":\"u\",\"leg\":0,\"symbol\":\"EURUSD\",\"side\":\"buy\","
      "\"order_type\":\"market\",\"volume\":-1,\"price\":0,\"sl\":0,\"tp\":0,\"expires_at\":1}",
      "{\"type\":\"order\",\"client_id\":\"c\",\"uuid\":\"u\",\"leg\":0,\"symbol\":\"EURUSD\",\"side\":\"buy\","
      "\"order_type\":\"market\",\"volume\":1E2,\"action\":\"modify\",\"sl\":0,\"expires_at\":1}",
  };
  for (const char* line : lines) expect_agree(line);
  // The engine's parser stops at a NUL byte after the object (a fuzz finding).
  const std::string nul_tail = std::string("{\"type\":\"positions_request\"}") + std::string(3, '\0') + "x";
  EXPECT_TRUE(expect_agree(nul_tail));
  EXPECT_FALSE(expect_agree(std::string("{\"type\":\"error\",\"reason\":\"a") + '\0' + "\"}"));
}

// Seeded byte mutations of the samples (the fuzz target runs the same at scale).
TEST(EaFramesTest, AgreesWithTheEngineOnMutatedLines) {
  mtg::SeededRng rng(7);
  const std::vector<std::string> samples = inbound_samples();
  int accepted = 0;
  const std::string alphabet = "{}[]\",:0123456789.-eE+ \\tnufalsr\x80\xC3\xA9";
  for (int i = 0; i < 20000; ++i) {
    std::string line = samples[static_cast<size_t>(rng.uniform_int(0, static_cast<int64_t>(samples.size()) - 1))];
    line.pop_back();
    const int edits = static_cast<int>(rng.uniform_int(1, 3));
    for (int e = 0; e < edits && !line.empty(); ++e) {
      const size_t at = static_cast<size_t>(rng.uniform_int(0, static_cast<int64_t>(line.size()) - 1));
      const char c = alphabet[static_cast<size_t>(rng.uniform_int(0, static_cast<int64_t>(alphabet.size()) - 1))];
      switch (rng.uniform_int(0, 2)) {
        case 0: line[at] = c; break;
        case 1: line.insert(at, 1, c); break;
        default: line.erase(at, 1); break;
      }
    }
    accepted += expect_agree(line) ? 1 : 0;
  }
  EXPECT_GT(accepted, 1000);  // the mutations reach the field checks, not only the parser
}

TEST(EaFramesTest, WhatTheEaEncodesTheEngineDecodesToTheSameFrame) {
  EXPECT_EQ(*decode(EncodeHello("demo-1", "tok\"en", "mt5-ea/1.0", true)),
            mtg::link::Frame(mtg::link::Hello{2, "demo-1", "tok\"en", "mt5-ea/1.0", true}));
  EXPECT_EQ(*decode(EncodeHeartbeat(17, false)), mtg::link::Frame(mtg::link::Heartbeat{17, false}));
  EXPECT_EQ(*decode(EncodeError("bad\nline")), mtg::link::Frame(mtg::link::ErrorFrame{"bad\nline"}));

  ResultMsg r = {"c.0", "u", 3, 10009, 0.25, 1.10012, 123, 456, "done \x01", 123};
  const mtg::link::ResultFrame expected{"c.0", "u", 3, 10009, 0.25, 1.10012, 123, 456, "done \x01", 123};
  EXPECT_EQ(*decode(EncodeResult(r)), mtg::link::Frame(expected));

  MqlArray<KnownMsg> known;
  ArrayResize(known, 3);
  known[0].state = "done";
  known[0].result = r;
  known[1].state = "pending";
  known[1].result.client_id = "p.0";
  known[2].state = "unknown";
  known[2].result.client_id = "x.1";
  mtg::link::KnownFrame k;
  k.orders = {{"c.0", expected, false}, {"p.0", std::nullopt, true}, {"x.1", std::nullopt, false}};
  EXPECT_EQ(*decode(EncodeKnown(known, 0, 3)), mtg::link::Frame(k));

  MqlArray<PositionMsg> positions;
  ArrayResize(positions, 1);
  positions[0] = {4690, "EURUSD", MTG_SIDE_SELL, 0.3, 1.1, 1.12, 0, "6f1c"};
  const mtg::Position p{4690, "EURUSD", mtg::Side::kSell, 0.3, 1.1, 1.12, 0, "6f1c"};
  EXPECT_EQ(*decode(EncodePositions(positions, 1, true)), mtg::link::Frame(mtg::link::Positions{{p}, true}));

  MqlArray<PendingOrderMsg> orders;
  ArrayResize(orders, 1);
  orders[0] = {4700, "XAUUSD", MTG_SIDE_BUY, MTG_TYPE_STOP_LIMIT, 0.1, 2001.5, 2001.25, 1990, 2010, 1763990000000, ""};
  mtg::PendingOrder o{4700, "XAUUSD", mtg::Side::kBuy, mtg::OrderType::kStopLimit, 0.1, 2001.5, 2001.25, 1990, 2010,
                      1763990000000, ""};
  EXPECT_EQ(*decode(EncodeOrders(orders, 1, false)), mtg::link::Frame(mtg::link::Orders{{o}, false}));

  EventMsg e = {"deal:4711", MTG_EVENT_SL, "EURUSD", MTG_SIDE_SELL, 0.1, 1.095, 4710, 4711, 4690, "6f1c",
                "[sl 1.09500]", 1763900100000};
  auto decoded = decode(EncodeEvent(e));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().message();
  const mtg::TradeEvent& got = std::get<mtg::link::EventFrame>(*decoded).event;
  EXPECT_EQ(got.id, "deal:4711");
  EXPECT_EQ(got.kind, mtg::EventKind::kStopLoss);
  EXPECT_EQ(got.position, 4690);
  EXPECT_EQ(got.reason, "[sl 1.09500]");
  EXPECT_EQ(got.ts_ms, 1763900100000);
}

TEST(EaFramesTest, NamesAndLimitsAreTheEngines) {
  for (int i = 0; i < 2; ++i) EXPECT_EQ(MtgName(MTG_NAMES_SIDE, i), mtg::side_name(static_cast<mtg::Side>(i)));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(MtgName(MTG_NAMES_ACTION, i), mtg::action_name(static_cast<mtg::Action>(i)));
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(MtgName(MTG_NAMES_ORDER_TYPE, i), mtg::order_type_name(static_cast<mtg::OrderType>(i)));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(MtgName(MTG_NAMES_CLOSE_SIDE, i), mtg::close_side_name(static_cast<mtg::CloseSide>(i)));
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(MtgName(MTG_NAMES_EVENT_KIND, i), mtg::event_kind_name(static_cast<mtg::EventKind>(i)));
  EXPECT_EQ(MtgName(MTG_NAMES_SIDE, 2), "");
  EXPECT_EQ(MTG_PROTOCOL_VERSION, mtg::link::kProtocolVersion);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_LINE_BYTES), mtg::link::kMaxLineBytes);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_QUERY_IDS), mtg::link::kMaxQueryIds);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_KNOWN_PER_FRAME), mtg::link::kMaxKnownPerFrame);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_POSITIONS_PER_FRAME), mtg::link::kMaxPositionsPerFrame);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_ORDERS_PER_FRAME), mtg::link::kMaxOrdersPerFrame);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_EVENT_ACK_IDS), mtg::link::kMaxEventAckIds);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_EVENT_ID_CHARS), mtg::link::kMaxEventIdChars);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_CLIENT_ID_CHARS), mtg::link::kMaxClientIdChars);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_UUID_CHARS), mtg::link::kMaxUuidChars);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_INSTANCE_CHARS), mtg::link::kMaxInstanceChars);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_TOKEN_CHARS), mtg::link::kMaxTokenChars);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_TERMINAL_CHARS), mtg::link::kMaxTerminalChars);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_SYMBOL_CHARS), mtg::link::kMaxSymbolChars);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_RESULT_REASON_CHARS), mtg::link::kMaxResultReasonChars);
  EXPECT_EQ(static_cast<size_t>(MTG_MAX_ERROR_REASON_CHARS), mtg::link::kMaxErrorReasonChars);
}

}  // namespace
