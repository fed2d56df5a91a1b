// Semantic checks of a parsed signal against the configuration (after parse_signal).
// Whether the instance is enabled is not checked here: a disabled instance answers
// `dropped`, not `rejected`, and that is the engine's decision.
#pragma once

#include "config/config.h"
#include "signal/signal.h"
#include "util/status.h"

namespace mtg {

// Relative tolerance when checking that a volume is a multiple of volume_step.
constexpr double kVolumeStepTolerance = 1e-9;

// Ok when the signal's instance is configured, its symbol (when it names one) is
// enabled there, and its volume fits the instance: for an open, within [min_volume,
// max_volume] and a multiple of volume_step; for a partial close (volume > 0), at most
// max_volume and a multiple of volume_step. Other actions carry no volume. Errors are
// kInvalidArgument: "unknown instance demo-9", "symbol XXXUSD not enabled on demo-1",
// "volume 50 above max_volume 10 of demo-1", "volume 0.015 not a multiple of
// volume_step 0.01 of demo-1", ...
Status validate_signal(const Signal& signal, const Config& config);

// The same, and an open's volume at most `volume_cap` lots (a per-instance cap from user
// preferences); volume_cap <= 0 means no cap. Error: "volume 5 above cap 2 of demo-1".
Status validate_signal(const Signal& signal, const Config& config, double volume_cap);

}  // namespace mtg
