// data/prompt_template.h: prompt templates with {field} placeholders filled
// from a sample's JSON fields, and the built-in R1-Zero templates.
//
//   auto t = PromptTemplate::Parse("Solve: {question}\nAnswer:");
//   StatusOr<std::string> p = t->Render(sample);   // sample["question"]
//
// Syntax: {name} is replaced by the sample's field `name` (letters, digits,
// '_'); "{{" and "}}" are literal braces. Strings are inserted as they are;
// integers in decimal; other numbers with up to 17 significant digits; lists
// as "[a, b, c]" (Python's str of a list of numbers, as TinyZero's Countdown
// prompt shows them); booleans as true/false. A field missing from the sample
// (or an object / null) is an INVALID_ARGUMENT naming it.
// Built-ins (Builtin(name)):
//   "r1_zero"   DeepSeek-R1-Zero's template: think in <think>, answer in
//               <answer>; field {question}.
//   "countdown" TinyZero's Countdown prompt; fields {numbers}, {target}.
//   "raw"       just {question}.
// Non-goals: chat templates (Jinja), conditionals, loops.
// Thread safety: immutable after construction.
#pragma once

#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero::data {

class PromptTemplate {
 public:
  // Parses template text; errors name the offset of an unbalanced brace or a
  // bad field name.
  static StatusOr<PromptTemplate> Parse(const std::string& text);
  // A built-in template by name (see above).
  static StatusOr<PromptTemplate> Builtin(const std::string& name);
  // A built-in name, or else template text (anything containing '{' or a
  // newline is taken as text).
  static StatusOr<PromptTemplate> FromNameOrText(const std::string& name_or_text);
  static std::vector<std::string> BuiltinNames();

  StatusOr<std::string> Render(const Json& sample) const;
  // Field names in order of appearance (repeats kept once).
  const std::vector<std::string>& fields() const { return fields_; }
  const std::string& text() const { return text_; }

 private:
  struct Part {
    bool is_field;
    std::string value;  // literal text or field name
  };
  std::string text_;
  std::vector<Part> parts_;
  std::vector<std::string> fields_;
};

// Config for the component that renders prompts (e.g. in a recipe):
//   prompt: {template: "r1_zero"}    or    prompt: {template: "Q: {question}\nA:"}
struct PromptConfig {
  std::string template_name_or_text = "r1_zero";
  static StatusOr<PromptConfig> FromConfig(ConfigReader& reader);
};

// How a field value appears in a prompt (see PromptTemplate).
StatusOr<std::string> FormatField(const Json& value, const std::string& name);

}  // namespace rlzero::data
