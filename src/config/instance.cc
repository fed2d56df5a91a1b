// One MT5 instance configuration (JSON, docs/requirements.md §3.8): its parsing, and the
// symbol mapping of InstanceConfig.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "config/config.h"
#include "util/check.h"

namespace mtg {
namespace {

using nlohmann::json;

class JsonReader {
 public:
  JsonReader(const json& doc, std::string origin) : doc_(doc), origin_(std::move(origin)) {}

  template <typename T>
  void read(const json& obj, const std::string& prefix, const char* key, T& out, bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(prefix + key, "is required");
      return;
    }
    if constexpr (std::is_same_v<T, std::string>) {
      if (!it->is_string()) return fail(prefix + key, "expected a string");
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!it->is_boolean()) return fail(prefix + key, "expected true or false");
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!it->is_number()) return fail(prefix + key, "expected a number");
    } else {
      if (!it->is_number_integer()) return fail(prefix + key, "expected an integer");
      // Narrowed unchecked, a seed of -1 or a latency of 2^32 + 5 would be read as another number.
      const bool fits = it->is_number_unsigned() ? std::in_range<T>(it->template get<uint64_t>())
                                                 : std::in_range<T>(it->template get<int64_t>());
      if (!fits) return fail(prefix + key, "out of range: " + it->dump());
    }
    out = it->get<T>();
  }

  void fail(const std::string& key, const std::string& why) {
    MTG_CHECK(!key.empty());
    if (status_.is_ok()) status_ = Status::invalid(origin_ + ": key " + key + ": " + why);
    MTG_CHECK(!status_.is_ok());  // the first error is kept, never cleared
  }
  // A finding "KEY: why" of a validator, reported as "origin: key KEY: why".
  void fail_key(const Status& finding) {
    MTG_CHECK(!finding.is_ok());
    if (status_.is_ok()) status_ = Status::invalid(origin_ + ": key " + finding.message());
  }
  const json& doc() const { return doc_; }
  const Status& status() const { return status_; }

 private:
  const json& doc_;
  std::string origin_;
  Status status_;
};

// "sim.symbol_filling": {"XAUUSD.m": ["ioc"], …}
void read_symbol_filling(JsonReader& r, const json& sim, SimConfig& s) {
  auto it = sim.find("symbol_filling");
  if (it == sim.end()) return;
  if (!it->is_object()) return r.fail("sim.symbol_filling", "expected an object of arrays of strings");
  for (const auto& [symbol, modes] : it->items()) {
    if (!modes.is_array()) return r.fail("sim.symbol_filling." + symbol, "expected an array of strings");
    std::vector<std::string>& out = s.symbol_filling[symbol];
    for (const auto& mode : modes) {
      if (!mode.is_string()) return r.fail("sim.symbol_filling." + symbol, "expected an array of strings");
      out.push_back(mode.get<std::string>());
    }
  }
}

void read_sim(JsonReader& r, const json& sim, SimConfig& s) {
  r.read(sim, "sim.", "seed", s.seed, false);
  r.read(sim, "sim.", "account", s.account, false);
  r.read(sim, "sim.", "partial_fill_prob", s.partial_fill_prob, false);
  r.read(sim, "sim.", "requote_prob", s.requote_prob, false);
  r.read(sim, "sim.", "reject_prob", s.reject_prob, false);
  r.read(sim, "sim.", "timeout_after_fill_prob", s.timeout_after_fill_prob, false);
  r.read(sim, "sim.", "latency_ms_min", s.latency_ms_min, false);
  r.read(sim, "sim.", "latency_ms_max", s.latency_ms_max, false);
  r.read(sim, "sim.", "symbol_suffix", s.symbol_suffix, false);
  r.read(sim, "sim.", "filling", s.filling, false);
  read_symbol_filling(r, sim, s);
  r.read(sim, "sim.", "market_closed_prob", s.market_closed_prob, false);
  r.read(sim, "sim.", "link_drop_after_fill_prob", s.link_drop_after_fill_prob, false);
  r.read(sim, "sim.", "slow_result_prob", s.slow_result_prob, false);
  r.read(sim, "sim.", "slow_result_ms", s.slow_result_ms, false);
  if (!r.status().is_ok()) return;
  if (Status checked = check_sim_config(s); !checked.is_ok()) r.fail_key(checked);
}

bool is_symbol_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxMappedSymbolChars) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

