// verifiers/math/answer_equivalence.cc: structural and numeric comparison of
// two answer trees (see answer_equivalence.h).
#include "verifiers/math/answer_equivalence.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "verifiers/math/expression_evaluator.h"

namespace rlzero::verifiers::math {
namespace {

constexpr int kPoints = 3;       // successful random points needed
constexpr int kMaxAttempts = 8;  // points tried before giving up
constexpr size_t kMaxElements = 64;

// splitmix64: a tiny deterministic generator for evaluation points.
uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Mask of a scalar whose \pm variants are not chosen yet: a \pm answer at that
// point is an unordered set of its variants.
constexpr uint32_t kFree = UINT32_MAX;

struct Element {
  int node;
  uint32_t mask;
};

class Comparer {
 public:
  Comparer(const LatexAst& g, const LatexAst& p, EvalBudget& budget)
      : g_(g), p_(p), budget_(budget) {}

  bool Compare(int gn, uint32_t gmask, int pn, uint32_t pmask) {
    if (!budget_.Charge()) return Fail("deadline exceeded while comparing");
    if (++depth_ > kMaxEvalDepth) {
      --depth_;
      return Fail("answer nested too deeply");
    }
    bool r = CompareInner(gn, gmask, pn, pmask);
    --depth_;
    return r;
  }

  std::string reason;

 private:
  bool Fail(const std::string& why) {
    if (reason.empty()) reason = why;
    return false;
  }

  static bool IsSymbol(const LatexAst& a, int n) { return a.at(n).kind == NodeKind::kSymbol; }
  static bool IsDefinition(const LatexAst& a, int n) {
    const LatexNode& node = a.at(n);
    return node.kind == NodeKind::kRelation &&
           (node.text == "=" || node.text == "in" || node.text == "~") && IsSymbol(a, node.kids[0]);
  }
  static bool IsInequality(const LatexNode& n) {
    return n.text == "<" || n.text == ">" || n.text == "<=" || n.text == ">=";
  }
  static bool IsSetLike(const LatexAst& a, int n, uint32_t mask) {
    NodeKind k = a.at(n).kind;
    return k == NodeKind::kSet || k == NodeKind::kList ||
           (mask == kFree && IsScalarKind(k) && CountPlusMinus(a, n) > 0);
  }

