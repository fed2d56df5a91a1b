// The producer's rules against a fake Redis that restarts (losing what it acknowledged
// last), drops connections and answers signals like an engine would.
#include "producer/producer.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <cstdio>
#include <functional>
#include <set>

namespace mtg {
namespace {

// A uuid for a short name ("u1"), and the name back: tests speak of names.
std::map<std::string, std::string>& names() {
  static std::map<std::string, std::string> by_uuid;
  return by_uuid;
}
std::string id(const std::string& name) {
  char tail[13];
  std::snprintf(tail, sizeof tail, "%012llx", static_cast<unsigned long long>(std::hash<std::string>{}(name) & 0xffffffffffffULL));
  const std::string uuid = std::string("6f1c0e4a-6a5b-4d7e-9c1a-") + tail;
  names()[uuid] = name;
  return uuid;
}

std::string signal(const std::string& name) {
  return nlohmann::json{{"uuid", id(name)}, {"instance", "demo-1"}, {"symbol", "EURUSD"}, {"side", "buy"},
                        {"volume", 0.1}, {"created_at", 1'700'000'000'000}}
      .dump();
}

std::string result(const std::string& uuid, const std::string& status) {
  TradeResult r;
  r.uuid = uuid;
  r.instance = "demo-1";
  r.status = *parse_result_status(status);
  r.result_id = uuid + ":" + status;
  r.filled_volume = r.status == ResultStatus::kFilled ? 0.1 : 0.0;
  return r.to_json();
}

// A Redis with an engine behind it: every signal it takes is answered `filled` the
// first time its uuid is seen and `duplicate` after, unless `answering` is false.
class FakeRedis final : public ProducerLink {
 public:
  explicit FakeRedis(ManualClock& clock) : clock_(clock) {}

  Result<std::string> server_id() override {
    if (down_calls > 0) {
      --down_calls;
      return Status::unavailable("connection refused");
    }
    return run_id;
  }
  Result<std::string> results_tail() override {
    if (rtrs_.empty()) return std::string("0-0");
    return rtrs_.back().stream_id;
  }
  Status send(const std::vector<std::string>& payloads) override {
    if (fail_sends > 0) {
      --fail_sends;
      return Status::unavailable("connection reset");
    }
    for (const std::string& p : payloads) {
      sent.push_back(p);
      const std::string uuid = nlohmann::json::parse(p).value("uuid", "");
      if (!answering) continue;
      add_result(uuid, seen_.insert(uuid).second ? "filled" : "duplicate");
    }
    return Status::ok();
  }
  Result<std::vector<StreamResult>> results_after(const std::string& after, int block_ms) override {
    if (drop_reads > 0) {
      --drop_reads;
      return Status::unavailable("server closed the connection");
    }
    std::vector<StreamResult> out;
    for (const StreamResult& r : rtrs_) {
      if (seq(r.stream_id) > seq(after)) out.push_back(r);
    }
    if (out.empty()) clock_.advance_ms(block_ms);
    return out;
  }

  void add_result(const std::string& uuid, const std::string& status) {
    rtrs_.push_back({std::to_string(++next_) + "-0", result(uuid, status)});
  }
  // A restart that lost everything the engine had recorded (its memory of the uuids
  // and the results): a new run_id.
  void restart_losing_everything() {
    run_id = "b" + run_id.substr(1);
    rtrs_.clear();
    seen_.clear();
  }
  size_t sends_of(const std::string& uuid) const {
    size_t n = 0;
    for (const std::string& p : sent) n += p == signal(uuid) ? 1 : 0;
    return n;
  }

  std::string run_id = std::string(40, 'a');
  int down_calls = 0;   // server_id() fails this many more times
  int fail_sends = 0;   // send() fails this many more times
  int drop_reads = 0;   // results_after() fails this many more times
  bool answering = true;
  std::vector<std::string> sent;

 private:
  static long long seq(const std::string& id) { return std::stoll(id.substr(0, id.find('-'))); }
  ManualClock& clock_;
  std::vector<StreamResult> rtrs_;
  std::set<std::string> seen_;
  long long next_ = 0;
};

class ProducerTest : public ::testing::Test {
 protected:
  Producer make(ProducerOptions options = {}) {
    return Producer(
        redis_, clock_, [this](int64_t ms) {
          slept_.push_back(ms);
          clock_.advance_ms(ms);
        }, options,
        [this](const std::string& line) { progress_.push_back(line); });
  }
  // The names of the settled signals, in order.
  static std::vector<std::string> uuids(const ProducerOutcome& o) {
    std::vector<std::string> out;
    for (const TradeResult& r : o.settled) out.push_back(names()[r.uuid]);
    return out;
  }

