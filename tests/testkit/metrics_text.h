// The Prometheus text format as a test reads it: the samples of one scrape of /metrics.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/status.h"

namespace mtg::testkit {

using Labels = std::map<std::string, std::string>;

struct MetricSample {
  std::string name;  // with its suffix: mtguard_x_total, mtguard_y_seconds_bucket
  Labels labels;
  double value = 0;
};

class MetricsText {
 public:
  // kInvalidArgument naming the first line that is not a sample, a comment or blank.
  static Result<MetricsText> parse(const std::string& text);

  // Families declared by "# TYPE" lines.
  const std::set<std::string>& families() const { return families_; }
  // The family's type ("counter", "gauge", "histogram"), "" when undeclared.
  std::string type(const std::string& family) const;
  // The sample `name` with exactly `labels`, nullopt when absent.
  std::optional<double> value(const std::string& name, const Labels& labels = {}) const;
  // Every sample `name` whose labels include `labels`.
  std::vector<MetricSample> samples(const std::string& name, const Labels& labels = {}) const;
  // The sum of samples(name, labels).
  double sum(const std::string& name, const Labels& labels = {}) const;

 private:
  std::vector<MetricSample> samples_;
  std::set<std::string> families_;
  std::map<std::string, std::string> types_;
};

}  // namespace mtg::testkit
