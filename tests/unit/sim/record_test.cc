// The simulator's records survive their JSON lines exactly, and damaged lines are
// corruption naming the field.
#include "sim/record.h"

#include <gtest/gtest.h>

#include "link/retcode.h"

namespace mtg::sim {
namespace {

link::ResultFrame result(const std::string& client_id, int retcode) {
  link::ResultFrame r;
  r.client_id = client_id;
  r.uuid = "u-" + client_id;
  r.leg = 2;
  r.retcode = retcode;
  r.reason = "why";
  return r;
}

TradeEvent event(EventKind kind) {
  return TradeEvent{"deal:9", "", kind, "EURUSD", Side::kSell,    0.2, 1.2345,
                    7,        9,  5,    "ref-1",  "[sl 1.23450]", 1234};
}

void expect_round_trip(const Record& record) {
  const nlohmann::json line = record_to_json(record, 42);
  int64_t seq = 0;
  auto back = record_from_json(line, is_ledger_line(record), seq);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string() << " " << line.dump();
  EXPECT_EQ(seq, 42);
  EXPECT_TRUE(*back == record) << line.dump();
}

TEST(Record, EveryKindSurvivesItsLine) {
  expect_round_trip(IntentRecord{"c.0", "u", 1, Action::kCloseAll, "GBPUSD", Side::kSell, 0.3, 99});
  expect_round_trip(OutcomeRecord{result("c.1", link::kRetcodeReject), 5});
  link::ResultFrame filled = result("c.2", link::kRetcodeDone);
  filled.filled_volume = 0.1;
  filled.price = 1.1;
  filled.ticket = 3;
  filled.deal = 4;
  filled.position = 3;
  expect_round_trip(DealRecord{Deal{"EURUSD", Side::kBuy, 0.1, 1.1, 3, 4, 0, false, 1.0, 1.2, "u-c.2"},
                               DealEffect{3, DealEntry::kIn}, "open", filled, std::nullopt, 0.2, "c.2", 6});
  expect_round_trip(DealRecord{Deal{"EURUSD", Side::kSell, 0.2, 1.2345, 7, 9, 5},
                               DealEffect{5, DealEntry::kOut}, "sl", std::nullopt,
                               event(EventKind::kStopLoss), 0.2, "[sl 1.23450]", 7});
  expect_round_trip(DealRecord{Deal{"EURUSD", Side::kSell, 0.2, 1.2345, 7, 9, 0, true, 0, 0, "ref-1"},
                               DealEffect{7, DealEntry::kInOut}, "order_triggered", std::nullopt,
                               event(EventKind::kOrderTriggered), 0.2, "", 7});
  const PendingOrder order{8,    "XAUUSD", Side::kBuy, OrderType::kStopLimit, 0.5, 2010, 2005, 1990,
                           2030, 77,       "u-x"};
  for (OrderChange change : {OrderChange::kPlaced, OrderChange::kModified, OrderChange::kActivated}) {
    expect_round_trip(OrderRecord{
        change, order,
        change == OrderChange::kActivated ? std::nullopt : std::optional(result("c.3", link::kRetcodePlaced)),
        8});
  }
  expect_round_trip(
      OrderEndRecord{OrderEnd::kCancelled, 8, result("c.4", link::kRetcodeDone), std::nullopt, 9});
  expect_round_trip(OrderEndRecord{OrderEnd::kExpired, 8, std::nullopt, event(EventKind::kOrderExpired), 9});
  expect_round_trip(StopsRecord{{{5, 1.0, 0}, {6, 0, 1.5}}, result("c.5", link::kRetcodeDone), 10});
  expect_round_trip(AckRecord{{"deal:1", "order:2:expired"}, 11});
}

TEST(Record, DamagedLinesAreCorruptionNamingTheField) {
  int64_t seq = 0;
  const nlohmann::json intent =
      record_to_json(IntentRecord{"c.0", "u", 0, Action::kOpen, "EURUSD", Side::kBuy, 0.1, 1}, 3);
  nlohmann::json no_seq = intent;
  no_seq.erase("seq");
  EXPECT_EQ(record_from_json(no_seq, false, seq).status().code(), Code::kCorruption);
  nlohmann::json bad_side = intent;
  bad_side["side"] = "up";
  const Status s = record_from_json(bad_side, false, seq).status();
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("side"), std::string::npos) << s.to_string();
  nlohmann::json unknown = intent;
  unknown["rec"] = "teleport";
  EXPECT_NE(record_from_json(unknown, false, seq).status().message().find("teleport"), std::string::npos);
  nlohmann::json orphan = record_to_json(
      DealRecord{Deal{"EURUSD", Side::kSell, 0.2, 1.2, 7, 9, 5}, DealEffect{5, DealEntry::kOut}, "sl",
                 std::nullopt, event(EventKind::kStopLoss), 0.2, "", 7},
      4);
  orphan.erase("event");
  EXPECT_EQ(record_from_json(orphan, true, seq).status().code(), Code::kCorruption) << "a deal nobody made";
}

}  // namespace
}  // namespace mtg::sim
