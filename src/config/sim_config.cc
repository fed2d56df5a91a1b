// Validation of an instance's simulator settings (SimConfig), shared by the instance
// reader and `mtguard sim`'s command-line overrides.
#include <algorithm>
#include <array>
#include <string_view>

#include "config/config.h"
#include "util/check.h"

namespace mtg {
namespace {

constexpr std::array<std::string_view, 3> kFillingModes = {"fok", "ioc", "return"};

bool is_filling_mode(const std::string& mode) {
  return std::find(kFillingModes.begin(), kFillingModes.end(), mode) != kFillingModes.end();
}

bool is_probability(double p) { return p >= 0.0 && p <= 1.0; }

Status invalid_key(const std::string& key, const std::string& why) {
  return Status::invalid("sim." + key + ": " + why);
}

}  // namespace

Status check_sim_config(const SimConfig& s) {
  if (s.account != "netting" && s.account != "hedging") {
    return invalid_key("account", "must be netting or hedging");
  }
  const std::pair<const char*, double> probabilities[] = {
      {"partial_fill_prob", s.partial_fill_prob},
      {"requote_prob", s.requote_prob},
      {"reject_prob", s.reject_prob},
      {"timeout_after_fill_prob", s.timeout_after_fill_prob},
      {"market_closed_prob", s.market_closed_prob},
      {"link_drop_after_fill_prob", s.link_drop_after_fill_prob},
      {"slow_result_prob", s.slow_result_prob}};
  for (const auto& [key, p] : probabilities) {
    if (!is_probability(p)) return invalid_key(key, "must be within [0, 1]");
  }
  if (s.partial_fill_prob + s.requote_prob + s.reject_prob > 1.0) {
    return invalid_key("reject_prob", "partial_fill_prob + requote_prob + reject_prob add up to more than 1");
  }
  if (s.latency_ms_min < 0 || s.latency_ms_max < s.latency_ms_min) {
    return invalid_key("latency_ms_max", "must be >= latency_ms_min >= 0");
  }
  if (s.slow_result_ms < 0 || s.slow_result_ms > kMaxSlowResultMs) {
    return invalid_key("slow_result_ms", "must be within [0, " + std::to_string(kMaxSlowResultMs) + "]");
  }
  if (s.symbol_suffix.size() > kMaxSymbolSuffixChars) {
    return invalid_key("symbol_suffix", "at most " + std::to_string(kMaxSymbolSuffixChars) + " characters");
  }
  if (!is_filling_mode(s.filling)) return invalid_key("filling", "must be fok, ioc or return");
  for (const auto& [symbol, modes] : s.symbol_filling) {
    if (!std::all_of(modes.begin(), modes.end(), is_filling_mode)) {
      return invalid_key("symbol_filling." + symbol, "modes must be fok, ioc or return");
    }
  }
  MTG_CHECK(s.latency_ms_min <= s.latency_ms_max);
  return Status::ok();
}

}  // namespace mtg
