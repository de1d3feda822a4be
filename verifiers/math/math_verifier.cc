// verifiers/math/math_verifier.cc: see math_verifier.h. Orchestration only:
// each stage lives in its own file.
#include "verifiers/math/math_verifier.h"

#include <cctype>

#include "verifiers/math/answer_equivalence.h"
#include "verifiers/math/answer_extractor.h"
#include "verifiers/math/eval_budget.h"
#include "verifiers/math/latex_normalizer.h"
#include "verifiers/math/latex_parser.h"

namespace rlzero::verifiers {
namespace {

using math::EvalBudget;

std::string Squash(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  return out;
}

// "(C)", "C", "\textbf{(C)}" (already unwrapped), "C)" -> 'C'; 0 if not a letter choice.
char ChoiceLetter(const std::string& squashed) {
  std::string s = squashed;
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')')
    s = s.substr(1, s.size() - 2);
  else if (s.size() == 2 && s.back() == ')')
    s = s.substr(0, 1);
  if (s.size() != 1) return 0;
  char c = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return c >= 'A' && c <= 'E' ? c : 0;
}

// Words, not formulas: letters (at least two in a row), spaces and light
// punctuation only. Such answers compare case-insensitively.
bool IsTextAnswer(const std::string& s) {
  bool word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = std::isalpha(static_cast<unsigned char>(c)) != 0;
    if (alpha && i > 0 && std::isalpha(static_cast<unsigned char>(s[i - 1]))) word = true;
    if (!alpha && c != ' ' && c != '(' && c != ')' && c != '.' && c != ',' && c != '-' && c != '\'')
      return false;
  }
  return word;
}

MathVerdict Compare(const std::string& answer, const std::string& gold_raw, EvalBudget& budget) {
  MathVerdict v;
  v.extracted = answer;
  if (answer.size() > math::kMaxAnswerChars) {
    v.extracted = answer.substr(0, 200) + "...";
    v.reason = "answer too long (" + std::to_string(answer.size()) + " chars > " +
               std::to_string(math::kMaxAnswerChars) + ")";
    return v;
  }
  std::string gold_src = gold_raw;
  if (gold_src.find("\\boxed") != std::string::npos || gold_src.find("\\fbox") != std::string::npos)
    if (auto b = math::ExtractLastBoxed(gold_src)) gold_src = *b;
  if (gold_src.size() > math::kMaxAnswerChars) {
    v.reason = "gold answer too long";
    return v;
  }
  bool gold_percent = false, pred_percent = false;
  std::string gold = math::NormalizeLatex(gold_src, &gold_percent);
  std::string pred = math::NormalizeLatex(answer, &pred_percent);
  std::string gs = Squash(gold), ps = Squash(pred);
  if (gs.empty()) {
    v.reason = "gold answer is empty";
    return v;
  }
  if (ps.empty()) {
    v.reason = "extracted answer is empty";
    return v;
  }
  if (gs == ps ||
      (IsTextAnswer(gold) && IsTextAnswer(pred) && math::TextKey(gold) == math::TextKey(pred))) {
    v.correct = true;
    return v;
  }
  char gc = ChoiceLetter(gs);
  if (gc) {
    char pc = ChoiceLetter(ps);
    if (pc) {
      v.correct = gc == pc;
      if (!v.correct) v.reason = "different choice letter";
      return v;
    }
  }
  auto gold_ast = math::ParseLatex(gold, budget);
  if (!gold_ast.ok()) {
    v.reason = "gold not parseable (" + gold_ast.status().message() + ") and texts differ";
    return v;
  }
  auto pred_ast = math::ParseLatex(pred, budget);
  if (!pred_ast.ok()) {
    v.reason = "answer not parseable: " + pred_ast.status().message();
    return v;
  }
  math::Equivalence e = math::AnswersEquivalent(*gold_ast, *pred_ast, budget);
  if (!e.equal && gold_percent != pred_percent && !budget.exhausted()) {
    // "25\%" and "0.25" are the same number: retry with the percent side
    // divided by 100 (the plain reading was tried above).
    const std::string& side = gold_percent ? gold : pred;
    auto scaled = math::ParseLatex("\\frac{" + side + "}{100}", budget);
    if (scaled.ok()) {
      math::Equivalence e2 = gold_percent ? math::AnswersEquivalent(*scaled, *pred_ast, budget)
                                          : math::AnswersEquivalent(*gold_ast, *scaled, budget);
      if (e2.equal) e = e2;
    }
  }
  v.correct = e.equal;
  if (!e.equal) v.reason = e.reason;
  return v;
}

}  // namespace

MathVerdict CompareMathAnswers(const std::string& answer, const std::string& gold,
                               const MathOptions& options) {
  EvalBudget budget(options.timeout_ms);
  return Compare(answer, gold, budget);
}

MathVerdict VerifyMath(const std::string& response, const std::string& gold,
                       const MathOptions& options) {
  EvalBudget budget(options.timeout_ms);
  auto answer = math::ExtractAnswer(response, options.fallback_last_number);
  if (!answer) {
    MathVerdict v;
    v.reason = options.fallback_last_number ? "no <answer>, \\boxed{} or number found"
                                            : "no <answer> or \\boxed{} found";
    return v;
  }
  return Compare(*answer, gold, budget);
}

}  // namespace rlzero::verifiers