  bool CompareInner(int gn, uint32_t gmask, int pn, uint32_t pmask) {
    const LatexNode& G = g_.at(gn);
    const LatexNode& P = p_.at(pn);
    if (P.kind == NodeKind::kRelation && IsInequality(P) && G.kind == NodeKind::kTuple)
      return CompareInequalityToInterval(/*relation_is_gold=*/false, pn, gn);
    if (G.kind == NodeKind::kRelation && IsInequality(G) && P.kind == NodeKind::kTuple)
      return CompareInequalityToInterval(/*relation_is_gold=*/true, gn, pn);
    // "x = 5" answers "5"; "5" answers a gold "x = 5". A relation whose left side
    // is not a lone symbol ("2+3=5") is a restatement and does not match.
    if (P.kind == NodeKind::kRelation && G.kind != NodeKind::kRelation) {
      if (IsDefinition(p_, pn)) return Compare(gn, gmask, P.kids[1], pmask);
      return Fail("prediction is a relation, gold is not");
    }
    if (G.kind == NodeKind::kRelation && P.kind != NodeKind::kRelation) {
      if (IsDefinition(g_, gn)) return Compare(G.kids[1], gmask, pn, pmask);
      return Fail("gold is a relation, prediction is not");
    }
    if (G.kind == NodeKind::kRelation) return CompareRelations(gn, pn);
    if (G.kind == NodeKind::kChain || P.kind == NodeKind::kChain) return CompareChains(gn, pn);
    // Base-n numerals: the digits must be those of the gold numeral.
    if (G.kind == NodeKind::kBaseNumber) {
      if (P.kind == NodeKind::kNumber) return P.text == G.text || Fail("numeral digits differ");
      if (P.kind != NodeKind::kBaseNumber || P.base != G.base) return Fail("numeral base differs");
    }
    bool g_setlike = IsSetLike(g_, gn, gmask), p_setlike = IsSetLike(p_, pn, pmask);
    if (g_setlike || p_setlike) {
      // A bare gold list also accepts a parenthesised tuple of the same items.
      if (g_setlike && (p_setlike || (G.kind == NodeKind::kList && P.kind == NodeKind::kTuple)))
        return CompareUnordered(gn, pn);
      if (G.kind == NodeKind::kTuple && P.kind == NodeKind::kList && G.open == '(' &&
          G.close == ')')
        return CompareOrdered(G.kids, P.kids);
      return Fail("one answer is a set or list, the other is not");
    }
    if (IsScalarKind(G.kind) && IsScalarKind(P.kind)) return CompareScalars(gn, gmask, pn, pmask);
    switch (G.kind) {
      case NodeKind::kTuple:
        if (P.kind != NodeKind::kTuple)
          return Fail("gold is a tuple or interval, prediction is not");
        if (G.open != P.open || G.close != P.close) return Fail("brackets differ");
        return CompareOrdered(G.kids, P.kids);
      case NodeKind::kUnion:
        if (P.kind != NodeKind::kUnion) return Fail("gold is a union, prediction is not");
        return CompareUnordered(gn, pn);
      case NodeKind::kMatrix:
        if (P.kind != NodeKind::kMatrix) return Fail("gold is a matrix, prediction is not");
        if (G.rows != P.rows || G.cols != P.cols) return Fail("matrix shapes differ");
        return CompareOrdered(G.kids, P.kids);
      default:
        return Fail("answers have different structure");
    }
  }

  // "x < 3" against "(-\infty, 3)", "x >= 2" against "[2, \infty)".
  bool CompareInequalityToInterval(bool relation_is_gold, int rel, int interval) {
    const LatexAst& ra = relation_is_gold ? g_ : p_;
    const LatexAst& ia = relation_is_gold ? p_ : g_;
    const LatexNode& R = ra.at(rel);
    const LatexNode& I = ia.at(interval);
    if (I.kids.size() != 2) return Fail("an inequality against a tuple that is not an interval");
    std::string op = R.text;
    int bound;
    if (IsSymbol(ra, R.kids[0])) {
      bound = R.kids[1];
    } else if (IsSymbol(ra, R.kids[1])) {
      bound = R.kids[0];
      op = op == "<" ? ">" : op == ">" ? "<" : op == "<=" ? ">=" : op == ">=" ? "<=" : op;
    } else {
      return Fail("an inequality that does not bound one variable");
    }
    bool upper = op == "<" || op == "<=";
    if (!upper && op != ">" && op != ">=") return Fail("a relation against an interval");
    bool closed = op == "<=" || op == ">=";
    // The unbounded end must be the matching infinity with a round bracket.
    int inf_side = upper ? I.kids[0] : I.kids[1];
    int bound_side = upper ? I.kids[1] : I.kids[0];
    if (InfinitySign(ia, inf_side) != (upper ? -1 : 1))
      return Fail("interval is bounded on both sides");
    if ((upper ? I.open : I.close) != (upper ? '(' : ')')) return Fail("brackets differ");
    char bracket = upper ? I.close : I.open;
    if ((bracket == ']' || bracket == '[') != closed) return Fail("brackets differ");
    return relation_is_gold ? Compare(bound, kFree, bound_side, kFree)
                            : Compare(bound_side, kFree, bound, kFree);
  }

