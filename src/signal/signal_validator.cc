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

// volume <= max_volume, <= volume_cap when that is > 0, and a multiple of volume_step.
Status check_upper_and_step(const Signal& s, const InstanceConfig& inst, double volume_cap) {
  MTG_CHECK(s.volume > 0);
  if (s.volume > inst.max_volume) return volume_error(s, "above", "max_volume", inst.max_volume);
  if (volume_cap > 0 && s.volume > volume_cap) return volume_error(s, "above", "cap", volume_cap);
  if (!is_step_multiple(s.volume, inst.volume_step)) {
    return volume_error(s, "not a multiple of", "volume_step", inst.volume_step);
  }
  return Status::ok();
}

Status check_finite_positive(const Signal& s) {
  if (std::isfinite(s.volume) && s.volume > 0) return Status::ok();
  return Status::invalid(fmt::format("volume {} must be a finite number > 0", s.volume));
}

Status check_open_volume(const Signal& s, const InstanceConfig& inst, double volume_cap) {
  MTG_CHECK(s.action == Action::kOpen);
  MTG_RETURN_IF_ERROR(check_finite_positive(s));
  if (s.volume < inst.min_volume) return volume_error(s, "below", "min_volume", inst.min_volume);
  return check_upper_and_step(s, inst, volume_cap);
}

// A partial close: lots the instance could have opened. The cap limits opening only.
Status check_close_volume(const Signal& s, const InstanceConfig& inst) {
  MTG_CHECK(s.action == Action::kClose && s.volume != 0);
  MTG_RETURN_IF_ERROR(check_finite_positive(s));
  return check_upper_and_step(s, inst, 0.0);
}

}  // namespace

Status validate_signal(const Signal& signal, const Config& config) {
  return validate_signal(signal, config, 0.0);
}

Status validate_signal(const Signal& signal, const Config& config, double volume_cap) {
  const InstanceConfig* inst = config.find_instance(signal.instance);
  if (inst == nullptr) return Status::invalid("unknown instance " + signal.instance);
  if (!signal.symbol.empty() &&
      std::find(inst->symbols.begin(), inst->symbols.end(), signal.symbol) == inst->symbols.end()) {
    return Status::invalid("symbol " + signal.symbol + " not enabled on " + inst->id);
  }
  if (signal.action == Action::kOpen) return check_open_volume(signal, *inst, volume_cap);
  if (signal.action == Action::kClose && signal.volume != 0) return check_close_volume(signal, *inst);
  return Status::ok();
}

}  // namespace mtg
