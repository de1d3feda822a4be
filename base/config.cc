// base/config.cc: YAML -> JSON conversion, overrides, unknown-key tracking.
#include "base/config.h"

#include <yaml-cpp/yaml.h>

#include "base/file_contents.h"

namespace rlzero {
namespace {

// A plain (unquoted) YAML scalar becomes null, bool, integer, number or string
// by YAML 1.2 core-schema rules; a quoted one stays a string.
Json ScalarToJson(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return Json(s);  // quoted
  if (s == "~" || s == "null" || s == "Null" || s == "NULL" || s.empty()) return Json(nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return Json(true);
  if (s == "false" || s == "False" || s == "FALSE") return Json(false);
  {
    size_t pos = 0;
    try {
      long long v = std::stoll(s, &pos, 10);
      if (pos == s.size() && s.find_first_of(".eE") == std::string::npos) return Json(v);
    } catch (...) {
    }
  }
  {
    size_t pos = 0;
    try {
      double v = std::stod(s, &pos);
      if (pos == s.size() && s.find_first_of("0123456789") != std::string::npos &&
          s.find_first_of("xXnN") == std::string::npos)
        return Json(v);
    } catch (...) {
    }
  }
  if (s == ".inf" || s == ".Inf") return Json(std::numeric_limits<double>::infinity());
  return Json(s);
}

Json YamlToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Json(nullptr);
    case YAML::NodeType::Scalar:
      return ScalarToJson(n);
    case YAML::NodeType::Sequence: {
      Json a = Json::array();
      for (const auto& it : n) a.push_back(YamlToJson(it));
      return a;
    }
    case YAML::NodeType::Map: {
      Json o = Json::object();
      for (const auto& it : n) o[it.first.as<std::string>()] = YamlToJson(it.second);
      return o;
    }
  }
  return Json(nullptr);
}

std::vector<std::string> SplitDots(const std::string& key) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : key) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

}  // namespace

