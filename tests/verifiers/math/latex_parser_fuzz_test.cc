// tests/verifiers/math/latex_parser_fuzz_test.cc: seeded mutation fuzzing of
// the parser and the whole verifier. Seeds are real MATH-500 gold answers plus
// hand-picked structures; each mutant gets random byte and token edits. Every
// call must return (no crash, no hang: the suite's timeout would catch it), a
// parsed tree must evaluate or fail cleanly, and verdicts must be reflexive.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "verifiers/math/expression_evaluator.h"
#include "verifiers/math/latex_parser.h"
#include "verifiers/math/math_verifier.h"

namespace rlzero::verifiers {
namespace {

std::vector<std::string> Seeds() {
  std::vector<std::string> seeds = {"\\frac{1}{2}",
                                    "(1,2]",
                                    "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
                                    "1 \\pm \\sqrt{19}",
                                    "x^{2^{3}}",
                                    "\\{1,2\\}",
                                    "(0,9) \\cup (9,36)",
                                    "52_8",
                                    "\\sqrt[3]{x}",
                                    "\\sin^2 x + \\cos^2 x",
                                    "|x-1|",
                                    "\\lfloor 2.5 \\rfloor",
                                    "\\binom{5}{2}",
                                    "5!",
                                    "x \\in [-2,7]",
                                    "y = 2x + 3"};
  std::ifstream in(std::string(RLZERO_SOURCE_DIR) + "/tests/fixtures/data/math500_test.jsonl");
  std::string line;
  while (std::getline(in, line))
    seeds.push_back(nlohmann::json::parse(line)["answer"].get<std::string>());
  return seeds;
}

const std::vector<std::string> kTokens = {"{",
                                          "}",
                                          "(",
                                          ")",
                                          "[",
                                          "]",
                                          "\\{",
                                          "\\}",
                                          "^",
                                          "_",
                                          "\\frac",
                                          "\\sqrt",
                                          "\\pm",
                                          ",",
                                          "\\cup",
                                          "=",
                                          "\\le",
                                          "&",
                                          "\\\\",
                                          "\\begin{pmatrix}",
                                          "\\end{pmatrix}",
                                          "\\left(",
                                          "\\right)",
                                          "|",
                                          "!",
                                          "-",
                                          "+",
                                          "/",
                                          "\\cdot",
                                          "\\pi",
                                          "\\infty",
                                          "i",
                                          "x",
                                          "0",
                                          "9",
                                          "1e99",
                                          ".",
                                          "\\text{",
                                          "\\boxed{",
                                          "$",
                                          "%",
                                          "\\",
                                          "\\sin",
                                          "\\log_",
                                          "\\binom",
                                          "\\lfloor",
                                          "\\rceil",
                                          "2003^{2002^{2001}}",
                                          "\xe2\x88\x92",
                                          "\xff"};

std::string Mutate(std::string s, std::mt19937_64& rng) {
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0:  // insert a random byte
        s.insert(pos, 1, static_cast<char>(rng() % 256));
        break;
      case 1:  // delete a byte
        if (!s.empty() && pos < s.size()) s.erase(pos, 1);
        break;
      case 2:  // replace a byte with a printable one
        if (!s.empty() && pos < s.size()) s[pos] = static_cast<char>(32 + rng() % 95);
        break;
      case 3:  // insert a token
        s.insert(pos, kTokens[rng() % kTokens.size()]);
        break;
      case 4: {  // duplicate a chunk
        if (s.empty()) break;
        size_t a = rng() % s.size();
        size_t len = 1 + rng() % std::min<size_t>(16, s.size() - a);
        s.insert(pos, s.substr(a, len));
        break;
      }
      case 5:  // truncate
        s.resize(pos);
        break;
    }
  }
  return s;
}

TEST(LatexParserFuzzTest, MutantsNeverCrashOrHang) {
  std::vector<std::string> seeds = Seeds();
  ASSERT_GT(seeds.size(), 400u);
  // Fixed seed and size by default; RLZERO_FUZZ_SEED / RLZERO_FUZZ_CASES allow
  // longer local runs (e.g. under sanitizers).
  const char* seed_env = std::getenv("RLZERO_FUZZ_SEED");
  const char* cases_env = std::getenv("RLZERO_FUZZ_CASES");
  std::mt19937_64 rng(seed_env ? std::strtoull(seed_env, nullptr, 10) : 20260523);
  const int kCases = cases_env ? std::atoi(cases_env) : 20000;
  MathOptions options;
  int parsed = 0, evaluated = 0;
  for (int n = 0; n < kCases; ++n) {
    const std::string& seed = seeds[rng() % seeds.size()];
    std::string mutant = Mutate(seed, rng);
    math::EvalBudget budget(1000);
    auto ast = math::ParseLatex(mutant, budget);
    if (ast.ok()) {
      ++parsed;
      ASSERT_GE(ast->root, 0) << mutant;
      EXPECT_FALSE(math::DebugString(*ast, ast->root).empty());
      math::Value v;
      std::string error;
      math::Assignment vars;
      std::vector<std::string> names;
      math::CollectSymbols(*ast, ast->root, &names);
      for (const auto& name : names) vars.emplace_back(name, mpq_class(3, 7));
      if (math::EvaluateScalar(*ast, ast->root, vars, 0, budget, &v, &error))
        ++evaluated;
      else
        EXPECT_FALSE(error.empty()) << mutant;
    }
    MathVerdict a = CompareMathAnswers(mutant, seed, options);
    MathVerdict b = CompareMathAnswers(seed, mutant, options);
    if (!a.correct) EXPECT_FALSE(a.reason.empty()) << mutant;
    if (!b.correct) EXPECT_FALSE(b.reason.empty()) << mutant;
    // Reflexivity (unless the mutant is empty or over the length cap).
    MathVerdict self = CompareMathAnswers(mutant, mutant, options);
    // (A gold holding \boxed{} is unboxed first, so it is not compared to itself.)
    bool blank = mutant.find_first_not_of(" \t\r\n.") == std::string::npos ||
                 mutant.find("\\boxed") != std::string::npos ||
                 mutant.find("\\fbox") != std::string::npos;
    if (!blank && !self.correct) {
      EXPECT_TRUE(self.reason.find("empty") != std::string::npos) << mutant << ": " << self.reason;
    }
    VerifyMath("<answer>" + mutant + "</answer>", seed, options);
  }
  // The mutations must exercise the parser, not only its error paths.
  EXPECT_GT(parsed, kCases / 5);
  EXPECT_GT(evaluated, kCases / 20);
}

}  // namespace
}  // namespace rlzero::verifiers
