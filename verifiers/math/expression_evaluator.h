// verifiers/math/expression_evaluator.h: evaluates scalar LatexAst subtrees to
// numbers, exactly where possible.
//
// Values are Gaussian rationals (GMP mpq real and imaginary parts) while every
// operation stays exact: + - * /, integer powers, roots of perfect powers,
// factorials, binomials, base-n numerals, floor/ceil/abs of rationals. As soon
// as an operation has no exact rational result (sqrt 2, pi, sin, ln, a
// result wider than kMaxExactBits) the value becomes a std::complex<long
// double> approximation and stays numeric.
//
// Guards: an exact result is never built wider than kMaxExactBits (so
// 2003^{2002^{2001}} goes numeric and overflows to inf instead of allocating);
// factorials above kMaxFactorial and more than kMaxPlusMinus \pm signs are
// errors; every node charges the EvalBudget (proportionally to operand width)
// and recursion is capped at kMaxEvalDepth. Errors are returned as false plus a
// message; nothing throws. Non-goals: simplification, symbolic algebra, branch
// cuts beyond the principal value. Thread safety: stateless functions.
#pragma once

#include <gmpxx.h>

#include <complex>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "verifiers/math/eval_budget.h"
#include "verifiers/math/latex_ast.h"

namespace rlzero::verifiers::math {

inline constexpr int64_t kMaxExactBits = 1 << 15;
inline constexpr long kMaxFactorial = 2000;
inline constexpr int kMaxPlusMinus = 4;
inline constexpr int kMaxEvalDepth = 256;

using Complex = std::complex<long double>;

struct Value {
  bool exact = true;
  mpq_class re, im;  // meaningful when exact
  Complex z;         // meaningful when !exact
  Complex Numeric() const;
};

// Symbol name -> value, one point of a random evaluation.
using Assignment = std::vector<std::pair<std::string, mpq_class>>;

// Evaluates the scalar subtree `node`. The k-th \pm met in evaluation order
// takes '+' when bit k of `pm_mask` is 0. Returns false with *error set on
// unbound symbols, domain errors (division by zero), infinity in arithmetic,
// caps and the deadline.
bool EvaluateScalar(const LatexAst& ast, int node, const Assignment& vars, uint32_t pm_mask,
                    EvalBudget& budget, Value* out, std::string* error);

// Appends the distinct free symbol names of a subtree (any kind of node).
void CollectSymbols(const LatexAst& ast, int node, std::vector<std::string>* names);

// Number of \pm / \mp nodes in a subtree.
int CountPlusMinus(const LatexAst& ast, int node);

// Whether the subtree contains an \infty.
bool ContainsInfinity(const LatexAst& ast, int node);

// Exact equality when both are exact; otherwise |a-b| <= 1e-9 max(|a|,|b|) +
// 1e-12 on finite numeric values (non-finite values are never equal).
bool ValuesEqual(const Value& a, const Value& b);

// Whether a value is (numerically) zero.
bool IsZero(const Value& v);

}  // namespace rlzero::verifiers::math
