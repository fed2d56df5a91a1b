// `mtguard submit`: writes signals to RTSS exactly as a producer would, and with --wait
// prints their final results as they arrive in RTRS.
#include <openssl/rand.h>

#include <fstream>
#include <iostream>
#include <set>

#include "cli/command.h"
#include "cli/table.h"
#include "keys/redis_keys.h"
#include "order/trade_result.h"
#include "signal/signal.h"
#include "signal/signal_parser.h"
#include "signal/uuid.h"
#include "store/redis/redis_client.h"
#include "util/check.h"
#include "util/clock.h"

namespace mtg {
namespace {

constexpr size_t kSubmitBatch = 500;

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
  std::string text = uuid_text(b);
  MTG_CHECK(text.size() == 36);
  auto back = uuid_bytes(text);
  MTG_CHECK(back.is_ok());
  MTG_CHECK(*back == b);  // the text parses back to the bytes
  return text;
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
  MTG_CHECK(!s.uuid.empty());
  MTG_CHECK(s.ttl_ms > 0);
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

Result<std::string> last_result_id(RedisClient& redis, const RedisKeys& keys) {
  auto last = redis.command({"XREVRANGE", keys.rtrs(), "+", "-", "COUNT", "1"});
  if (!last) return last.status();
  if (last->elements.empty()) return std::string("0-0");
  return last->elements[0].elements[0].str;
}

// Waits for the final result of every uuid; prints them as a table (or JSON).
int wait_results(RedisClient& redis, const RedisKeys& keys, std::string from, std::set<std::string> want,
                 const SubmitFlags& f, bool json) {
  Table table({"uuid", "status", "filled_volume", "reason"});
  const size_t wanted = want.size();
  const int64_t deadline = SystemClock::instance().steady_ms() + f.timeout_ms;
  while (!want.empty() && SystemClock::instance().steady_ms() < deadline) {
    auto reply = redis.command({"XREAD", "COUNT", "1000", "BLOCK", "500", "STREAMS", keys.rtrs(), from});
    if (!reply) return fail("waiting for results", reply.status());
    if (reply->type != RedisReply::Type::kArray) continue;
    for (const auto& e : reply->elements[0].elements[1].elements) {
      from = e.elements[0].str;
      const auto& fields = e.elements[1].elements;
      if (fields.size() < 2) continue;
      auto r = TradeResult::from_json(fields[1].str);
      if (!r || !is_final(r->status) || want.erase(r->uuid) == 0) continue;
      table.add({r->uuid, result_status_name(r->status), std::to_string(r->filled_volume), r->reason});
    }
  }
  MTG_CHECK(table.rows() + want.size() == wanted);  // one row per uuid that got its final result
  table.print(std::cout, json);
  if (!want.empty()) {
    std::cerr << "mtguard submit: " << want.size() << " signal(s) without a final result after "
              << f.timeout_ms << " ms\n";
    return kExitFailed;
  }
  return kExitOk;
}

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
  auto redis = RedisClient::connect(config->redis);
  if (!redis) return fail("submit", redis.status());
  RedisKeys keys{config->redis.prefix};
  auto from = last_result_id(**redis, keys);
  if (!from) return fail("submit", from.status());
  std::set<std::string> uuids;
  for (size_t start = 0; start < payloads.size(); start += kSubmitBatch) {
    std::vector<std::vector<std::string>> batch;
    for (size_t i = start; i < std::min(payloads.size(), start + kSubmitBatch); ++i) {
      batch.push_back({"XADD", keys.rtss(), "*", "signal", payloads[i]});
    }
    MTG_CHECK(!batch.empty());
    MTG_CHECK(batch.size() <= kSubmitBatch);
    auto replies = (*redis)->pipeline(batch);
    if (!replies) return fail("submit", replies.status());
  }
  for (const auto& p : payloads) {
    const std::string uuid = extract_uuid(p);
    if (!f.wait) std::cout << (uuid.empty() ? "-" : uuid) << '\n';
    if (!uuid.empty()) uuids.insert(uuid);
  }
  MTG_CHECK(uuids.size() <= payloads.size());

  if (!f.wait) return kExitOk;
  return wait_results(**redis, keys, *from, std::move(uuids), f, ctx.json);
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
  cmd->add_flag("--wait", flags->wait, "Wait for and print the final results");
  cmd->add_option("--timeout-ms", flags->timeout_ms, "How long --wait waits");
  cmd->callback([&ctx, flags] { ctx.exit_code = run_submit(ctx, *flags); });
}

}  // namespace mtg
