#include "backup/backup_service.h"

#include <algorithm>
#include <filesystem>

#include "util/check.h"

namespace mtg::backup {

namespace fs = std::filesystem;

namespace {

std::string name_of(BackupKind kind, const std::string& id) { return std::string(kind_name(kind)) + "/" + id; }

}  // namespace

BackupService::BackupService(BackupEnv env, HandlerFactory factory, int64_t lock_timeout_ms)
    : env_(std::move(env)), factory_(std::move(factory)), lock_timeout_ms_(lock_timeout_ms),
      repo_(env_.config->backup.dir) {
  MTG_CHECK(env_.config != nullptr);
  MTG_CHECK(env_.clock != nullptr);
  MTG_CHECK(lock_timeout_ms_ > 0);
  if (!factory_) {
    factory_ = [this](BackupKind kind) { return make_kind_handler(kind, env_); };
  }
  MTG_CHECK(static_cast<bool>(factory_));
}

Status BackupService::record_drill(BackupEntry& entry, bool ok, const std::string& detail) {
  if (!entry.manifest) return Status::ok();  // a manifest that does not parse is never rewritten
  MTG_CHECK(!entry.path.empty());
  MTG_CHECK(entry.manifest->id == entry.id);
  entry.manifest->verified = ok;
  entry.manifest->verified_at_ms = env_.clock->now_ms();
  entry.manifest->drill = detail;
  MTG_CHECK(entry.manifest->verified == ok);
  return repo_.write_manifest(entry.path, *entry.manifest);
}

Result<std::string> BackupService::validate(BackupKind kind, KindHandler& handler, BackupEntry& entry) {
  MTG_CHECK(!entry.id.empty());
  MTG_CHECK(!entry.path.empty());
  Status hashed = repo_.check_files(kind, entry);
  if (!hashed.is_ok()) {
    (void)record_drill(entry, false, hashed.message());
    return hashed;
  }
  auto scratch = ScratchDir::create(std::string("drill-") + kind_name(kind));
  if (!scratch) return scratch.status();
  auto drilled = handler.drill(entry, scratch->path());
  const std::string detail = drilled ? *drilled : drilled.status().message();
  MTG_RETURN_IF_ERROR(record_drill(entry, drilled.is_ok(), detail));
  if (!drilled) return Status::corruption(name_of(kind, entry.id) + ": restore drill failed: " + detail);
  MTG_CHECK(entry.manifest.has_value());
  MTG_CHECK(entry.manifest->verified);
  return detail;
}

Result<BackupEntry> BackupService::take(BackupKind kind, KindHandler& handler) {
  const int64_t now_ms = env_.clock->now_ms();
  auto draft = repo_.create(kind, now_ms);
  if (!draft) return draft.status();
  MTG_CHECK(!draft->id.empty());
  MTG_CHECK(!draft->path.empty());
  Manifest manifest;
  manifest.kind = kind_name(kind);
  manifest.id = draft->id;
  manifest.created_at_ms = now_ms;
  Status s = handler.take(draft->path, manifest);
  if (s.is_ok()) s = repo_.write_manifest(draft->path, manifest);
  if (!s.is_ok()) {
    std::error_code ec;
    fs::remove_all(draft->path, ec);  // incomplete: never listed; retention would remove it anyway
    return s.with_context("backup " + name_of(kind, draft->id));
  }
  MTG_CHECK(manifest.id == draft->id);
  MTG_CHECK(manifest.kind == kind_name(kind));
  MTG_CHECK(manifest.created_at_ms == now_ms);
  MTG_CHECK(!manifest.verified);
  return BackupEntry{draft->id, draft->path, std::move(manifest), ""};
}

Result<RunOutcome> BackupService::run(BackupKind kind) {
  auto lock = repo_.lock(kind, lock_timeout_ms_);
  if (!lock) return lock.status();
  std::unique_ptr<KindHandler> handler = factory_(kind);
  MTG_CHECK(handler != nullptr);
  auto entry = take(kind, *handler);
  if (!entry) return entry.status();
  auto drilled = validate(kind, *handler, *entry);
  if (!drilled) return drilled.status();
  MTG_CHECK(entry->manifest.has_value());
  MTG_CHECK(entry->manifest->verified);
  auto retention = repo_.apply_retention(kind, schedule_for(env_.config->backup, kind).keep, entry->id);
  if (!retention) return retention.status();
  MTG_CHECK(std::find(retention->removed_ids.begin(), retention->removed_ids.end(), entry->id) ==
            retention->removed_ids.end());
  MTG_CHECK(std::find(retention->removed_incomplete.begin(), retention->removed_incomplete.end(), entry->id) ==
            retention->removed_incomplete.end());
  return RunOutcome{std::move(entry).value(), std::move(retention).value()};
}

Result<std::vector<VerifyOutcome>> BackupService::verify(std::optional<BackupKind> only) {
  std::vector<VerifyOutcome> outcomes;
  for (BackupKind kind : kAllKinds) {
    if (only && *only != kind) continue;
    auto lock = repo_.lock(kind, lock_timeout_ms_);
    if (!lock) return lock.status();
    auto entries = repo_.list(kind);
    if (!entries) return entries.status();
    std::unique_ptr<KindHandler> handler = factory_(kind);
    MTG_CHECK(handler != nullptr);
    for (BackupEntry& entry : *entries) {
      auto checked = validate(kind, *handler, entry);
      outcomes.push_back({kind, entry.id, checked.is_ok(), checked ? *checked : checked.status().message()});
    }
  }
  return outcomes;
}

Result<RestoreOutcome> BackupService::restore(BackupKind kind, const std::optional<std::string>& from_id) {
  auto lock = repo_.lock(kind, lock_timeout_ms_);
  if (!lock) return lock.status();
  std::unique_ptr<KindHandler> handler = factory_(kind);
  MTG_CHECK(handler != nullptr);
  std::vector<BackupEntry> candidates;
  if (from_id) {
    auto entry = repo_.find(kind, *from_id);
    if (!entry) return entry.status();
    candidates.push_back(std::move(entry).value());
    MTG_CHECK(candidates.front().id == *from_id);
  } else {
    auto entries = repo_.list(kind);
    if (!entries) return entries.status();
    candidates = std::move(entries).value();
  }
  RestoreOutcome outcome;
  for (BackupEntry& entry : candidates) {
    auto checked = validate(kind, *handler, entry);
    if (!checked) {
      if (from_id) return Status::corruption("refusing to restore " + checked.status().message());
      outcome.skipped.push_back(checked.status().message());
      continue;
    }
    auto scratch = ScratchDir::create(std::string("restore-") + kind_name(kind));
    if (!scratch) return scratch.status();
    MTG_CHECK(entry.manifest.has_value());
    MTG_CHECK(entry.manifest->verified);
    Status s = handler->restore(entry, scratch->path());
    if (!s.is_ok()) return s.with_context("restore " + name_of(kind, entry.id));
    outcome.id = entry.id;
    return outcome;
  }
  MTG_CHECK(outcome.skipped.size() == candidates.size());
  std::string why = "no valid " + std::string(kind_name(kind)) + " backup in " + repo_.kind_dir(kind);
  for (const std::string& s : outcome.skipped) why += "; skipped " + s;
  return Status::not_found(why);
}

}  // namespace mtg::backup
