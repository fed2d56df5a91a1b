// A TerminalSim over a ledger in a temporary directory, a manual clock and no sleeps,
// with builders for the order frames of every action. Prices are put where a test needs
// them with Market::set_mid; one random step moves a mid by at most 0.02 %, so tests
// keep prices further than that from any level they judge.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "link/retcode.h"
#include "sim/terminal_sim.h"
#include "testkit/temp_dir.h"

namespace mtg::sim {

class SimTest : public ::testing::Test {
 protected:
  static constexpr int64_t kTtlMs = 30'000;

  void SetUp() override { sim_ = open_sim(); }

  std::unique_ptr<TerminalSim> open_sim() {
    auto sim = TerminalSim::open(ledger_, config_, clock_, [](int) {}, *fs_);
    EXPECT_TRUE(sim.is_ok()) << sim.status().to_string();
    return sim.is_ok() ? std::move(*sim) : nullptr;
  }
  // A crash and a restart: only the files remain.
  void restart() {
    sim_.reset();
    sim_ = open_sim();
    ASSERT_NE(sim_, nullptr);
  }
  void use(const SimConfig& config) {
    config_ = config;
    restart();
  }

  link::OrderFrame frame(const std::string& client_id, Action action) const {
    link::OrderFrame f;
    f.client_id = client_id;
    f.uuid = "uuid-" + client_id;
    f.action = action;
    f.expires_at = clock_.now_ms() + kTtlMs;
    return f;
  }
  link::OrderFrame market(const std::string& client_id, double volume, Side side = Side::kBuy,
                          const std::string& symbol = "EURUSD") const {
    link::OrderFrame f = frame(client_id, Action::kOpen);
    f.symbol = symbol;
    f.side = side;
    f.volume = volume;
    return f;
  }
  link::OrderFrame pending(const std::string& client_id, OrderType type, Side side, double price,
                           double volume = 0.1) const {
    link::OrderFrame f = market(client_id, volume, side);
    f.order_type = type;
    f.price = price;
    return f;
  }
  link::OrderFrame close(const std::string& client_id, int64_t position, double volume = 0) const {
    link::OrderFrame f = frame(client_id, Action::kClose);
    f.position = position;
    f.volume = volume;
    return f;
  }
  link::OrderFrame close_ref(const std::string& client_id, const std::string& ref, double volume = 0) const {
    link::OrderFrame f = frame(client_id, Action::kClose);
    f.ref = ref;
    f.volume = volume;
    return f;
  }
  link::OrderFrame close_all(const std::string& client_id, const std::string& symbol, CloseSide side) const {
    link::OrderFrame f = frame(client_id, Action::kCloseAll);
    f.symbol = symbol;
    f.close_side = side;
    return f;
  }
  link::OrderFrame modify(const std::string& client_id, int64_t position, std::optional<double> sl,
                          std::optional<double> tp) const {
    link::OrderFrame f = frame(client_id, Action::kModify);
    f.position = position;
    f.sl = sl;
    f.tp = tp;
    return f;
  }
  link::OrderFrame modify_order(const std::string& client_id, int64_t order) const {
    link::OrderFrame f = frame(client_id, Action::kModifyOrder);
    f.order = order;
    return f;
  }
  link::OrderFrame cancel(const std::string& client_id, int64_t order) const {
    link::OrderFrame f = frame(client_id, Action::kCancel);
    f.order = order;
    return f;
  }

  // Every frame answering `request`.
  std::vector<link::Frame> handle(const link::Frame& request) {
    auto reply = sim_->handle(request);
    EXPECT_TRUE(reply.is_ok()) << reply.status().to_string();
    return reply.is_ok() ? reply->frames : std::vector<link::Frame>{};
  }
  // The result answering an order frame.
  link::ResultFrame send(const link::OrderFrame& order) {
    const std::vector<link::Frame> frames = handle(order);
    EXPECT_FALSE(frames.empty());
    return frames.empty() ? link::ResultFrame{} : std::get<link::ResultFrame>(frames.front());
  }
  // The broker's step at the current time.
  std::vector<link::Frame> tick() {
    auto frames = sim_->tick(clock_.now_ms());
    EXPECT_TRUE(frames.is_ok()) << frames.status().to_string();
    return frames.is_ok() ? *frames : std::vector<link::Frame>{};
  }
  void set_mid(const std::string& symbol, double mid) { sim_->broker().market().set_mid(symbol, mid); }

  std::vector<Position> positions() const { return sim_->positions().positions; }
  std::vector<PendingOrder> orders() const { return sim_->orders().orders; }

  template <typename T>
  static std::vector<T> all_of(const std::vector<link::Frame>& frames) {
    std::vector<T> out;
    for (const link::Frame& f : frames) {
      if (const T* t = std::get_if<T>(&f)) out.push_back(*t);
    }
    return out;
  }
  static std::vector<TradeEvent> events_in(const std::vector<link::Frame>& frames) {
    std::vector<TradeEvent> out;
    for (const link::EventFrame& e : all_of<link::EventFrame>(frames)) out.push_back(e.event);
    return out;
  }

  static std::vector<nlohmann::json> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }
  std::vector<nlohmann::json> ledger_lines() const { return lines_of(ledger_); }
  std::vector<nlohmann::json> journal_lines() const { return lines_of(ledger_ + ".journal"); }
  // Cuts the last `n` lines off a file, as a crash before they were written would.
  static void drop_last_lines(const std::string& path, size_t n) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ASSERT_GE(lines.size(), n);
    lines.resize(lines.size() - n);
    std::ofstream out(path, std::ios::trunc);
    for (const std::string& line : lines) out << line << "\n";
  }
  // Lots summed per uuid over the deals executing opens (market, or a pending order
  // triggered): more than a signal's volume is a duplicate execution.
  std::map<std::string, double> opened_per_uuid() const {
    std::map<std::string, double> out;
    for (const auto& line : ledger_lines()) {
      if (line.contains("uuid") && (line["action"] == "open" || line["action"] == "order_triggered")) {
        out[line["uuid"]] += line["volume"].get<double>();
      }
    }
    return out;
  }

  testkit::TempDir dir_;
  std::string ledger_ = dir_.file("ledger.jsonl");
  ManualClock clock_;
  SimConfig config_;
  FileSystem* fs_ = &FileSystem::real();  // what the ledger's files go through
  std::unique_ptr<TerminalSim> sim_;
};

}  // namespace mtg::sim