void read_symbol_map(JsonReader& r, const json& map, InstanceConfig& inst) {
  if (!map.is_object()) return r.fail("symbol_map", "expected an object of canonical name -> broker name");
  if (map.size() > kMaxSymbolMapEntries) {
    return r.fail("symbol_map", "more than " + std::to_string(kMaxSymbolMapEntries) + " entries");
  }
  const std::string bad_name = "must be 1 to " + std::to_string(kMaxMappedSymbolChars) +
                               " printable ASCII characters (no spaces)";
  for (const auto& [canonical, broker] : map.items()) {
    // A bad key is not echoed: it may hold control characters.
    if (!is_symbol_name(canonical)) return r.fail("symbol_map", "a canonical name " + bad_name);
    if (!broker.is_string() || !is_symbol_name(broker.get<std::string>())) {
      return r.fail("symbol_map." + canonical, bad_name);
    }
    inst.symbol_map.emplace(canonical, broker.get<std::string>());
  }
  MTG_CHECK(inst.symbol_map.size() <= kMaxSymbolMapEntries);
}

// Refuses a symbol_map under which two names (of `symbols` or the map's keys) would
// reach the broker as one: a terminal's report of that name could not be mapped back.
void check_symbol_map_inverts(JsonReader& r, const InstanceConfig& inst) {
  std::set<std::string> names(inst.symbols.begin(), inst.symbols.end());
  for (const auto& entry : inst.symbol_map) names.insert(entry.first);
  std::map<std::string, std::string> canonical_of;  // broker name -> the name it came from
  for (const std::string& name : names) {
    const std::string broker = inst.broker_symbol(name);
    auto [it, fresh] = canonical_of.emplace(broker, name);
    if (!fresh) {
      return r.fail("symbol_map", fmt::format("{} and {} would both be {} at the broker", it->second, name, broker));
    }
  }
  MTG_CHECK(canonical_of.size() == names.size());
  for (const auto& [broker, name] : canonical_of) MTG_CHECK(inst.canonical_symbol(broker) == name);
}

}  // namespace

std::string InstanceConfig::broker_symbol(const std::string& canonical) const {
  auto it = symbol_map.find(canonical);
  return it == symbol_map.end() ? canonical : it->second;
}

std::string InstanceConfig::canonical_symbol(const std::string& broker) const {
  for (const auto& [canonical, mapped] : symbol_map) {
    if (mapped == broker) return canonical;
  }
  return broker;
}

Result<InstanceConfig> parse_instance(const std::string& json_text, const std::string& origin) {
  MTG_CHECK(!origin.empty());
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::invalid(origin + ": not valid JSON");
  if (!doc.is_object()) return Status::invalid(origin + ": expected a JSON object");
  InstanceConfig inst;
  JsonReader r(doc, origin);
  r.read(doc, "", "id", inst.id, true);
  r.read(doc, "", "token", inst.token, true);
  r.read(doc, "", "previous_token_sha256", inst.previous_token_sha256, false);
  r.read(doc, "", "previous_token_expires_ms", inst.previous_token_expires_ms, false);
  r.read(doc, "", "min_volume", inst.min_volume, false);
  r.read(doc, "", "max_volume", inst.max_volume, false);
  r.read(doc, "", "volume_step", inst.volume_step, false);
  r.read(doc, "", "enabled", inst.enabled, false);
  r.read(doc, "", "recovery_command", inst.recovery_command, false);
  if (auto it = doc.find("symbols"); it != doc.end()) {
    if (!it->is_array()) {
      r.fail("symbols", "expected an array of strings");
    } else {
      for (const auto& s : *it) {
        if (!s.is_string()) { r.fail("symbols", "expected an array of strings"); break; }
        inst.symbols.push_back(s.get<std::string>());
      }
    }
  } else {
    r.fail("symbols", "is required");
  }
  if (auto it = doc.find("symbol_map"); it != doc.end()) read_symbol_map(r, *it, inst);
  check_symbol_map_inverts(r, inst);
  if (auto it = doc.find("sim"); it != doc.end()) {
    if (it->is_object()) read_sim(r, *it, inst.sim); else r.fail("sim", "expected an object");
  }
  MTG_RETURN_IF_ERROR(r.status());
  if (inst.id.empty() || inst.id.size() > 64) return Status::invalid(origin + ": key id: 1 to 64 characters");
  if (inst.token.size() < 16) return Status::invalid(origin + ": key token: at least 16 characters");
  const bool hex_digest = inst.previous_token_sha256.size() == 64 &&
                          inst.previous_token_sha256.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!inst.previous_token_sha256.empty() && !hex_digest) {
    return Status::invalid(origin + ": key previous_token_sha256: 64 lower-case hex digits");
  }
  if (!(inst.min_volume > 0 && inst.volume_step > 0 && inst.max_volume >= inst.min_volume &&
        std::isfinite(inst.max_volume))) {
    return Status::invalid(origin + ": key max_volume: need 0 < min_volume <= max_volume, volume_step > 0");
  }
  // read_sim's findings reached r.status() above: what `mtguard sim` relies on holds.
  MTG_CHECK(check_sim_config(inst.sim).is_ok());
  return inst;
}

}  // namespace mtg
