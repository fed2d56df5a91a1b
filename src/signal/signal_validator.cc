#include "signal/signal_validator.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "util/check.h"

namespace mtg {
namespace {

bool is_step_multiple(double volume, double step) {
  MTG_CHECK(step > 0);
  MTG_CHECK(volume > 0);
  const double steps = std::round(volume / step);
  return std::fabs(volume - steps * step) <= kVolumeStepTolerance * std::max(volume, step);
}

Status volume_error(const Signal& s, const char* relation, const char* what, double limit) {
  return Status::invalid(fmt::format("volume {} {} {} {} of {}", s.volume, relation, what, limit, s.instance));
}

}  // namespace

Status validate_signal(const Signal& signal, const Config& config) {
  return validate_signal(signal, config, 0.0);
}

Status validate_signal(const Signal& signal, const Config& config, double volume_cap) {
  const InstanceConfig* inst = config.find_instance(signal.instance);
  if (inst == nullptr) return Status::invalid("unknown instance " + signal.instance);
  if (std::find(inst->symbols.begin(), inst->symbols.end(), signal.symbol) == inst->symbols.end()) {
    return Status::invalid("symbol " + signal.symbol + " not enabled on " + inst->id);
  }
  if (!(std::isfinite(signal.volume) && signal.volume > 0)) {
    return Status::invalid(fmt::format("volume {} must be a finite number > 0", signal.volume));
  }
  if (signal.volume < inst->min_volume) return volume_error(signal, "below", "min_volume", inst->min_volume);
  if (signal.volume > inst->max_volume) return volume_error(signal, "above", "max_volume", inst->max_volume);
  if (volume_cap > 0 && signal.volume > volume_cap) return volume_error(signal, "above", "cap", volume_cap);
  if (!is_step_multiple(signal.volume, inst->volume_step)) {
    return volume_error(signal, "not a multiple of", "volume_step", inst->volume_step);
  }
  return Status::ok();
}

}  // namespace mtg
