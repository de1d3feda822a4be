// verifiers/math/latex_parser.h: a recursive-descent parser from normalised
// LaTeX (latex_normalizer.h) to a LatexAst.
//
// Grammar, loosest first:
//   list     := relation (',' relation)*              -> kList when > 1 item
//   relation := union (relop union (relop union)?)?    = < > \le \ge \ne \in \approx;
//               two relops only as a chain a < x <= b (kChain)
//   union    := additive (\cup additive)*
//   additive := ['+'|'-'] term (('+'|'-'|\pm|\mp) term)*
//   term     := power (('*'|\cdot|\times|'/'|\div) power | implicit power)*
//   power    := postfix ('^' argument)?               right-associative
//   postfix  := primary ('!' | '_' base)*
//   primary  := number | letter | \frac A B | \sqrt[n]{x} | \binom | \pi | \infty
//             | \sin.. arg | ( list ) | [ list ) | \{ list \} | |x| | \lfloor..
//             | \begin{pmatrix} a & b \\ c & d \end{pmatrix} | { list }
// LaTeX shorthand: \frac12, \sqrt2, x^23 (= x^2 * 3) take one character as an
// argument. "2\frac{1}{2}" with integer literals is the mixed number 5/2.
//
// Contract: never throws or crashes on any input; recursion depth is capped at
// kMaxParseDepth and every token charges the budget, so any input returns an
// error or a tree within its deadline. Input is assumed already capped in
// length by the caller. Thread safety: stateless function.
#pragma once

#include <string>

#include "base/status.h"
#include "verifiers/math/eval_budget.h"
#include "verifiers/math/latex_ast.h"

namespace rlzero::verifiers::math {

inline constexpr int kMaxParseDepth = 64;

// Parses `latex` (already normalised). Errors name what failed and where
// (character offset).
StatusOr<LatexAst> ParseLatex(const std::string& latex, EvalBudget& budget);

// A readable prefix form of a subtree, for tests and error messages:
// "(add 1 (mul 2 x))".
std::string DebugString(const LatexAst& ast, int node);

}  // namespace rlzero::verifiers::math
