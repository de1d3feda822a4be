// data/prompt_template.cc: see prompt_template.h.
#include "data/prompt_template.h"

#include <charconv>
#include <map>

namespace rlzero::data {
namespace {

// DeepSeek-R1-Zero's training template (DeepSeek-R1 paper, Table 1), with
// the question in {question}.
constexpr const char* kR1Zero =
    "A conversation between User and Assistant. The user asks a question, and the Assistant "
    "solves it. The assistant first thinks about the reasoning process in the mind and then "
    "provides the user with the answer. The reasoning process and answer are enclosed within "
    "<think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning "
    "process here </think> <answer> answer here </answer>. User: {question} Assistant:";

// TinyZero's Countdown prompt for base models.
constexpr const char* kCountdown =
    "A conversation between User and Assistant. The user asks a question, and the Assistant "
    "solves it. The assistant first thinks about the reasoning process in the mind and then "
    "provides the user with the answer.\nUser: Using the numbers {numbers}, create an equation "
    "that equals {target}. You can use basic arithmetic operations (+, -, *, /) and each number "
    "can only be used once. Show your work in <think> </think> tags. And return the final "
    "answer in <answer> </answer> tags, for example <answer> (1 + 2) / 3 </answer>.\n"
    "Assistant: Let me solve this step by step.\n<think>";

const std::map<std::string, const char*>& Builtins() {
  static const std::map<std::string, const char*> b = {
      {"r1_zero", kR1Zero}, {"countdown", kCountdown}, {"raw", "{question}"}};
  return b;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string FormatNumber(const Json& v) {
  if (v.is_number_integer()) return v.dump();
  char buf[64];
  double d = v.get<double>();
  auto r = std::to_chars(buf, buf + sizeof(buf), d);  // shortest round-trip form
  return std::string(buf, r.ptr);
}

}  // namespace

StatusOr<std::string> FormatField(const Json& value, const std::string& name) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return FormatNumber(value);
  if (value.is_boolean()) return std::string(value.get<bool>() ? "true" : "false");
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ", ";
      const Json& e = value[i];
      if (e.is_string()) {
        out += "'" + e.get<std::string>() + "'";
      } else if (e.is_number()) {
        out += FormatNumber(e);
      } else if (e.is_boolean()) {
        out += e.get<bool>() ? "true" : "false";
      } else {
        return InvalidArgument("field {" + name + "}: list item " + std::to_string(i) +
                               " is not a string, number or boolean");
      }
    }
    return out + "]";
  }
  return InvalidArgument("field {" + name + "}: a " + std::string(value.type_name()) +
                         " cannot be put in a prompt");
}

StatusOr<PromptTemplate> PromptTemplate::Parse(const std::string& text) {
  PromptTemplate t;
  t.text_ = text;
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal.push_back('{');
      ++i;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      literal.push_back('}');
      ++i;
    } else if (c == '{') {
      size_t close = text.find('}', i + 1);
      if (close == std::string::npos)
        return InvalidArgument("prompt template: '{' at offset " + std::to_string(i) +
                               " is never closed (write {{ for a literal brace)");
      std::string name = text.substr(i + 1, close - i - 1);
      bool ok = !name.empty();
      for (char n : name) ok = ok && IsNameChar(n);
      if (!ok)
        return InvalidArgument("prompt template: bad field name \"" + name + "\" at offset " +
                               std::to_string(i) + " (letters, digits and _ only)");
      if (!literal.empty()) t.parts_.push_back({false, std::move(literal)});
      literal.clear();
      t.parts_.push_back({true, name});
      bool seen = false;
      for (const auto& f : t.fields_) seen = seen || f == name;
      if (!seen) t.fields_.push_back(name);
      i = close;
    } else if (c == '}') {
      return InvalidArgument("prompt template: unmatched '}' at offset " + std::to_string(i) +
                             " (write }} for a literal brace)");
    } else {
      literal.push_back(c);
    }
  }
  if (!literal.empty()) t.parts_.push_back({false, std::move(literal)});
  return t;
}

StatusOr<PromptTemplate> PromptTemplate::Builtin(const std::string& name) {
  auto it = Builtins().find(name);
  if (it == Builtins().end()) {
    std::string names;
    for (const auto& n : BuiltinNames()) names += (names.empty() ? "" : ", ") + n;
    return InvalidArgument("unknown prompt template \"" + name + "\" (built-ins: " + names + ")");
  }
  return Parse(it->second);
}

StatusOr<PromptTemplate> PromptTemplate::FromNameOrText(const std::string& name_or_text) {
  if (name_or_text.find('{') != std::string::npos || name_or_text.find('\n') != std::string::npos)
    return Parse(name_or_text);
  return Builtin(name_or_text);
}

std::vector<std::string> PromptTemplate::BuiltinNames() {
  std::vector<std::string> out;
  for (const auto& [name, text] : Builtins()) out.push_back(name);
  return out;
}

StatusOr<std::string> PromptTemplate::Render(const Json& sample) const {
  std::string out;
  for (const Part& p : parts_) {
    if (!p.is_field) {
      out += p.value;
      continue;
    }
    if (!sample.is_object() || !sample.contains(p.value) || sample[p.value].is_null())
      return InvalidArgument("prompt template needs field \"" + p.value +
                             "\", missing from the sample");
    RLZ_ASSIGN_OR_RETURN(std::string v, FormatField(sample[p.value], p.value));
    out += v;
  }
  return out;
}

StatusOr<PromptConfig> PromptConfig::FromConfig(ConfigReader& reader) {
  PromptConfig c;
  reader.Get("template", &c.template_name_or_text);
  auto t = PromptTemplate::FromNameOrText(c.template_name_or_text);
  if (!t.ok()) {
    reader.RecordError("template", t.status().message());
    return t.status();
  }
  return c;
}

}  // namespace rlzero::data