  // a < x <= b as bounds on x; an interval (a, b] as the same bounds with no
  // variable. Chains and intervals compare by bounds and bracket types.
  struct Bounds {
    int var = -1;  // -1 for an interval
    int lower = -1, upper = -1;
    bool lower_closed = false, upper_closed = false;
  };
  static bool ChainOrIntervalBounds(const LatexAst& a, int n, Bounds* b) {
    const LatexNode& node = a.at(n);
    if (node.kind == NodeKind::kTuple) {
      if (node.kids.size() != 2) return false;
      b->lower = node.kids[0];
      b->upper = node.kids[1];
      b->lower_closed = node.open == '[';
      b->upper_closed = node.close == ']';
      return true;
    }
    if (node.kind != NodeKind::kChain) return false;
    size_t space = node.text.find(' ');
    std::string op1 = node.text.substr(0, space), op2 = node.text.substr(space + 1);
    bool ascending = op1[0] == '<';
    b->var = node.kids[1];
    b->lower = ascending ? node.kids[0] : node.kids[2];
    b->upper = ascending ? node.kids[2] : node.kids[0];
    b->lower_closed = (ascending ? op1 : op2).size() == 2;
    b->upper_closed = (ascending ? op2 : op1).size() == 2;
    return true;
  }

  bool CompareChains(int gn, int pn) {
    Bounds gb, pb;
    if (!ChainOrIntervalBounds(g_, gn, &gb) || !ChainOrIntervalBounds(p_, pn, &pb))
      return Fail("an inequality chain against a different structure");
    if (gb.lower_closed != pb.lower_closed || gb.upper_closed != pb.upper_closed)
      return Fail("brackets differ");
    if ((gb.var >= 0 && !IsSymbol(g_, gb.var)) || (pb.var >= 0 && !IsSymbol(p_, pb.var)))
      return Fail("an inequality chain that does not bound one variable");
    if (gb.var >= 0 && pb.var >= 0 && !Compare(gb.var, kFree, pb.var, kFree))
      return Fail("variables differ");
    return (Compare(gb.lower, kFree, pb.lower, kFree) &&
            Compare(gb.upper, kFree, pb.upper, kFree)) ||
           Fail("bounds differ");
  }

  bool CompareOrdered(const std::vector<int>& gk, const std::vector<int>& pk) {
    if (gk.size() != pk.size()) return Fail("different number of components");
    for (size_t i = 0; i < gk.size(); ++i)
      if (!Compare(gk[i], kFree, pk[i], kFree))
        return Fail("component " + std::to_string(i + 1) + " differs");
    return true;
  }

  // Members of a set-like node, with \pm answers expanded into their variants.
  bool Elements(const LatexAst& a, int n, std::vector<Element>* out) {
    const LatexNode& node = a.at(n);
    std::vector<int> members;
    if (node.kind == NodeKind::kSet || node.kind == NodeKind::kList ||
        node.kind == NodeKind::kUnion || node.kind == NodeKind::kTuple)
      members = node.kids;
    else
      members.push_back(n);
    for (int m : members) {
      int pm = IsScalarKind(a.at(m).kind) ? CountPlusMinus(a, m) : 0;
      if (pm > kMaxPlusMinus) return Fail("too many \\pm signs");
      for (uint32_t mask = 0; mask < (1u << pm); ++mask) out->push_back({m, mask});
      if (out->size() > kMaxElements) return Fail("too many elements");
    }
    return true;
  }

  // Multiset equality by greedy matching (equivalence is transitive enough
  // for answers; sizes are capped at kMaxElements).
  bool CompareUnordered(int gn, int pn) {
    std::vector<Element> ge, pe;
    if (!Elements(g_, gn, &ge) || !Elements(p_, pn, &pe)) return false;
    if (ge.size() != pe.size()) return Fail("different number of elements");
    std::vector<bool> used(pe.size(), false);
    for (const Element& g : ge) {
      bool found = false;
      for (size_t j = 0; j < pe.size() && !found; ++j) {
        if (used[j]) continue;
        std::string saved = reason;
        if (Compare(g.node, g.mask, pe[j].node, pe[j].mask)) {
          used[j] = found = true;
        } else {
          reason = saved;
          if (budget_.exhausted()) return Fail("deadline exceeded while comparing");
        }
      }
      if (!found) return Fail("an element of the gold answer is missing");
    }
    return true;
  }

