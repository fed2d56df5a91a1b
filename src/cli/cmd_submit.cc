// `mtguard submit`: writes signals to RTSS exactly as a producer would, and with --wait
// keeps them until their final results arrive in RTRS, sending them again after Redis
// changed (docs/requirements.md "Durability"), and prints the results.
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "util/table.h"
#include "order/trade_result.h"
#include "producer/producer.h"
#include "producer/redis_producer_link.h"
#include "signal/signal.h"
#include "signal/signal_parser.h"
#include "signal/uuid.h"
#include "store/redis/redis_client.h"
#include "util/check.h"
#include "util/clock.h"
#include "util/json_fields.h"

namespace mtg {
namespace {

constexpr int kReadBlockMs = 500;  // one wait for new results

// What the flags of one signal say; a flag not given stays nullopt and its field absent.
struct SubmitFlags {
  std::optional<std::string> action, instance, symbol, side, type, close_side, uuid, ref;
  std::optional<double> volume, price, stop_limit_price, sl, tp;
  std::optional<int64_t> position, order, expiration_ms, deviation_points;
  int64_t ttl_ms = 0;
  std::string file;
  bool wait = false;
  int64_t timeout_ms = 60'000;
};

std::string random_uuid() {
  UuidBytes b{};
  RAND_bytes(b.data(), static_cast<int>(b.size()));
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string text = uuid_text(b);
  MTG_CHECK(text.size() == 36);
  auto back = uuid_bytes(text);
  MTG_CHECK(back.is_ok());
  MTG_CHECK(*back == b);  // the text parses back to the bytes
  return text;
}

template <typename T>
void put(nlohmann::ordered_json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}

// The signal the flags describe, checked by parse_signal and written in canonical form.
// Every flag given becomes its field, so a flag the action does not take is refused
// with the parser's reason ("field position: not allowed for action open"), never
// dropped. An open without --side buys.
Result<std::string> signal_from_flags(const SubmitFlags& f, const SignalLimits& limits) {
  nlohmann::ordered_json j;
  j["uuid"] = f.uuid ? *f.uuid : random_uuid();
  put(j, "instance", f.instance);
  put(j, "action", f.action);
  put(j, "symbol", f.symbol);
  put(j, "side", f.close_side ? f.close_side : f.side);
  const std::string open = action_name(Action::kOpen);
  if (!j.contains("side") && f.action.value_or(open) == open) j["side"] = side_name(Side::kBuy);
  put(j, "type", f.type);
  put(j, "volume", f.volume);
  put(j, "price", f.price);
  put(j, "stop_limit_price", f.stop_limit_price);
  put(j, "sl", f.sl);
  put(j, "tp", f.tp);
  put(j, "expiration", f.expiration_ms);
  put(j, "deviation_points", f.deviation_points);
  put(j, "position", f.position);
  put(j, "order", f.order);
  put(j, "ref", f.ref);
  j["created_at"] = SystemClock::instance().now_ms();
  if (f.ttl_ms > 0) j["ttl_ms"] = f.ttl_ms;  // else the configured default_ttl_ms
  auto signal = parse_signal(dump_json(j), limits);
  if (!signal) return signal.status();
  MTG_CHECK(signal->ttl_ms > 0);
  return to_json(*signal);
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
    auto one = signal_from_flags(f, signal_limits(config->engine));
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
  Table table({"uuid", "action", "status", "filled_volume", "price", "order", "position", "reason"});
  for (const TradeResult& r : outcome->settled) {
    table.add({r.uuid, r.action, result_status_name(r.status), fmt::format("{:g}", r.filled_volume),
               fmt::format("{:g}", r.avg_price), std::to_string(r.ticket), std::to_string(r.position), r.reason});
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
  CLI::App* cmd =
      app.add_subcommand("submit", "Submit signals to RTSS (one from flags, or JSONL from --file)");
  cmd->add_option("--action", flags->action,
                  "open (default), close, close_all, modify, modify_order or cancel");
  cmd->add_option("--instance", flags->instance, "Instance id, e.g. demo-1");
  cmd->add_option("--symbol", flags->symbol, "Symbol, e.g. EURUSD (open; optional for close and close_all)");
  auto* side = cmd->add_option("--side", flags->side, "open: buy (default) or sell");
  cmd->add_option("--close-side", flags->close_side, "close_all: long, short or both (default)")
      ->excludes(side);
  cmd->add_option("--type", flags->type, "open: market (default), limit, stop or stop_limit");
  cmd->add_option("--volume", flags->volume, "Lots (open; close: partial, default all)");
  cmd->add_option("--price", flags->price, "Pending order price (open, modify_order)");
  cmd->add_option("--stop-limit-price", flags->stop_limit_price, "stop_limit: the limit placed on trigger");
  cmd->add_option("--sl", flags->sl, "Stop loss price (modify: 0 removes it)");
  cmd->add_option("--tp", flags->tp, "Take profit price (modify: 0 removes it)");
  cmd->add_option("--expiration", flags->expiration_ms,
                  "Pending order expiry, Unix ms (0: good till cancelled)");
  cmd->add_option("--deviation", flags->deviation_points, "Market open: accepted slippage, points");
  cmd->add_option("--position", flags->position, "Position ticket (close, modify)");
  cmd->add_option("--order", flags->order, "Pending order ticket (modify_order, cancel)");
  cmd->add_option("--ref", flags->ref, "uuid of the open signal to act on (instead of a ticket)");
  cmd->add_option("--ttl-ms", flags->ttl_ms, "Time to live (default: the engine's default_ttl_ms)");
  cmd->add_option("--uuid", flags->uuid, "Signal uuid (default: a new random one)");
  cmd->add_option("--file", flags->file, "JSONL file of signals, '-' for stdin (sent as they are)");
  cmd->add_flag("--wait", flags->wait,
                "Wait for and print the final results; signals are sent again after a Redis restart");
  cmd->add_option("--timeout-ms", flags->timeout_ms, "How long submit rides through Redis outages and --wait waits");
  cmd->callback([&ctx, flags] { ctx.exit_code = run_submit(ctx, *flags); });
}

}  // namespace mtg
