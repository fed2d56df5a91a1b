// The MT5 terminal start-up configuration (`terminal64.exe /config:FILE`) that the
// connection-loss recovery action uses to restart a terminal logged in to its broker.
#pragma once

#include <string>

#include "credentials/credential.h"
#include "util/status.h"

namespace mtg {

// The ini text MT5 reads: "[Common]\nLogin=…\nPassword=…\nServer=…\n". The caller wipes
// it (it holds the password). Precondition: the credential passes validate_credential
// (so no field can break out of its line).
SecretString terminal_config_text(const Credential& credential);

// Writes terminal_config_text() to `path` readable by the owner only: a new file is
// created next to it with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600, written, fsync'd and
// renamed over `path`, then the directory is fsync'd. Refuses (kFailedPrecondition)
// when `path` exists and is not a regular file or has any group/other permission, and
// leaves it untouched. kInvalidArgument for a credential that fails validation;
// kIoError when a file operation fails. Messages never contain the password.
Status render_terminal_config(const Credential& credential, const std::string& path);

}  // namespace mtg
