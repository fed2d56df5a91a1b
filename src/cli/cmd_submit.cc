// `mtguard submit`: writes signals to RTSS exactly as a producer would, and with --wait
// keeps them until their final results arrive in RTRS, sending them again after Redis
// changed (DESIGN.md "Durability contract"), and prints the results.
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/command.h"
#include "cli/table.h"
#include "order/trade_result.h"
#include "producer/producer.h"
#include "producer/redis_producer_link.h"
#include "signal/signal.h"
#include "signal/signal_parser.h"
#include "signal/uuid.h"
#include "store/redis/redis_client.h"
#include "util/clock.h"

namespace mtg {
namespace {

constexpr int kReadBlockMs = 500;  // one wait for new results

struct SubmitFlags {
  std::string instance, symbol, side = "buy", type = "market", uuid, file;
  double volume = 0, price = 0, sl = 0, tp = 0;
  int64_t ttl_ms = 0;
  bool wait = false;
  int64_t timeout_ms = 60'000;
};

std::string random_uuid() {
  UuidBytes b{};
  RAND_bytes(b.data(), static_cast<int>(b.size()));
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return uuid_text(b);
}

Result<std::string> signal_from_flags(const SubmitFlags& f) {
  Signal s;
  s.uuid = f.uuid.empty() ? random_uuid() : f.uuid;
  s.instance = f.instance;
  s.symbol = f.symbol;
  auto side = parse_side(f.side);
  if (!side) return side.status();
  auto type = parse_order_type(f.type);
  if (!type) return type.status();
  s.side = *side;
  s.type = *type;
  s.volume = f.volume;
  s.price = f.price;
  s.sl = f.sl;
  s.tp = f.tp;
  s.created_at_ms = SystemClock::instance().now_ms();
  s.ttl_ms = f.ttl_ms > 0 ? f.ttl_ms : 30'000;
  return to_json(s);
}

Result<std::vector<std::string>> read_lines(const std::string& file) {
  std::ifstream in;
  if (file != "-") {
    in.open(file);
    if (!in) return Status::not_found(file + ": cannot open");
  }
  std::istream& src = file == "-" ? std::cin : in;
  std::vector<std::string> lines;
  for (std::string line; std::getline(src, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Sends the signals and, with --wait, keeps each until its final result (or
// `duplicate`) and sends it again after Redis changed (producer/producer.h); prints the
// uuids sent, or with --wait the results as a table (or JSON).
int run_submit(const CliContext& ctx, const SubmitFlags& f) {
  auto config = ctx.load("submit");
  if (!config) return kExitFailed;
  std::vector<std::string> payloads;
  if (!f.file.empty()) {
    auto lines = read_lines(f.file);
    if (!lines) return fail("submit", lines.status());
    payloads = std::move(*lines);
  } else {
    auto one = signal_from_flags(f);
    if (!one) return fail("submit", one.status());
    payloads.push_back(std::move(*one));
  }
  RedisConfig rc = config->redis;
  rc.command_timeout_ms = std::max(rc.command_timeout_ms, kReadBlockMs + 2'000);
  auto redis = RedisClient::create(rc);  // a Redis that is down now is waited for by the producer
  if (!redis) return fail("submit", redis.status());
  RedisProducerLink link(**redis, config->redis.prefix);
  ProducerOptions options;
  options.timeout_ms = f.timeout_ms;
  options.read_block_ms = kReadBlockMs;
  Producer producer(link, SystemClock::instance(),
                    [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }, options,
                    [](const std::string& line) { std::cerr << "mtguard submit: " << line << '\n'; });
  auto outcome = producer.run(payloads, f.wait);
  if (!outcome) return fail("submit", outcome.status());
  if (!f.wait) {
    for (const auto& p : payloads) {
      const std::string uuid = extract_uuid(p);
      std::cout << (uuid.empty() ? "-" : uuid) << '\n';
    }
    return kExitOk;
  }
  Table table({"uuid", "status", "filled_volume", "reason"});
  for (const TradeResult& r : outcome->settled) {
    table.add({r.uuid, result_status_name(r.status), std::to_string(r.filled_volume), r.reason});
  }
  table.print(std::cout, ctx.json);
  if (outcome->restarts > 0) {
    std::cerr << "mtguard submit: Redis changed " << outcome->restarts << " time(s); " << outcome->resent
              << " signal(s) sent again\n";
  }
  if (!outcome->unsettled.empty()) {
    std::cerr << "mtguard submit: " << outcome->unsettled.size() << " signal(s) without a final result after "
              << f.timeout_ms << " ms\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

void add_submit_command(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<SubmitFlags>();
  CLI::App* cmd = app.add_subcommand("submit", "Submit signals to RTSS (one from flags, or JSONL from --file)");
  cmd->add_option("--instance", flags->instance, "Instance id, e.g. demo-1");
  cmd->add_option("--symbol", flags->symbol, "Symbol, e.g. EURUSD");
  cmd->add_option("--side", flags->side, "buy or sell");
  cmd->add_option("--type", flags->type, "market, limit or stop");
  cmd->add_option("--volume", flags->volume, "Lots");
  cmd->add_option("--price", flags->price);
  cmd->add_option("--sl", flags->sl);
  cmd->add_option("--tp", flags->tp);
  cmd->add_option("--ttl-ms", flags->ttl_ms, "Time to live (default 30000)");
  cmd->add_option("--uuid", flags->uuid, "Signal uuid (default: a new random one)");
  cmd->add_option("--file", flags->file, "JSONL file of signals, '-' for stdin (sent as they are)");
  cmd->add_flag("--wait", flags->wait,
                "Wait for and print the final results; signals are sent again after a Redis restart");
  cmd->add_option("--timeout-ms", flags->timeout_ms, "How long submit rides through Redis outages and --wait waits");
  cmd->callback([&ctx, flags] { ctx.exit_code = run_submit(ctx, *flags); });
}

}  // namespace mtg
