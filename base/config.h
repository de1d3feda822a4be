// base/config.h: config files (YAML or JSON), `--set key.path=value` overrides,
// and a reader that turns a config tree into typed component structs while
// catching unknown keys.
//
// Contract (shared by every subcommand):
//   - LoadConfigFile reads YAML or JSON (JSON is YAML, so one parser) into a
//     JSON tree; errors name the file and line.
//   - ApplyOverride("a.b.c=value") sets a leaf; the value is parsed as a YAML
//     scalar or flow collection (1e-5 -> number, true -> bool, [1,2] -> list).
//   - Components read their section with ConfigReader::Get / Section; after all
//     reads, Finish() reports every key nobody read as an error naming the key
//     and where it came from (the file, or --set). Absent keys keep the
//     struct's default, and the default is written into Resolved(), so the
//     resolved config printed and saved in the run dir is complete.
// Thread safety: none; configs are read once at start-up.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero {

using Json = nlohmann::json;

// Parses YAML (or JSON) text. `where` names the source in errors.
StatusOr<Json> ParseYaml(const std::string& text, const std::string& where);
// Reads and parses a .yaml/.yml/.json file.
StatusOr<Json> LoadConfigFile(const std::string& path);
// Applies one "dotted.key=value" assignment to *root (creating objects on the way).
Status ApplyOverride(Json* root, const std::string& assignment);

class ConfigReader {
 public:
  // `source` names the file in messages; `override_keys` are dotted keys set by
  // --set (so an unknown one is reported as coming from --set).
  ConfigReader(Json root, std::string source, std::set<std::string> override_keys = {});

  // Reads key of this section into *out if present (type-checked). Returns
  // whether it was present. A type error is recorded and reported by Finish().
  template <typename T>
  bool Get(const std::string& key, T* out) {
    const Json* v = Lookup(key);
    if (v == nullptr) {
      SetResolved(key, Json(*out));
      return false;
    }
    try {
      *out = v->get<T>();
    } catch (const std::exception& e) {
      RecordError(key, std::string("wrong type (") + v->type_name() + "): " + e.what());
      return false;
    }
    return true;
  }
  // Marks key read and returns its raw JSON (null if absent): for free-form
  // values such as lists of reward components, whose items the caller reads
  // through ReaderFor.
  Json GetJson(const std::string& key);
  // A reader over the child object `key` (an empty object if absent).
  ConfigReader Section(const std::string& key);
  // A reader over an arbitrary JSON object nested under this section, e.g. an
  // item of a list: path names it in messages ("rewards[1]").
  ConfigReader ReaderFor(const Json& node, const std::string& path);
  bool Has(const std::string& key) const;
  // Records a validation error for key (e.g. "must be > 0").
  void RecordError(const std::string& key, const std::string& message);

  // OK, or an INVALID_ARGUMENT listing every unknown key and type error.
  Status Finish() const;
  // The tree with every default that was asked for filled in.
  const Json& Resolved() const;
  const std::string& path() const { return path_; }

 private:
  struct Shared;
  ConfigReader(std::shared_ptr<Shared> shared, std::string path, const Json* node);
  const Json* Lookup(const std::string& key);
  void SetResolved(const std::string& key, const Json& value);
  std::string Dotted(const std::string& key) const;

  std::shared_ptr<Shared> shared_;
  std::string path_;  // dotted path of this section ("" for root)
  const Json* node_;  // the section's object (points into shared_->root)
};

}  // namespace rlzero
