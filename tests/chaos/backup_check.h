// After a campaign: the backups came through the faults. Every kind backs up again
// (`mtguard backup run KIND`), and `mtguard backup verify` names as corrupt exactly the
// DuckDB snapshots the campaign corrupted (those retention has not removed yet).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "integration/system.h"

namespace mtg::chaos {

struct BackupVerdict {
  int kinds_backed_up = 0;          // kinds whose `backup run` succeeded after the campaign
  int verified = 0;                 // backups `backup verify` found sound
  int corrupt_named = 0;            // corrupted by the campaign and named by verify
  std::vector<std::string> problems;  // a failed run, an unexpected verdict, with output

  bool ok() const { return problems.empty(); }
};

// `corrupted`: ids of DuckDB snapshots the campaign corrupted. The backend may be
// stopped (a DuckDB backup then reads the file directly).
BackupVerdict check_backups(const testkit::System& sys, const std::set<std::string>& corrupted);

}  // namespace mtg::chaos
