#include "backup/kind_handler.h"


namespace mtg::backup {

Status add_manifest_file(Manifest& manifest, const std::string& dir, const std::string& name) {
  auto file = hash_file(dir + "/" + name);
  if (!file) return file.status();
  file->name = name;
  manifest.stored_bytes += file->bytes;
  manifest.files.push_back(std::move(file).value());
  return Status::ok();
}

const ManifestFile* find_manifest_file(const Manifest& manifest, const std::string& name) {
  for (const ManifestFile& f : manifest.files) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace mtg::backup
