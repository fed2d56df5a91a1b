// The Notifier a process builds from its configuration: the log, the Redis record
// stream and the webhooks of the user preferences always, and the webhook
// ([notify] webhook_url) when one is set.
#pragma once

#include <memory>

#include "config/config.h"
#include "notify/notifier.h"

namespace mtg::notify {

std::unique_ptr<Notifier> make_configured_notifier(const Config& config, const Clock& clock);

}  // namespace mtg::notify
