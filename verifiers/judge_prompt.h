// verifiers/judge_prompt.h: the model judge's grading-prompt template.
//
// Syntax (a small subset of Mustache; single braces are literal, so LaTeX
// such as \boxed{} can be written as is):
//   {{name}}                 the value of `name`
//   {{#name}} ... {{/name}}  the text inside only when `name` is non-empty
//   {{^name}} ... {{/name}}  the text inside only when `name` is empty
// Names: rubric, question, reference, response. Sections do not nest.
//
// Contract: Parse rejects unknown names, unclosed or nested sections and
// stray closers (INVALID_ARGUMENT naming the offset). Render substitutes in
// one pass: values are never rescanned, so a response holding "{{rubric}}"
// stays literal text. Render is linear in template + values.
// Thread safety: a parsed template is immutable; Render is const.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero::verifiers {

struct JudgePromptFields {
  std::string rubric;
  std::string question;
  std::string reference;
  std::string response;
};

class JudgePromptTemplate {
 public:
  static StatusOr<JudgePromptTemplate> Parse(const std::string& text);
  std::string Render(const JudgePromptFields& fields) const;

  // The default template: a yes/no grader ending in <verdict>yes|no</verdict>.
  static const char* DefaultText();

 private:
  enum class Field { kRubric, kQuestion, kReference, kResponse };
  struct Piece {
    enum Kind { kText, kValue, kIfSet, kIfEmpty, kEnd } kind;
    std::string text;  // kText
    Field field = Field::kRubric;
  };
  static const std::string& Value(const JudgePromptFields& f, Field field);
  std::vector<Piece> pieces_;
};

}  // namespace rlzero::verifiers