  ManualClock clock_;
  FakeRedis redis_{clock_};
  std::vector<int64_t> slept_;
  std::vector<std::string> progress_;
};

TEST_F(ProducerTest, EverySignalIsSentOnceAndSettledByItsFinalResult) {
  Producer p = make();
  auto o = p.run({signal("u1"), signal("u2")}, true);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  ASSERT_EQ(uuids(*o), (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(o->settled[0].status, ResultStatus::kFilled);
  EXPECT_TRUE(o->unsettled.empty());
  EXPECT_EQ(redis_.sent.size(), 2u);
  EXPECT_EQ(o->restarts, 0);
}

// A uuid the engine already has is answered `duplicate`; that settles it too.
TEST_F(ProducerTest, ADuplicateSettlesASignal) {
  Producer first = make();
  ASSERT_TRUE(first.run({signal("u1")}, true).is_ok());
  Producer again = make();
  auto o = again.run({signal("u1")}, true);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  ASSERT_EQ(o->settled.size(), 1u) << "the earlier `filled` came before this run's cursor";
  EXPECT_EQ(o->settled[0].status, ResultStatus::kDuplicate);
}

TEST_F(ProducerTest, RedisDownIsRiddenThroughWithABoundedBackOffAndProgress) {
  redis_.down_calls = 8;
  Producer p = make();
  auto o = p.run({signal("u1")}, true);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(uuids(*o), std::vector<std::string>{"u1"});
  EXPECT_EQ(slept_, (std::vector<int64_t>{100, 200, 400, 800, 1'600, 3'200, 5'000, 5'000}));
  ASSERT_EQ(progress_.size(), 8u);
  EXPECT_NE(progress_[0].find("Redis unreachable"), std::string::npos) << progress_[0];
}

// The restart loses the last seconds: a signal without a result, and one whose result
// came shortly before, are sent again (the same payload); one settled long before is not.
TEST_F(ProducerTest, AChangedRunIdSendsAgainWhatItMayHaveLost) {
  redis_.answering = false;
  ProducerOptions options;
  options.timeout_ms = 60'000;
  options.suspect_results_ms = 10'000;
  // The reads of the run deliver u-old's result, then 15 s pass, then u-recent's, then
  // Redis restarts having lost everything; u-open never had a result.
  class Script final : public ProducerLink {
   public:
    Script(FakeRedis& inner, ManualClock& clock) : inner_(inner), clock_(clock) {}
    Result<std::string> server_id() override { return inner_.server_id(); }
    Result<std::string> results_tail() override { return inner_.results_tail(); }
    Status send(const std::vector<std::string>& p) override { return inner_.send(p); }
    Result<std::vector<StreamResult>> results_after(const std::string& after, int block_ms) override {
      ++step_;
      if (step_ == 1) inner_.add_result(id("u-old"), "filled");
      if (step_ == 2) clock_.advance_ms(15'000);  // u-old settled 15 s before the restart
      if (step_ == 3) inner_.add_result(id("u-recent"), "filled");
      if (step_ == 4) {
        inner_.restart_losing_everything();
        inner_.answering = true;
      }
      return inner_.results_after(after, block_ms);
    }

   private:
    FakeRedis& inner_;
    ManualClock& clock_;
    int step_ = 0;
  } script(redis_, clock_);
  Producer scripted(script, clock_, [this](int64_t ms) { clock_.advance_ms(ms); }, options,
                    [this](const std::string& line) { progress_.push_back(line); });
  auto o = scripted.run({signal("u-old"), signal("u-recent"), signal("u-open")}, true);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(o->restarts, 1);
  EXPECT_EQ(o->resent, 2) << "u-recent (settled lately) and u-open (never)";
  EXPECT_EQ(redis_.sends_of("u-old"), 1u);
  EXPECT_EQ(redis_.sends_of("u-recent"), 2u);
  EXPECT_EQ(redis_.sends_of("u-open"), 2u);
  EXPECT_TRUE(o->unsettled.empty());
  EXPECT_EQ(uuids(*o), (std::vector<std::string>{"u-old", "u-recent", "u-open"}));
  bool said = false;
  for (const auto& line : progress_) said = said || line.find("sending 2 signal(s) again") != std::string::npos;
  EXPECT_TRUE(said);
}

// The same Redis behind a dropped connection lost nothing: only a send that was never
// acknowledged goes again.
TEST_F(ProducerTest, ALostConnectionToTheSameRedisResendsOnlyWhatWasNotAcknowledged) {
  redis_.fail_sends = 1;
  redis_.drop_reads = 2;
  Producer p = make();
  auto o = p.run({signal("u1"), signal("u2")}, true);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(o->restarts, 0);
  EXPECT_EQ(redis_.sends_of("u1"), 1u);
  EXPECT_EQ(redis_.sends_of("u2"), 1u);
  EXPECT_TRUE(o->unsettled.empty());
}

TEST_F(ProducerTest, TheDeadlineEndsTheWaitNamingWhatIsUnsettled) {
  redis_.answering = false;
  ProducerOptions options;
  options.timeout_ms = 5'000;
  Producer p = make(options);
  auto o = p.run({signal("u1"), "{\"no\":\"uuid\"}"}, true);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(o->unsettled, std::vector<std::string>{id("u1")}) << "a payload without a uuid is not waited for";
  EXPECT_EQ(redis_.sent.size(), 2u);
}

TEST_F(ProducerTest, ARedisThatNeverAnswersIsATimeout) {
  redis_.down_calls = 1'000'000;
  ProducerOptions options;
  options.timeout_ms = 10'000;
  Producer p = make(options);
  auto o = p.run({signal("u1")}, false);
  EXPECT_EQ(o.status().code(), Code::kTimeout) << o.status().to_string();
  EXPECT_TRUE(redis_.sent.empty());
}

TEST_F(ProducerTest, WithoutWaitingEachSignalIsSentUntilAcknowledgedOnce) {
  redis_.fail_sends = 2;
  Producer p = make();
  auto o = p.run({signal("u1")}, false);
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(redis_.sent.size(), 1u);
  EXPECT_TRUE(o->settled.empty());
}

}  // namespace
}  // namespace mtg
