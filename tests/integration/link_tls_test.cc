// The terminal link across a network (docs/deploy.md "The terminal link over a
// network"), on the real stack: over TLS a wire tapper between a terminal and the engine
// sees neither a token nor an order; a terminal that pins another certificate, or speaks
// plaintext to a TLS engine, is refused and executes nothing while the engine keeps
// serving the others; an engine with an expired certificate does not start; and tokens
// rotated one terminal at a time under load lose and duplicate nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "crypto/certificate.h"
#include "integration/system.h"
#include "testkit/eventually.h"
#include "testkit/process.h"
#include "testkit/stack.h"
#include "util/clock.h"

namespace mtg {
namespace {

using testkit::System;

constexpr int kFinalTimeoutMs = 120'000;
constexpr int kStartTimeoutMs = 30'000;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `text` with its only occurrence of `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// n market opens spread over the instances; their uuids go to `uuids`.
std::vector<std::string> signals(const System& sys, int n, std::set<std::string>& uuids) {
  std::vector<std::string> out;
  const int64_t now = SystemClock::instance().now_ms();
  for (int i = 0; i < n; ++i) {
    const std::string uuid = System::new_uuid();
    uuids.insert(uuid);
    out.push_back(sys.signal(uuid, i % sys.options().instances, 0.1, now, 120'000));
  }
  return out;
}

// Every uuid has exactly one final result, filled ones executed once for their volume,
// and nothing else reached a broker.
void expect_exactly_once(System& sys, const std::set<std::string>& uuids) {
  std::map<std::string, int> finals;
  std::map<std::string, double> filled;
  for (const auto& r : sys.results()) {
    if (!is_final(r.status)) continue;
    ++finals[r.uuid];
    filled[r.uuid] = r.filled_volume;
  }
  for (const auto& uuid : uuids) EXPECT_EQ(finals[uuid], 1) << uuid;
  for (const auto& [uuid, volume] : sys.ledger_volume()) {
    EXPECT_TRUE(uuids.count(uuid)) << "executed but never sent: " << uuid;
    EXPECT_NEAR(volume, filled[uuid], 1e-9) << uuid;
  }
}

TEST(LinkTlsTest, TheWireShowsNoTokenNorOrderAndStrangersAreRefusedWhileOthersAreServed) {
  MTG_REQUIRE_STACK();
  testkit::SystemOptions options;
  options.link_tls = true;
  options.link_proxies = true;  // every simulator's bytes pass a recording proxy
  System sys(options);
  sys.start_engine();
  sys.start_sims();
  std::set<std::string> uuids;
  sys.submit(signals(sys, 60, uuids));
  ASSERT_TRUE(sys.wait_final(uuids, kFinalTimeoutMs)) << sys.log_tail(sys.engine().log_path());

  // Two strangers dial the engine itself: one pins another certificate, one speaks
  // plaintext. Each claims demo-1 with its real token and has a broker of its own.
  const std::string config = read_text(sys.config_path());
  std::ofstream(sys.file("wrong-pin.toml"))
      << replaced(config, sys.link_thumbprint(), std::string(64, '0'));
  std::ofstream(sys.file("plaintext.toml")) << replaced(config, "link_tls = true", "link_tls = false");
  std::vector<std::unique_ptr<testkit::Process>> strangers;
  for (const std::string name : {"wrong-pin", "plaintext"}) {
    strangers.push_back(std::make_unique<testkit::Process>(
        std::vector<std::string>{MTG_BINARY, "sim", "--config", sys.file(name + ".toml"), "--instance",
                                 sys.instance_id(0), "--ledger", sys.file(name + ".jsonl")},
        sys.file(name + ".log")));
  }
  ASSERT_TRUE(testkit::eventually(
      [&] { return read_text(sys.file("wrong-pin.log")).find("refuses the engine") != std::string::npos; },
      kStartTimeoutMs));
  ASSERT_TRUE(testkit::eventually(
      [&] { return read_text(sys.engine().log_path()).find("TLS handshake failed") != std::string::npos; },
      kStartTimeoutMs));
  sys.submit(signals(sys, 60, uuids));  // the others are served meanwhile
  ASSERT_TRUE(sys.wait_final(uuids, kFinalTimeoutMs)) << sys.log_tail(sys.engine().log_path());
  for (auto& s : strangers) EXPECT_TRUE(s->running());  // refused, never crashed
  for (auto& s : strangers) s->stop();
  EXPECT_FALSE(std::filesystem::exists(sys.file("wrong-pin.jsonl")) &&
               std::filesystem::file_size(sys.file("wrong-pin.jsonl")) > 0);
  EXPECT_FALSE(std::filesystem::exists(sys.file("plaintext.jsonl")) &&
               std::filesystem::file_size(sys.file("plaintext.jsonl")) > 0);
  EXPECT_EQ(read_text(sys.engine().log_path()).find("replaced"), std::string::npos);  // demo-1 kept its terminal
  expect_exactly_once(sys, uuids);

  std::string wire;
  for (int i = 0; i < options.instances; ++i) wire += sys.proxy(i).recorded();
  ASSERT_GT(wire.size(), 60u * 100u);  // the orders and results did pass the proxies
  for (const auto& inst : sys.config().instances) EXPECT_EQ(wire.find(inst.token), std::string::npos) << inst.id;
  for (const auto& uuid : uuids) ASSERT_EQ(wire.find(uuid), std::string::npos) << uuid;
  for (const std::string field : {"\"type\"", "hello", "EURUSD", "\"volume\"", "client_id"}) {
    EXPECT_EQ(wire.find(field), std::string::npos) << field;
  }
  EXPECT_TRUE(sys.engine().running());
}

TEST(LinkTlsTest, AnEngineWithAnExpiredCertificateRefusesToStartAndSaysWhy) {
  MTG_REQUIRE_STACK();
  testkit::SystemOptions options;
  options.link_tls = true;
  options.instances = 1;
  System sys(options);
  const int64_t now_s = SystemClock::instance().now_ms() / 1000;
  ASSERT_TRUE(crypto::create_self_signed_certificate(sys.file("old.crt"), sys.file("old.key"),
                                                     {"old engine", now_s - 3 * 86'400, now_s - 86'400})
                  .is_ok());
  std::ofstream(sys.file("expired.toml")) << replaced(
      replaced(read_text(sys.config_path()), "link_cert = \"link.crt\"", "link_cert = \"old.crt\""),
      "link_key = \"link.key\"", "link_key = \"old.key\"");
  testkit::Process engine({MTG_BINARY, "engine", "--config", sys.file("expired.toml")}, sys.file("expired.log"));
  ASSERT_TRUE(testkit::eventually([&] { return !engine.running(); }, kStartTimeoutMs));
  EXPECT_NE(read_text(sys.file("expired.log")).find("is not valid now"), std::string::npos)
      << read_text(sys.file("expired.log"));
}

TEST(LinkTlsTest, TokensRotatedOneTerminalAtATimeUnderLoadLoseAndDuplicateNothing) {
  MTG_REQUIRE_STACK();
  testkit::SystemOptions options;
  options.link_tls = true;
  System sys(options);
  sys.start_engine();
  sys.start_sims();
  std::set<std::string> uuids;
  std::atomic<bool> done{false};
  std::thread producer([&] {  // signals flow for as long as the rotations take
    while (!done) {
      sys.submit(signals(sys, 15, uuids));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (int i = 0; i < options.instances; ++i) {
    const std::string old_token = sys.config().instances[static_cast<size_t>(i)].token;
    testkit::Process rotate({MTG_BINARY, "--config", sys.config_path(), "instance", "rotate-token",
                             sys.instance_id(i), "--grace-s", "600"},
                            sys.file("rotate.log"));
    ASSERT_TRUE(testkit::eventually([&] { return !rotate.running(); }, kStartTimeoutMs));
    auto rotated = load_instance(sys.config().instances[static_cast<size_t>(i)].source_path);
    ASSERT_TRUE(rotated.is_ok()) << read_text(sys.file("rotate.log"));
    ASSERT_NE(rotated->token, old_token);
    EXPECT_EQ(read_text(sys.file("rotate.log")).find(rotated->token), std::string::npos);  // never printed
    sys.sim(i).stop();  // the terminal is switched: it starts again with the new token
    sys.sim(i).restart();
    std::this_thread::sleep_for(std::chrono::milliseconds(1'000));
  }
  done = true;
  producer.join();
  ASSERT_TRUE(sys.wait_final(uuids, kFinalTimeoutMs)) << sys.log_tail(sys.engine().log_path());
  const std::string engine_log = read_text(sys.engine().log_path());
  EXPECT_EQ(engine_log.find("authentication failed"), std::string::npos);
  for (const auto& inst : sys.config().instances) EXPECT_EQ(engine_log.find(inst.token), std::string::npos);
  expect_exactly_once(sys, uuids);
  std::printf("token rotation: %zu signals while 3 terminals were switched, each final once\n", uuids.size());
}

}  // namespace
}  // namespace mtg
