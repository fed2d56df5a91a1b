// One EA (its core, mql5/Include/MtGuard/Core.mqh) on the shim: a terminal, the fake
// trade server on the simulator's broker, a manual clock, frames in and out as the
// engine's codec spells them, and restarts after a crash point.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ea_shim/ea_core.h"
#include "ea_shim/trade_server.h"
#include "link/codec.h"

namespace mtg::ea_shim {
namespace {  // the core's types are per translation unit (ea_shim/ea_core.h)

class EaFixture : public ::testing::Test {
 protected:
  static constexpr int64_t kGraceMs = 10'000;

  void SetUp() override {
    char dir[] = "/tmp/ea_core_XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    config_.seed = 3;
    open_server();
    start();
  }
  void TearDown() override {
    core_.reset();
    terminal_.reset();
    server_.reset();
    std::system(("rm -rf " + dir_).c_str());
  }
  void open_server() {
    auto server = TradeServer::open(dir_ + "/ledger.jsonl", config_, clock_);
    ASSERT_TRUE(server.is_ok()) << server.status().message();
    server_ = std::move(*server);
  }
  // A fresh EA process on the same files, welcomed.
  void start() {
    terminal_ = std::make_unique<Terminal>(dir_, clock_);
    terminal_->connect(server_.get());
    set_current(terminal_.get());
    core_ = std::make_unique<MtGuardCore>();
    TradeSettings settings = {10, "", 3'600'000, kGraceMs};
    string error;
    ASSERT_TRUE(core_->Init("ea.journal", "demo-1", "secret", settings, error)) << error;
    core_->OnConnected();
    ASSERT_TRUE(std::holds_alternative<link::Hello>(take().at(0)));
    send(link::Welcome{2, 1000});
    take();
  }
  // The process died at a crash point: what was not flushed is lost.
  void restart() {
    core_.reset();
    terminal_->crash();
    start();
  }
  void send(const link::Frame& frame) {
    if (const auto* order = std::get_if<link::OrderFrame>(&frame)) server_->tap(*order);
    std::string line = link::encode(frame);
    line.pop_back();
    MqlArray<uchar> bytes;
    bytes.items.assign(line.begin(), line.end());
    core_->OnLine(bytes, 0, ArraySize(bytes));
  }
  // Every frame the EA sent since the last take, decoded by the engine's codec.
  std::vector<link::Frame> take() {
    MqlArray<string> lines;
    core_->TakeOutbox(lines);
    std::vector<link::Frame> frames;
    for (const string& line : lines.items) {
      auto frame = link::decode(line);
      EXPECT_TRUE(frame.is_ok()) << line << ": " << frame.status().message();
      if (frame.is_ok()) frames.push_back(*frame);
    }
    return frames;
  }
  template <typename T>
  std::vector<T> take_all() {
    std::vector<T> out;
    for (auto& f : take()) {
      if (auto* t = std::get_if<T>(&f)) out.push_back(*t);
    }
    return out;
  }
  link::ResultFrame result_of(const link::OrderFrame& order) {
    send(order);
    auto results = take_all<link::ResultFrame>();
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? link::ResultFrame{} : results[0];
  }
  link::KnownOrder known(const std::string& client_id) {
    send(link::QueryFrame{{client_id}});
    auto frames = take_all<link::KnownFrame>();
    EXPECT_EQ(frames.size(), 1u);
    return frames.at(0).orders.at(0);
  }
  static link::OrderFrame market(const std::string& client_id, Side side = Side::kBuy, double volume = 0.1) {
    link::OrderFrame o;
    o.client_id = client_id;
    o.uuid = "uuid-" + client_id.substr(0, client_id.find('.'));
    o.symbol = "EURUSD";
    o.side = side;
    o.volume = volume;
    o.price = 0;
    o.sl = 0;
    o.tp = 0;
    o.expires_at = 4'000'000'000'000;
    return o;
  }
  // Lots the ledger shows executed for the signal `uuid` by deals of `action` (opens
  // by default): the evidence of a duplicate.
  double executed_lots(const std::string& uuid, const std::string& action = "open") {
    std::ifstream in(dir_ + "/ledger.jsonl");
    std::string line;
    double lots = 0;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("uuid", "") == uuid && j.value("action", "") == action) {
        lots += j.value("volume", 0.0);
      }
    }
    return lots;
  }
  void advance(int64_t ms) {
    clock_.advance_ms(ms);
    core_->OnTimer();
  }

  ManualClock clock_;
  SimConfig config_;
  std::string dir_;
  std::unique_ptr<TradeServer> server_;
  std::unique_ptr<Terminal> terminal_;
  std::unique_ptr<MtGuardCore> core_;
};

}  // namespace
}  // namespace mtg::ea_shim
