// verifiers/math/answer_equivalence.h: decides whether a predicted answer tree
// means the same as the gold answer tree.
//
// Scalars: exact equality of Gaussian rationals, else numeric within 1e-9
// relative (radicals, pi, trig); expressions with variables are evaluated at
// several pseudo-random rational points (each variable
// alternating in sign) (fixed seed, so verdicts are
// reproducible) and must agree at every point where both sides are defined.
// Structures: relations compare side by side ("x=5" also matches "5", and "5"
// matches a gold "x=5", but "2+3=5" does not match "5"); "=" equations with
// variables also match when one is a non-zero multiple of the other
// (5x-7y+4=0 vs -5x+7y-4=0); tuples and intervals are ordered and their
// brackets must agree; sets, bare lists and \pm answers are unordered
// multisets; unions are unordered sets of parts; matrices compare cell by
// cell; infinities compare by sign. A gold base-n numeral (52_8) needs the
// same digits or the same numeral.
// Non-goals: proving identities (random evaluation is probabilistic, with
// negligible false-positive odds for polynomials and rational functions).
// Thread safety: stateless function.
#pragma once

#include <string>

#include "verifiers/math/eval_budget.h"
#include "verifiers/math/latex_ast.h"

namespace rlzero::verifiers::math {

struct Equivalence {
  bool equal = false;
  std::string reason;  // why not, when !equal
};

Equivalence AnswersEquivalent(const LatexAst& gold, const LatexAst& pred, EvalBudget& budget);

}  // namespace rlzero::verifiers::math
