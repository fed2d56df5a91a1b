#include "trace/store_agreement.h"

#include <gtest/gtest.h>

namespace mtg {
namespace {

const std::string kFinal = "u:final";

SignalFacts agreeing() {
  SignalFacts f;
  const std::map<std::string, ResultFact> results{{kFinal, {"filled", 0.3}}};
  f.rtrs = f.duckdb = f.clickhouse = results;
  f.rts_state = "filled";
  f.rts_filled_volume = 0.3;
  f.ledger_volume = 0.3;
  f.events_stream = f.events_duckdb = f.events_clickhouse = std::set<std::string>{"demo-1:deal:7"};
  return f;
}

// The one disagreement `facts` has (a test failure when there are none or more).
std::string only_disagreement(const SignalFacts& facts) {
  const auto d = find_disagreements(facts);
  EXPECT_EQ(d.size(), 1u);
  return d.empty() ? "" : d[0];
}

TEST(StoreAgreement, StoresThatHoldTheSameFactsAgree) { EXPECT_TRUE(find_disagreements(agreeing()).empty()); }

TEST(StoreAgreement, AResultMissingFromDuckdbIsNamedWithTheStoresThatHaveIt) {
  SignalFacts f = agreeing();
  f.duckdb->clear();
  EXPECT_EQ(only_disagreement(f), "result u:final: missing from duckdb (present in rtrs, clickhouse)");
}

TEST(StoreAgreement, AResultTrimmedFromRtrsIsNoDisagreement) {
  SignalFacts f = agreeing();
  f.rtrs->clear();
  EXPECT_TRUE(find_disagreements(f).empty());
}

TEST(StoreAgreement, AStoreThatCouldNotBeReadIsNotJudged) {
  SignalFacts f = agreeing();
  f.clickhouse.reset();
  f.ledger_volume.reset();
  EXPECT_TRUE(find_disagreements(f).empty());
}

TEST(StoreAgreement, DifferentStatusOrVolumeOfOneResultIsADisagreement) {
  SignalFacts f = agreeing();
  (*f.clickhouse)[kFinal].status = "failed";
  (*f.duckdb)[kFinal].filled_volume = 0.2;
  const auto d = find_disagreements(f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NE(d[0].find("filled 0.3 in rtrs but 0.2 in duckdb"), std::string::npos) << d[0];
  EXPECT_NE(d[1].find("status filled in rtrs but failed in clickhouse"), std::string::npos) << d[1];
}

TEST(StoreAgreement, TwoFinalResultsAreADisagreementButADuplicateIsNot) {
  SignalFacts f = agreeing();
  for (auto* store : {&f.rtrs, &f.duckdb, &f.clickhouse}) (**store)["u:dup:1"] = {"duplicate", 0};
  EXPECT_TRUE(find_disagreements(f).empty());
  for (auto* store : {&f.rtrs, &f.duckdb, &f.clickhouse}) (**store)["u:other"] = {"failed", 0};
  EXPECT_EQ(only_disagreement(f), "2 final results where one is allowed");
}

TEST(StoreAgreement, RtsAndTheLedgersMustMatchTheFinalResult) {
  SignalFacts f = agreeing();
  f.rts_state = "failed";
  f.ledger_volume = 0.6;
  const auto d = find_disagreements(f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], "rts says failed but the final result is filled");
  EXPECT_EQ(d[1], "the ledgers executed 0.6 lots but the final result says 0.3");
}

TEST(StoreAgreement, AnOrderStillInFlightOrClosedIsNotComparedWithTheResult) {
  SignalFacts f = agreeing();
  for (const char* state : {"sent", "partial", "closed"}) {
    f.rts_state = state;
    EXPECT_TRUE(find_disagreements(f).empty()) << state;
  }
}

TEST(StoreAgreement, ATradeEventMustReachDuckdbAndClickhouse) {
  SignalFacts f = agreeing();
  f.events_duckdb->clear();
  EXPECT_EQ(only_disagreement(f), "trade event demo-1:deal:7: in the events stream but missing from duckdb");
}

}  // namespace
}  // namespace mtg
