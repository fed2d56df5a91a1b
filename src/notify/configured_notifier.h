// The Notifier a process builds from its configuration: the log, the Redis record
// stream and the webhooks of the user preferences always, and the webhook
// ([notify] webhook_url) when one is set; then `extra` (e.g. the process's metrics).
#pragma once

#include <memory>

#include "config/config.h"
#include "notify/notifier.h"
#include "notify/sink.h"

namespace mtg::notify {

std::unique_ptr<Notifier> make_configured_notifier(const Config& config, const Clock& clock,
                                                   std::vector<std::unique_ptr<Sink>> extra = {});

}  // namespace mtg::notify