  bool CompareRelations(int gn, int pn) {
    const LatexNode& G = g_.at(gn);
    const LatexNode& P = p_.at(pn);
    auto flipped = [](const std::string& op) -> std::string {
      if (op == "<") return ">";
      if (op == ">") return "<";
      if (op == "<=") return ">=";
      if (op == ">=") return "<=";
      return op;
    };
    bool symmetric = G.text == "=" || G.text == "!=" || G.text == "~";
    std::string saved = reason;
    if (G.text == P.text && Compare(G.kids[0], kFree, P.kids[0], kFree) &&
        Compare(G.kids[1], kFree, P.kids[1], kFree))
      return true;
    reason = saved;
    if (flipped(G.text) == P.text && (symmetric || G.text != P.text) &&
        Compare(G.kids[0], kFree, P.kids[1], kFree) && Compare(G.kids[1], kFree, P.kids[0], kFree))
      return true;
    reason = saved;
    if (G.text == "=" && P.text == "=") return ProportionalEquations(G, P);
    return Fail("relations differ");
  }

  // a=b and c=d with variables: equal when (a-b) = k (c-d) for a constant k != 0.
  bool ProportionalEquations(const LatexNode& G, const LatexNode& P) {
    for (int k : {G.kids[0], G.kids[1]})
      if (!IsScalarKind(g_.at(k).kind) || CountPlusMinus(g_, k)) return Fail("equations differ");
    for (int k : {P.kids[0], P.kids[1]})
      if (!IsScalarKind(p_.at(k).kind) || CountPlusMinus(p_, k)) return Fail("equations differ");
    std::vector<std::string> vars;
    CollectSymbols(g_, G.kids[0], &vars);
    CollectSymbols(g_, G.kids[1], &vars);
    CollectSymbols(p_, P.kids[0], &vars);
    CollectSymbols(p_, P.kids[1], &vars);
    if (vars.empty()) return Fail("equations differ");
    uint64_t rng = 0x5EED;
    int good = 0;
    Value ratio;
    bool have_ratio = false;
    for (int attempt = 0; attempt < kMaxAttempts && good < kPoints; ++attempt) {
      Assignment point = RandomPoint(vars, rng, attempt);
      Value gl, gr, pl, pr, dg, dp;
      std::string err;
      if (!EvaluateScalar(g_, G.kids[0], point, 0, budget_, &gl, &err) ||
          !EvaluateScalar(g_, G.kids[1], point, 0, budget_, &gr, &err) ||
          !EvaluateScalar(p_, P.kids[0], point, 0, budget_, &pl, &err) ||
          !EvaluateScalar(p_, P.kids[1], point, 0, budget_, &pr, &err)) {
        if (budget_.exhausted()) return Fail("deadline exceeded while comparing");
        continue;
      }
      Difference(gl, gr, &dg);
      Difference(pl, pr, &dp);
      if (IsZero(dg) != IsZero(dp)) return Fail("equations differ");
      if (IsZero(dg)) continue;
      Value r;
      Quotient(dp, dg, &r);
      if (!have_ratio) {
        ratio = r;
        have_ratio = true;
      } else if (!ValuesEqual(ratio, r)) {
        return Fail("equations differ");
      }
      ++good;
    }
    return good >= 2 || Fail("equations could not be compared");
  }

  static void Difference(const Value& a, const Value& b, Value* out) {
    if (a.exact && b.exact) {
      out->exact = true;
      out->re = a.re - b.re;
      out->im = a.im - b.im;
    } else {
      out->exact = false;
      out->z = a.Numeric() - b.Numeric();
    }
  }
  static void Quotient(const Value& a, const Value& b, Value* out) {
    if (a.exact && b.exact && sgn(b.im) == 0 && sgn(a.im) == 0) {
      out->exact = true;
      out->re = a.re / b.re;
      out->im = 0;
    } else {
      out->exact = false;
      out->z = a.Numeric() / b.Numeric();
    }
  }

