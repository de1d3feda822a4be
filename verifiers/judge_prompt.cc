// verifiers/judge_prompt.cc
#include "verifiers/judge_prompt.h"

namespace rlzero::verifiers {

const char* JudgePromptTemplate::DefaultText() {
  return "You are grading a response to a question.\n\n"
         "Rubric:\n{{rubric}}\n\n"
         "{{#question}}Question:\n{{question}}\n\n{{/question}}"
         "{{#reference}}Reference answer:\n{{reference}}\n\n{{/reference}}"
         "Response:\n{{response}}\n\n"
         "Judge the response against the rubric{{#reference}} and the reference answer"
         "{{/reference}}. Think briefly, then end with your verdict as <verdict>yes</verdict> "
         "or <verdict>no</verdict>.\n";
}

StatusOr<JudgePromptTemplate> JudgePromptTemplate::Parse(const std::string& text) {
  JudgePromptTemplate t;
  bool in_section = false;
  Field section_field = Field::kRubric;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) open = text.size();
    if (open > pos) t.pieces_.push_back({Piece::kText, text.substr(pos, open - pos)});
    if (open == text.size()) break;
    size_t close = text.find("}}", open + 2);
    std::string where = "judge template at offset " + std::to_string(open);
    if (close == std::string::npos) return InvalidArgument(where + ": '{{' without '}}'");
    std::string tag = text.substr(open + 2, close - open - 2);
    pos = close + 2;
    Piece::Kind kind = Piece::kValue;
    if (!tag.empty() && (tag[0] == '#' || tag[0] == '^' || tag[0] == '/')) {
      kind = tag[0] == '#' ? Piece::kIfSet : tag[0] == '^' ? Piece::kIfEmpty : Piece::kEnd;
      tag.erase(0, 1);
    }
    Field field;
    if (tag == "rubric")
      field = Field::kRubric;
    else if (tag == "question")
      field = Field::kQuestion;
    else if (tag == "reference")
      field = Field::kReference;
    else if (tag == "response")
      field = Field::kResponse;
    else
      return InvalidArgument(where + ": unknown name '" + tag.substr(0, 64) +
                             "' (known: rubric, question, reference, response)");
    if (kind == Piece::kIfSet || kind == Piece::kIfEmpty) {
      if (in_section) return InvalidArgument(where + ": sections do not nest");
      in_section = true;
      section_field = field;
    } else if (kind == Piece::kEnd) {
      if (!in_section || field != section_field)
        return InvalidArgument(where + ": '{{/" + tag + "}}' closes no open section");
      in_section = false;
    }
    t.pieces_.push_back({kind, "", field});
  }
  if (in_section) return InvalidArgument("judge template: a section is not closed");
  return t;
}

const std::string& JudgePromptTemplate::Value(const JudgePromptFields& f, Field field) {
  switch (field) {
    case Field::kRubric:
      return f.rubric;
    case Field::kQuestion:
      return f.question;
    case Field::kReference:
      return f.reference;
    case Field::kResponse:
      return f.response;
  }
  return f.response;
}

std::string JudgePromptTemplate::Render(const JudgePromptFields& fields) const {
  std::string out;
  bool skipping = false;
  for (const Piece& p : pieces_) {
    switch (p.kind) {
      case Piece::kIfSet:
        skipping = Value(fields, p.field).empty();
        break;
      case Piece::kIfEmpty:
        skipping = !Value(fields, p.field).empty();
        break;
      case Piece::kEnd:
        skipping = false;
        break;
      case Piece::kText:
        if (!skipping) out += p.text;
        break;
      case Piece::kValue:
        if (!skipping) out += Value(fields, p.field);
        break;
    }
  }
  return out;
}

}  // namespace rlzero::verifiers
