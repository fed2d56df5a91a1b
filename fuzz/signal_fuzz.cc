// libFuzzer target: the signal parser and validator (src/signal/) on any bytes, signals
// of contract versions 1 and 2 (every action; seeds and signal_fuzz.dict reach them).
// Properties, each a crash when broken:
// - parse_signal returns a Signal or kInvalidArgument with a non-empty reason; a
//   returned signal obeys its action's rules (parse_signal checks them before
//   returning, and so aborts here when it would break one);
// - validate_signal (with and without a volume cap) returns ok or kInvalidArgument
//   with a non-empty reason;
// - a parsed signal re-serialised with to_json parses equal, and serialises to the
//   same text again (canonical form);
// - extract_uuid finds the parsed signal's uuid;
// - an open is written as version 1 (no "action"), every other action names itself.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "fuzz_check.h"
#include "signal/signal.h"
#include "signal/signal_parser.h"
#include "signal/signal_validator.h"
#include "util/status.h"

namespace {

using mtg::Code;
using mtg::fuzz::fail;

// A volume cap the way user preferences set one (lots).
constexpr double kVolumeCapLots = 2.5;

void expect_rejection(const mtg::Status& status, const char* what) {
  mtg::fuzz::expect_error(status, {Code::kInvalidArgument}, what);
}

mtg::InstanceConfig instance(const char* id, std::vector<std::string> symbols, double min_volume,
                             double max_volume, double volume_step) {
  mtg::InstanceConfig inst;
  inst.id = id;
  inst.symbols = std::move(symbols);
  inst.min_volume = min_volume;
  inst.max_volume = max_volume;
  inst.volume_step = volume_step;
  return inst;
}

// The three demo instances of scripts/stack, with differing volume rules.
const mtg::Config& fuzz_config() {
  static const mtg::Config config = [] {
    mtg::Config c;
    c.instances.push_back(instance("demo-1", {"EURUSD", "XAUUSD"}, 0.01, 10, 0.01));
    c.instances.push_back(instance("demo-2", {"EURUSD", "GBPUSD", "US30"}, 0.1, 100, 0.1));
    c.instances.push_back(instance("demo-3", {"BTCUSD"}, 0.001, 0.5, 0.001));
    c.instances.back().enabled = false;
    return c;
  }();
  return config;
}

void check_round_trip(const mtg::Signal& signal, const mtg::SignalLimits& limits) {
  const std::string text = mtg::to_json(signal);
  auto again = mtg::parse_signal(text, limits);
  if (!again) fail("round trip", "to_json output rejected: " + again.status().to_string() + " in " + text);
  if (!(*again == signal)) fail("round trip", "parsed differently: " + text + " -> " + mtg::to_json(*again));
  if (mtg::to_json(*again) != text) fail("round trip", "not canonical: " + text);
  if (mtg::extract_uuid(text) != signal.uuid) fail("extract_uuid", "missed the uuid of " + text);
  if (mtg::signal_to_object(signal).contains("action") != (signal.action != mtg::Action::kOpen)) {
    fail("signal_to_object", "action misstated: " + text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const mtg::SignalLimits limits = mtg::signal_limits(mtg::EngineConfig{});
  const std::string uuid = mtg::extract_uuid(input);
  auto signal = mtg::parse_signal(input, limits);
  if (!signal) {
    expect_rejection(signal.status(), "parse_signal");
    return 0;
  }
  if (uuid != signal->uuid) fail("extract_uuid", "disagrees with parse_signal: " + uuid);
  for (const double cap : {0.0, kVolumeCapLots}) {
    const mtg::Status valid = mtg::validate_signal(*signal, fuzz_config(), cap);
    if (!valid) expect_rejection(valid, "validate_signal");
  }
  check_round_trip(*signal, limits);
  return 0;
}
