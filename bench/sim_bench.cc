// bench/sim: the simulator's order rate with zero latency (intent + deal lines in its
// journal and ledger, made durable before any result is answered: one order at a time,
// and in group commits of 16 and 256 orders) beside what this
// disk allows one durable line at a time (write + fdatasync of a ledger-sized line), in
// the same run and the same directory. Prints figures, never passes or fails on time.
// Needs no stack.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "sim/terminal_sim.h"
#include "testkit/temp_dir.h"
#include "util/clock.h"
#include "util/file_system.h"

namespace mtg {
namespace {

using Steady = std::chrono::steady_clock;

double seconds_since(Steady::time_point start) { return std::chrono::duration<double>(Steady::now() - start).count(); }

int fail(const std::string& what) {
  std::cerr << "bench/sim: " << what << '\n';
  return 1;
}

link::OrderFrame market_order(int i, int64_t now_ms) {
  link::OrderFrame f;
  f.client_id = "bench-" + std::to_string(i) + ".0";
  f.uuid = "bench-" + std::to_string(i);
  f.symbol = "EURUSD";
  f.side = i % 2 == 0 ? Side::kBuy : Side::kSell;
  f.volume = 0.1;
  f.expires_at = now_ms + 60'000;
  return f;
}

// Durable single lines per second: what a design that syncs every line can reach.
Result<double> fdatasync_rate(const std::string& path, int lines) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.valid()) return Status::io("open " + path);
  const std::string line(200, 'x');
  const auto start = Steady::now();
  for (int i = 0; i < lines; ++i) {
    MTG_RETURN_IF_ERROR(write_all(fd.get(), path, line + "\n"));
    MTG_RETURN_IF_ERROR(FileSystem::real().sync(fd.get(), path, SyncMode::kData));
  }
  return lines / seconds_since(start);
}

// Orders per second through TerminalSim::handle, one order at a time.
Result<double> one_at_a_time(const std::string& ledger, int orders) {
  SimConfig config;
  auto sim = sim::TerminalSim::open(ledger, config, SystemClock::instance(), [](int) {});
  if (!sim) return sim.status();
  const int64_t now = SystemClock::instance().now_ms();
  const auto start = Steady::now();
  for (int i = 0; i < orders; ++i) {
    auto reply = (*sim)->handle(market_order(i, now));
    if (!reply) return reply.status();
  }
  return orders / seconds_since(start);
}

// Orders per second through TerminalSim::handle_all, `group` orders per group commit
// (what mtguard sim does with the frames it reads together).
Result<double> grouped(const std::string& ledger, int orders, int group) {
  SimConfig config;
  auto sim = sim::TerminalSim::open(ledger, config, SystemClock::instance(), [](int) {});
  if (!sim) return sim.status();
  const int64_t now = SystemClock::instance().now_ms();
  std::vector<link::Frame> frames;
  const auto start = Steady::now();
  for (int i = 0; i < orders; ++i) {
    frames.push_back(market_order(i, now));
    if (static_cast<int>(frames.size()) < group && i + 1 < orders) continue;
    auto replies = (*sim)->handle_all(frames);
    if (!replies) return replies.status();
    frames.clear();
  }
  return orders / seconds_since(start);
}

int run(int orders) {
  testkit::TempDir dir;
  auto disk = fdatasync_rate(dir.file("lines"), orders);
  if (!disk) return fail(disk.status().to_string());
  auto single = one_at_a_time(dir.file("single.ledger"), orders);
  if (!single) return fail(single.status().to_string());
  auto group_of_16 = grouped(dir.file("g16.ledger"), orders, 16);
  if (!group_of_16) return fail(group_of_16.status().to_string());
  auto group_of_256 = grouped(dir.file("g256.ledger"), orders, 256);
  if (!group_of_256) return fail(group_of_256.status().to_string());
  std::printf("orders                                          %d (market, zero latency, %s)\n", orders,
              dir.path().c_str());
  std::printf("disk: write + fdatasync of one 200-byte line    %10.0f lines/s (baseline)\n", *disk);
  std::printf("sim: one order at a time (handle)               %10.0f orders/s\n", *single);
  std::printf("sim: 16 orders a group commit (handle_all)      %10.0f orders/s\n", *group_of_16);
  std::printf("sim: 256 orders a group commit (handle_all)     %10.0f orders/s\n", *group_of_256);
  return 0;
}

}  // namespace
}  // namespace mtg

int main(int argc, char** argv) { return mtg::run(argc > 1 ? std::atoi(argv[1]) : 5'000); }