  // Point number `attempt`: each variable alternates sign between consecutive
  // points (so |x| != x is seen), magnitudes are pseudo-random rationals.
  static Assignment RandomPoint(const std::vector<std::string>& vars, uint64_t& rng, int attempt) {
    Assignment point;
    point.reserve(vars.size());
    for (size_t vi = 0; vi < vars.size(); ++vi) {
      const std::string& v = vars[vi];
      uint64_t r = SplitMix(rng);
      long num = static_cast<long>(r % 199) + 2;         // 2..200
      long den = static_cast<long>((r >> 32) % 37) + 1;  // 1..37
      if ((static_cast<size_t>(attempt) + vi) % 2 == 1) num = -num;
      point.emplace_back(v, mpq_class(num, den));
      point.back().second.canonicalize();
    }
    return point;
  }

  // +1 / -1 for a literal (signed) infinity, 0 otherwise.
  static int InfinitySign(const LatexAst& a, int n) {
    const LatexNode& node = a.at(n);
    if (node.kind == NodeKind::kInfinity) return 1;
    if (node.kind == NodeKind::kNeg && a.at(node.kids[0]).kind == NodeKind::kInfinity) return -1;
    return 0;
  }

  bool CompareScalars(int gn, uint32_t gmask, int pn, uint32_t pmask) {
    if (ContainsInfinity(g_, gn) || ContainsInfinity(p_, pn)) {
      int gs = InfinitySign(g_, gn), ps = InfinitySign(p_, pn);
      return (gs != 0 && gs == ps) || Fail("infinities differ");
    }
    std::vector<std::string> vars;
    CollectSymbols(g_, gn, &vars);
    CollectSymbols(p_, pn, &vars);
    uint64_t rng = 0xC0FFEE;
    int need = vars.empty() ? 1 : kPoints;
    int good = 0;
    std::string gold_error;
    for (int attempt = 0; attempt < kMaxAttempts && good < need; ++attempt) {
      Assignment point = RandomPoint(vars, rng, attempt);
      Value gv, pv;
      std::string gerr, perr;
      bool gok = EvaluateScalar(g_, gn, point, gmask == kFree ? 0 : gmask, budget_, &gv, &gerr);
      bool pok =
          gok && EvaluateScalar(p_, pn, point, pmask == kFree ? 0 : pmask, budget_, &pv, &perr);
      if (budget_.exhausted()) return Fail("deadline exceeded while evaluating");
      if (!gok) {
        gold_error = gerr;
        if (vars.empty()) break;
        continue;
      }
      if (!pok) {
        // Defined for the gold but not for the prediction at a generic point.
        if (vars.empty()) return Fail("prediction cannot be evaluated: " + perr);
        continue;
      }
      if (!ValuesEqual(gv, pv)) return Fail(vars.empty() ? "values differ" : "expressions differ");
      ++good;
    }
    if (good >= std::min(need, 2) && good > 0) return true;
    if (!gold_error.empty()) return Fail("gold cannot be evaluated: " + gold_error);
    return Fail("expressions could not be compared");
  }

  const LatexAst& g_;
  const LatexAst& p_;
  EvalBudget& budget_;
  int depth_ = 0;
};

}  // namespace

Equivalence AnswersEquivalent(const LatexAst& gold, const LatexAst& pred, EvalBudget& budget) {
  Comparer c(gold, pred, budget);
  Equivalence e;
  e.equal = c.Compare(gold.root, kFree, pred.root, kFree);
  if (!e.equal) e.reason = c.reason.empty() ? "not equivalent" : c.reason;
  return e;
}

}  // namespace rlzero::verifiers::math
