#include "sim/market.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "util/check.h"

namespace mtg::sim {
namespace {

constexpr double kWalkStepRel = 0.0002;  // one price step moves the mid by at most 0.02 %
constexpr int kMaxDigits = 8;

}  // namespace

double round_to(double value, int digits) {
  MTG_CHECK(digits >= 0 && digits <= kMaxDigits);
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

Market::Market(const std::string& suffix) {
  const struct {
    const char* name;
    double base;
    double spread;
    int digits;
  } specs[] = {{"EURUSD", 1.10, 0.00010, 5},
               {"GBPUSD", 1.27, 0.00015, 5},
               {"USDJPY", 150.0, 0.015, 3},
               {"XAUUSD", 2000.0, 0.30, 2}};
  for (const auto& s : specs) symbols_[s.name + suffix] = Symbol{s.base, s.base, s.spread, s.digits};
  MTG_CHECK(symbols_.size() == std::size(specs));
}

const Market::Symbol& Market::at(const std::string& symbol) const {
  auto it = symbols_.find(symbol);
  MTG_CHECK_MSG(it != symbols_.end(), "a quote of a symbol the market does not know");
  return it->second;
}

std::vector<std::string> Market::symbols() const {
  std::vector<std::string> out;
  for (const auto& [name, s] : symbols_) out.push_back(name);
  return out;
}

Quote Market::quote(const std::string& symbol) const {
  const Symbol& s = at(symbol);
  const Quote q{round_to(s.mid - s.spread / 2, s.digits), round_to(s.mid + s.spread / 2, s.digits)};
  MTG_CHECK(q.bid > 0);
  MTG_CHECK(q.ask > q.bid);
  return q;
}

int Market::digits(const std::string& symbol) const { return at(symbol).digits; }

std::string Market::format(const std::string& symbol, double price) const {
  char text[64];
  const int n = std::snprintf(text, sizeof text, "%.*f", digits(symbol), price);
  MTG_CHECK(n > 0 && static_cast<size_t>(n) < sizeof text);
  return text;
}

void Market::walk(const std::string& symbol, Rng& rng) {
  Symbol& s = symbols_.at(symbol);
  const double step = (rng.uniform01() * 2.0 - 1.0) * kWalkStepRel;
  s.mid = std::clamp(s.mid * (1.0 + step), s.base / 2, s.base * 2);
}

void Market::set_mid(const std::string& symbol, double mid) {
  MTG_CHECK(knows(symbol));
  MTG_CHECK(std::isfinite(mid));
  Symbol& s = symbols_.at(symbol);
  s.mid = std::clamp(mid, s.base / 2, s.base * 2);
}

}  // namespace mtg::sim