StatusOr<Json> ParseYaml(const std::string& text, const std::string& where) {
  try {
    YAML::Node n = YAML::Load(text);
    return YamlToJson(n);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(where + ": line " + std::to_string(e.mark.line + 1) + ", column " +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

StatusOr<Json> LoadConfigFile(const std::string& path) {
  auto text = ReadFileContents(path);
  if (!text.ok()) return NotFound(path + ": cannot open config file");
  RLZ_ASSIGN_OR_RETURN(Json j, ParseYaml(*text, path));
  if (j.is_null()) j = Json::object();
  if (!j.is_object()) return InvalidArgument(path + ": the top level must be a mapping");
  return j;
}

Status ApplyOverride(Json* root, const std::string& assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    return InvalidArgument("--set " + assignment + ": expected key.path=value");
  std::string key = assignment.substr(0, eq);
  std::string text = assignment.substr(eq + 1);
  std::vector<std::string> parts = SplitDots(key);
  for (const auto& p : parts)
    if (p.empty()) return InvalidArgument("--set " + assignment + ": empty key segment");
  Json value;
  if (text.empty()) {
    value = Json("");
  } else {
    auto parsed = ParseYaml(text, "--set " + key);
    if (!parsed.ok()) return parsed.status();
    value = *parsed;
  }
  Json* node = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    Json& child = (*node)[parts[i]];
    if (child.is_null()) child = Json::object();
    if (!child.is_object())
      return InvalidArgument("--set " + key + ": '" + parts[i] + "' is not a section");
    node = &child;
  }
  (*node)[parts.back()] = value;
  return Status::Ok();
}

struct ConfigReader::Shared {
  Json root;
  Json resolved;
  std::string source;
  std::set<std::string> override_keys;
  // section path -> (its object inside root, keys read)
  std::map<std::string, std::pair<const Json*, std::set<std::string>>> used;
  std::set<std::string> opaque;  // dotted keys read whole
  std::vector<std::string> errors;
};

ConfigReader::ConfigReader(Json root, std::string source, std::set<std::string> override_keys)
    : shared_(std::make_shared<Shared>()) {
  shared_->root = std::move(root);
  if (shared_->root.is_null()) shared_->root = Json::object();
  shared_->resolved = shared_->root;
  shared_->source = std::move(source);
  shared_->override_keys = std::move(override_keys);
  node_ = &shared_->root;
  shared_->used[""].first = node_;
}

ConfigReader::ConfigReader(std::shared_ptr<Shared> shared, std::string path, const Json* node)
    : shared_(std::move(shared)), path_(std::move(path)), node_(node) {
  shared_->used[path_].first = node_;
}

std::string ConfigReader::Dotted(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

const Json* ConfigReader::Lookup(const std::string& key) {
  shared_->used[path_].second.insert(key);
  if (node_ == nullptr || !node_->is_object()) return nullptr;
  auto it = node_->find(key);
  if (it == node_->end() || it->is_null()) return nullptr;
  return &*it;
}

bool ConfigReader::Has(const std::string& key) const {
  return node_ != nullptr && node_->is_object() && node_->contains(key) && !(*node_)[key].is_null();
}

void ConfigReader::SetResolved(const std::string& key, const Json& value) {
  Json* node = &shared_->resolved;
  if (!path_.empty()) {
    for (const auto& p : SplitDots(path_)) {
      if (!node->is_object()) return;  // list items: not tracked
      node = &(*node)[p];
      if (node->is_null()) *node = Json::object();
    }
  }
  if (node->is_object()) (*node)[key] = value;
}

Json ConfigReader::GetJson(const std::string& key) {
  const Json* v = Lookup(key);
  shared_->opaque.insert(Dotted(key));
  return v ? *v : Json(nullptr);
}

ConfigReader ConfigReader::Section(const std::string& key) {
  static const Json kEmpty = Json::object();
  const Json* v = Lookup(key);
  if (v != nullptr && !v->is_object()) {
    RecordError(key, std::string("expected a mapping, got ") + v->type_name());
    v = nullptr;
  }
  return ConfigReader(shared_, Dotted(key), v ? v : &kEmpty);
}

ConfigReader ConfigReader::ReaderFor(const Json& node, const std::string& path) {
  static const Json kEmpty = Json::object();
  std::string full = Dotted(path);
  if (!node.is_object()) {
    shared_->errors.push_back(shared_->source + ": " + full + ": expected a mapping, got " +
                              node.type_name());
    return ConfigReader(shared_, full, &kEmpty);
  }
  return ConfigReader(shared_, full, &node);
}

void ConfigReader::RecordError(const std::string& key, const std::string& message) {
  shared_->errors.push_back(shared_->source + ": " + Dotted(key) + ": " + message);
}

Status ConfigReader::Finish() const {
  std::vector<std::string> errors = shared_->errors;
  // Walk every section that somebody opened and report keys nobody read.
  for (const auto& [section, entry] : shared_->used) {
    const Json* node = entry.first;
    const std::set<std::string>& keys = entry.second;
    if (node == nullptr || !node->is_object()) continue;
    for (auto it = node->begin(); it != node->end(); ++it) {
      if (keys.count(it.key())) continue;
      std::string dotted = section.empty() ? it.key() : section + "." + it.key();
      bool from_set = false;
      for (const auto& k : shared_->override_keys)
        if (k == dotted || k.rfind(dotted + ".", 0) == 0) from_set = true;
      errors.push_back((from_set ? std::string("--set ") : shared_->source + ": ") +
                       "unknown key '" + dotted + "'");
    }
  }
  if (errors.empty()) return Status::Ok();
  std::string msg;
  for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "\n" : "") + errors[i];
  return InvalidArgument(msg);
}

const Json& ConfigReader::Resolved() const { return shared_->resolved; }

}  // namespace rlzero
