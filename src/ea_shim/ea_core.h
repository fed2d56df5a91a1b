// The EA's core, mql5/Include/MtGuard/*.mqh, as C++. MQL5 has no `inline`, so its
// functions are defined in the headers; each C++ translation unit that includes this
// gets a copy of its own (an anonymous namespace), and none crosses a boundary.
#pragma once

#include "ea_shim/mql5.h"
#include "ea_shim/terminal.h"
#include "ea_shim/socket_api.h"
#include "ea_shim/trade_api.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
namespace {
#include <MtGuard/Backoff.mqh>
#include <MtGuard/Core.mqh>
#include <MtGuard/Link.mqh>
}  // namespace
#pragma GCC diagnostic pop
