#include "testkit/metrics_text.h"

#include <cstdlib>
#include <sstream>

namespace mtg::testkit {
namespace {

// `name{a="x",b="y"} 1.5` (no escapes inside label values: ours have none).
bool parse_sample(const std::string& line, MetricSample& out) {
  const size_t brace = line.find('{');
  const size_t space = line.rfind(' ');
  if (space == std::string::npos) return false;
  size_t name_end = space;
  if (brace != std::string::npos && brace < space) {
    const size_t close = line.find('}', brace);
    if (close == std::string::npos) return false;
    name_end = brace;
    std::string body = line.substr(brace + 1, close - brace - 1);
    size_t at = 0;
    while (at < body.size()) {
      const size_t eq = body.find("=\"", at);
      const size_t end = eq == std::string::npos ? eq : body.find('"', eq + 2);
      if (end == std::string::npos) return false;
      out.labels[body.substr(at, eq - at)] = body.substr(eq + 2, end - eq - 2);
      at = end + 1;
      if (at < body.size() && body[at] == ',') ++at;
    }
  }
  out.name = line.substr(0, name_end);
  const std::string value = line.substr(space + 1);
  char* end = nullptr;
  out.value = std::strtod(value.c_str(), &end);  // also reads +Inf and NaN
  return !out.name.empty() && end != value.c_str() && *end == '\0';
}

bool includes(const Labels& have, const Labels& want) {
  for (const auto& [k, v] : want) {
    auto it = have.find(k);
    if (it == have.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

Result<MetricsText> MetricsText::parse(const std::string& text) {
  MetricsText m;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream fields(line.substr(7));
      std::string family, type;
      fields >> family >> type;
      m.families_.insert(family);
      m.types_[family] = type;
      continue;
    }
    if (line[0] == '#') continue;
    MetricSample sample;
    if (!parse_sample(line, sample))
      return Status::invalid("metrics line " + std::to_string(number) + ": " + line);
    m.samples_.push_back(std::move(sample));
  }
  return m;
}

std::string MetricsText::type(const std::string& family) const {
  auto it = types_.find(family);
  return it == types_.end() ? "" : it->second;
}

std::optional<double> MetricsText::value(const std::string& name, const Labels& labels) const {
  for (const MetricSample& s : samples_) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return std::nullopt;
}

std::vector<MetricSample> MetricsText::samples(const std::string& name, const Labels& labels) const {
  std::vector<MetricSample> out;
  for (const MetricSample& s : samples_) {
    if (s.name == name && includes(s.labels, labels)) out.push_back(s);
  }
  return out;
}

double MetricsText::sum(const std::string& name, const Labels& labels) const {
  double total = 0;
  for (const MetricSample& s : samples(name, labels)) total += s.value;
  return total;
}

}  // namespace mtg::testkit
