// verifiers/math/latex_ast.h: the syntax tree of one LaTeX math answer.
//
// Nodes live in an arena (LatexAst::nodes) and refer to their children by
// index, so a tree is one allocation-light value that copies cheaply. Scalar
// nodes (numbers, symbols, arithmetic, functions) are evaluated by
// expression_evaluator.h; structural nodes (tuples, sets, lists, unions,
// relations, matrices) are compared by answer_equivalence.h.
// Non-goals: a computer-algebra representation (no simplification here).
// Thread safety: plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlzero::verifiers::math {

enum class NodeKind : uint8_t {
  // Scalars.
  kNumber,      // text: decimal literal "12", "0.5", ".5", "1.5e3"
  kBaseNumber,  // text: digits; base: the radix (52_8)
  kSymbol,      // text: variable name ("x", "x_1", "\\theta")
  kPi,
  kImaginary,  // i
  kInfinity,
  kAdd,        // n-ary sum
  kMul,        // n-ary product
  kNeg,        // -a
  kDiv,        // a / b
  kPow,        // a ^ b
  kPlusMinus,  // a \pm b (kids: a, b); text "-" for \mp
  kRoot,       // kids: radicand [, index]
  kFunc,       // text: function name ("sin", "ln", "log"); kids: arg [, log base]
  kFactorial,
  kBinom,
  kAbs,
  kFloor,
  kCeil,
  // Structures.
  kTuple,     // open/close: '(' or '[' and ')' or ']'; also intervals
  kSet,       // \{ ... \}; \emptyset is a set without kids
  kList,      // bare comma list "1, 2"
  kUnion,     // a \cup b \cup ...
  kRelation,  // text: "=", "<", "<=", ">", ">=", "!=", "in", "~"; kids: lhs, rhs
  kMatrix,    // rows x cols kids, row-major
  kChain,     // a < x <= b; text: the two ops "< <="; kids: a, x, b
};

struct LatexNode {
  NodeKind kind = NodeKind::kNumber;
  char open = 0;  // kTuple brackets
  char close = 0;
  int base = 10;  // kBaseNumber
  int rows = 0;   // kMatrix
  int cols = 0;
  std::string text;
  std::vector<int> kids;
};

struct LatexAst {
  std::vector<LatexNode> nodes;
  int root = -1;
  const LatexNode& at(int i) const { return nodes[static_cast<size_t>(i)]; }
};

// True for kinds that evaluate to one number (possibly with \pm variants).
inline bool IsScalarKind(NodeKind k) { return k <= NodeKind::kCeil; }

}  // namespace rlzero::verifiers::math
