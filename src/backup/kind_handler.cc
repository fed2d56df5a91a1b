#include "backup/kind_handler.h"

#include "util/check.h"

namespace mtg::backup {

Status add_manifest_file(Manifest& manifest, const std::string& dir, const std::string& name) {
  MTG_CHECK(!dir.empty());
  MTG_CHECK(!name.empty());
  MTG_CHECK(name != kManifestName);
  MTG_CHECK(find_manifest_file(manifest, name) == nullptr);
  auto file = hash_file(dir + "/" + name);
  if (!file) return file.status();
  file->name = name;
  manifest.stored_bytes += file->bytes;
  manifest.files.push_back(std::move(file).value());
  MTG_CHECK(manifest.files.back().name == name);
  MTG_CHECK(manifest.files.back().bytes >= 0);
  MTG_CHECK(manifest.files.back().sha256.size() == 64);
  MTG_CHECK(manifest.files.size() <= kMaxManifestFiles);
  return Status::ok();
}

const ManifestFile* find_manifest_file(const Manifest& manifest, const std::string& name) {
  MTG_CHECK(!name.empty());
  for (const ManifestFile& f : manifest.files) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace mtg::backup
