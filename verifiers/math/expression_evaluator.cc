// verifiers/math/expression_evaluator.cc: exact-then-numeric evaluation of
// scalar LaTeX subtrees (see expression_evaluator.h).
#include "verifiers/math/expression_evaluator.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace rlzero::verifiers::math {
namespace {

constexpr long double kPi = 3.141592653589793238462643383279502884L;

int64_t Bits(const mpq_class& q) {
  return static_cast<int64_t>(mpz_sizeinbase(q.get_num_mpz_t(), 2) +
                              mpz_sizeinbase(q.get_den_mpz_t(), 2));
}
int64_t Bits(const Value& v) { return v.exact ? Bits(v.re) + Bits(v.im) : 2; }

// mpq -> long double without overflowing the double range.
long double ToLongDouble(const mpq_class& q) {
  if (sgn(q) == 0) return 0;
  long en = 0, ed = 0;
  double mn = mpz_get_d_2exp(&en, q.get_num_mpz_t());
  double md = mpz_get_d_2exp(&ed, q.get_den_mpz_t());
  return std::ldexp(static_cast<long double>(mn) / md,
                    static_cast<int>(std::clamp(en - ed, -100000L, 100000L)));
}

bool IsReal(const Value& v) {
  return v.exact ? sgn(v.im) == 0 : std::abs(v.z.imag()) <= 1e-15L * (1 + std::abs(v.z.real()));
}
bool IsInteger(const Value& v) { return v.exact && sgn(v.im) == 0 && v.re.get_den() == 1; }

Value Exact(mpq_class re, mpq_class im = 0) {
  Value v;
  v.exact = true;
  v.re = std::move(re);
  v.im = std::move(im);
  return v;
}
Value Numeric(Complex z) {
  Value v;
  v.exact = false;
  v.z = z;
  return v;
}

class Evaluator {
 public:
  Evaluator(const LatexAst& ast, const Assignment& vars, uint32_t pm_mask, EvalBudget& budget)
      : ast_(ast), vars_(vars), pm_mask_(pm_mask), budget_(budget) {}

  bool Eval(int node, Value* out) {
    if (++depth_ > kMaxEvalDepth) return Fail("expression too deep to evaluate");
    bool ok = EvalNode(node, out);
    --depth_;
    // Past the width cap a value continues as a long double approximation.
    if (ok && out->exact && Bits(*out) > kMaxExactBits) *out = Numeric(out->Numeric());
    return ok;
  }

  const std::string& error() const { return error_; }

 private:
  bool Fail(const std::string& what) {
    if (error_.empty()) error_ = what;
    return false;
  }
  bool Charge(int64_t bits) {
    if (budget_.Charge(1 + bits / 256)) return true;
    return Fail("deadline exceeded while evaluating");
  }

  bool EvalNode(int node, Value* out) {
    const LatexNode& n = ast_.at(node);
    if (!Charge(0)) return false;
    switch (n.kind) {
      case NodeKind::kNumber:
        return ParseNumber(n.text, out);
      case NodeKind::kBaseNumber: {
        for (char c : n.text)
          if (c < '0' || c > '9' || c - '0' >= n.base)
            return Fail("digit '" + std::string(1, c) + "' invalid in base " +
                        std::to_string(n.base));
        mpz_class z;
        if (n.text.size() > 4096 || z.set_str(n.text, n.base) != 0)
          return Fail("bad numeral " + n.text);
        *out = Exact(mpq_class(z));
        return true;
      }
      case NodeKind::kSymbol:
        for (const auto& [name, value] : vars_) {
          if (name == n.text) {
            *out = Exact(value);
            return true;
          }
        }
        return Fail("unbound symbol '" + n.text + "'");
      case NodeKind::kPi:
        *out = Numeric(Complex(kPi, 0));
        return true;
      case NodeKind::kImaginary:
        *out = Exact(0, 1);
        return true;
      case NodeKind::kInfinity:
        return Fail("infinity inside arithmetic");
      case NodeKind::kAdd:
      case NodeKind::kMul: {
        if (!Eval(n.kids[0], out)) return false;
        for (size_t k = 1; k < n.kids.size(); ++k) {
          Value rhs;
          if (!Eval(n.kids[k], &rhs)) return false;
          if (!Charge(Bits(*out) + Bits(rhs))) return false;
          if (n.kind == NodeKind::kAdd)
            Add(*out, rhs, out);
          else
            Mul(*out, rhs, out);
        }
        return true;
      }
      case NodeKind::kNeg:
        if (!Eval(n.kids[0], out)) return false;
        if (out->exact) {
          out->re = -out->re;
          out->im = -out->im;
        } else {
          out->z = -out->z;
        }
        return true;
      case NodeKind::kDiv: {
        Value a, b;
        if (!Eval(n.kids[0], &a) || !Eval(n.kids[1], &b)) return false;
        if (!Charge(Bits(a) + Bits(b))) return false;
        return Div(a, b, out);
      }
      case NodeKind::kPlusMinus: {
        Value a, b;
        if (!Eval(n.kids[0], &a)) return false;
        int index = pm_index_++;
        if (index >= kMaxPlusMinus) return Fail("too many \\pm signs");
        if (!Eval(n.kids[1], &b)) return false;
        bool minus = ((pm_mask_ >> index) & 1u) != 0;
        if (n.text == "-") minus = !minus;
        if (minus) {
          if (b.exact)
            b.re = -b.re, b.im = -b.im;
          else
            b.z = -b.z;
        }
        Add(a, b, out);
        return true;
      }
      case NodeKind::kPow: {
        Value a, b;
        if (!Eval(n.kids[0], &a) || !Eval(n.kids[1], &b)) return false;
        return Pow(a, b, out);
      }
      case NodeKind::kRoot: {
        Value a, index = Exact(2);
        if (!Eval(n.kids[0], &a)) return false;
        if (n.kids.size() > 1 && !Eval(n.kids[1], &index)) return false;
        if (!IsInteger(index) || sgn(index.re) <= 0)
          return Fail("root index must be a positive integer");
        Value exponent = Exact(mpq_class(1, 1) / index.re);
        return Pow(a, exponent, out);
      }
      case NodeKind::kFunc:
        return Function(n, out);
      case NodeKind::kFactorial: {
        Value a;
        if (!Eval(n.kids[0], &a)) return false;
        if (!IsInteger(a) || sgn(a.re) < 0) return Fail("factorial of a non-natural number");
        if (a.re > kMaxFactorial)
          return Fail("factorial argument above " + std::to_string(kMaxFactorial));
        mpz_class f;
        mpz_fac_ui(f.get_mpz_t(), a.re.get_num().get_ui());
        if (!Charge(static_cast<int64_t>(mpz_sizeinbase(f.get_mpz_t(), 2)) * 4)) return false;
        *out = Exact(mpq_class(f));
        return true;
      }
      case NodeKind::kBinom: {
        Value a, b;
        if (!Eval(n.kids[0], &a) || !Eval(n.kids[1], &b)) return false;
        if (!IsInteger(a) || !IsInteger(b) || sgn(a.re) < 0 || sgn(b.re) < 0)
          return Fail("binomial of non-natural numbers");
        if (b.re > a.re) {
          *out = Exact(0);
          return true;
        }
        mpz_class nn = a.re.get_num(), kk = b.re.get_num();
        mpz_class k = std::min<mpz_class>(kk, nn - kk);
        if (!nn.fits_ulong_p() || k > 5000 || nn > 1000000)
          return Fail("binomial arguments too large");
        mpz_class r;
        mpz_bin_uiui(r.get_mpz_t(), nn.get_ui(), k.get_ui());
        *out = Exact(mpq_class(r));
        return true;
      }
      case NodeKind::kAbs: {
        Value a;
        if (!Eval(n.kids[0], &a)) return false;
        if (a.exact && sgn(a.im) == 0)
          *out = Exact(abs(a.re));
        else
          *out = Numeric(Complex(std::abs(a.Numeric()), 0));
        return true;
      }
      case NodeKind::kFloor:
      case NodeKind::kCeil: {
        Value a;
        if (!Eval(n.kids[0], &a)) return false;
        if (!IsReal(a)) return Fail("floor/ceiling of a complex number");
        bool floor = n.kind == NodeKind::kFloor;
        if (a.exact) {
          mpz_class q;
          if (floor)
            mpz_fdiv_q(q.get_mpz_t(), a.re.get_num_mpz_t(), a.re.get_den_mpz_t());
          else
            mpz_cdiv_q(q.get_mpz_t(), a.re.get_num_mpz_t(), a.re.get_den_mpz_t());
          *out = Exact(mpq_class(q));
        } else {
          long double x = a.z.real();
          if (!std::isfinite(x) || std::abs(x) > 1e18L)
            return Fail("floor/ceiling of a huge number");
          long double r = floor ? std::floor(x) : std::ceil(x);
          *out = Exact(mpq_class(static_cast<double>(r)));
        }
        return true;
      }
      default:
        return Fail("a tuple, set, relation or matrix where a number was expected");
    }
  }

  // "12", "0.5", ".5", "1.5e3" -> exact rational.
  bool ParseNumber(const std::string& text, Value* out) {
    std::string digits;
    long frac_digits = 0, exp10 = 0;
    size_t i = 0;
    bool in_frac = false;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (c >= '0' && c <= '9') {
        digits += c;
        if (in_frac) ++frac_digits;
      } else if (c == '.' && !in_frac) {
        in_frac = true;
      } else {
        break;
      }
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
      std::string e = text.substr(i + 1);
      if (e.size() > 6) return Fail("exponent of " + text + " too large");
      exp10 = std::strtol(e.c_str(), nullptr, 10);
    }
    if (digits.empty() || digits.size() > 4000) return Fail("bad number '" + text + "'");
    long shift = exp10 - frac_digits;
    if (std::labs(shift) > 2000) return Fail("number '" + text + "' out of range");
    mpz_class mant(digits, 10);
    mpz_class scale;
    mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(std::labs(shift)));
    mpq_class q = shift >= 0 ? mpq_class(mant * scale) : mpq_class(mant, scale);
    q.canonicalize();
    *out = Exact(q);
    return true;
  }

  static void Add(const Value& a, const Value& b, Value* out) {
    if (a.exact && b.exact) {
      mpq_class re = a.re + b.re, im = a.im + b.im;
      *out = Exact(std::move(re), std::move(im));
    } else {
      *out = Numeric(a.Numeric() + b.Numeric());
    }
  }
  static void Mul(const Value& a, const Value& b, Value* out) {
    if (a.exact && b.exact) {
      if (sgn(a.im) == 0 && sgn(b.im) == 0) {
        mpq_class re = a.re * b.re;
        *out = Exact(std::move(re));
      } else {
        mpq_class re = a.re * b.re - a.im * b.im;
        mpq_class im = a.re * b.im + a.im * b.re;
        *out = Exact(std::move(re), std::move(im));
      }
    } else {
      *out = Numeric(a.Numeric() * b.Numeric());
    }
  }
  bool Div(const Value& a, const Value& b, Value* out) {
    if (b.exact) {
      if (sgn(b.re) == 0 && sgn(b.im) == 0) return Fail("division by zero");
      if (a.exact) {
        if (sgn(b.im) == 0) {
          *out = Exact(a.re / b.re, a.im / b.re);
        } else {
          mpq_class d = b.re * b.re + b.im * b.im;
          *out = Exact((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
        }
        return true;
      }
    }
    Complex den = b.Numeric();
    if (den == Complex(0, 0)) return Fail("division by zero");
    *out = Numeric(a.Numeric() / den);
    return true;
  }

  // Integer power of an exact value by repeated squaring, bit-capped.
  bool ExactIntPow(const Value& base, long n, Value* out) {
    bool invert = n < 0;
    unsigned long e = static_cast<unsigned long>(invert ? -n : n);
    if (sgn(base.im) == 0) {
      mpz_class num, den;
      mpz_pow_ui(num.get_mpz_t(), base.re.get_num_mpz_t(), e);
      mpz_pow_ui(den.get_mpz_t(), base.re.get_den_mpz_t(), e);
      if (!Charge(static_cast<int64_t>(mpz_sizeinbase(num.get_mpz_t(), 2)))) return false;
      mpq_class r(num, den);
      r.canonicalize();
      *out = Exact(std::move(r));
    } else {
      Value result = Exact(1), sq = base;
      while (e) {
        if (!Charge(Bits(result) + Bits(sq))) return false;
        if (e & 1) Mul(result, sq, &result);
        e >>= 1;
        if (e) Mul(sq, sq, &sq);
      }
      *out = result;
    }
    if (invert) return Div(Exact(1), *out, out);
    return true;
  }

  // Exact q-th root of a non-negative rational, if it is a perfect power.
  static bool ExactRoot(const mpq_class& x, unsigned long q, mpq_class* out) {
    mpz_class rn, rd;
    if (!mpz_root(rn.get_mpz_t(), x.get_num_mpz_t(), q)) return false;
    if (!mpz_root(rd.get_mpz_t(), x.get_den_mpz_t(), q)) return false;
    *out = mpq_class(rn, rd);
    return true;
  }

  bool Pow(const Value& a, const Value& b, Value* out) {
    if (!Charge(Bits(a) + Bits(b))) return false;
    if (a.exact && b.exact && sgn(b.im) == 0) {
      const mpz_class& p = b.re.get_num();
      const mpz_class& q = b.re.get_den();
      bool base_zero = sgn(a.re) == 0 && sgn(a.im) == 0;
      if (base_zero) {
        if (sgn(b.re) > 0) {
          *out = Exact(0);
          return true;
        }
        return Fail("zero to a non-positive power");
      }
      if (abs(p) <= 10000000L && q <= 64) {
        long pn = p.get_si();
        unsigned long qn = q.get_ui();
        int64_t est = Bits(a) * std::labs(pn) / static_cast<long>(qn);
        if (est <= kMaxExactBits) {
          if (qn == 1) return ExactIntPow(a, pn, out);
          if (sgn(a.im) == 0) {
            mpq_class mag = abs(a.re), root;
            bool negative = sgn(a.re) < 0;
            if (ExactRoot(mag, qn, &root)) {
              Value r;
              if (!negative) {
                r = Exact(root);
              } else if (qn % 2 == 1) {
                r = Exact(-root);  // real odd root
              } else if (qn == 2) {
                r = Exact(0, root);  // sqrt(-4) = 2i
              } else {
                goto numeric;
              }
              return ExactIntPow(r, pn, out);
            }
            if (negative && qn % 2 == 1) {
              // Real odd root of a negative number, numerically.
              long double m = std::pow(ToLongDouble(mag), 1.0L / qn);
              long double v = std::pow(-m, static_cast<long double>(pn));
              *out = Numeric(Complex(v, 0));
              return true;
            }
          }
        }
      }
    }
  numeric:
    Complex x = a.Numeric(), y = b.Numeric();
    if (IsReal(a) && IsReal(b) && x.real() > 0) {
      *out = Numeric(Complex(std::pow(x.real(), y.real()), 0));
    } else if (x == Complex(0, 0)) {
      if (y.real() > 0)
        *out = Exact(0);
      else
        return Fail("zero to a non-positive power");
    } else {
      *out = Numeric(std::pow(x, y));
    }
    return true;
  }

  bool Function(const LatexNode& n, Value* out) {
    Value a;
    if (!Eval(n.kids[0], &a)) return false;
    Complex x = a.Numeric();
    const std::string& f = n.text;
    bool real = IsReal(a);
    long double r = x.real();
    Complex y;
    if (f == "sin")
      y = real ? Complex(std::sin(r)) : std::sin(x);
    else if (f == "cos")
      y = real ? Complex(std::cos(r)) : std::cos(x);
    else if (f == "tan")
      y = real ? Complex(std::tan(r)) : std::tan(x);
    else if (f == "sec")
      y = Complex(1) / (real ? Complex(std::cos(r)) : std::cos(x));
    else if (f == "csc")
      y = Complex(1) / (real ? Complex(std::sin(r)) : std::sin(x));
    else if (f == "cot")
      y = (real ? Complex(std::cos(r) / std::sin(r)) : std::cos(x) / std::sin(x));
    else if (f == "arcsin")
      y = real && std::abs(r) <= 1 ? Complex(std::asin(r)) : std::asin(x);
    else if (f == "arccos")
      y = real && std::abs(r) <= 1 ? Complex(std::acos(r)) : std::acos(x);
    else if (f == "arctan")
      y = real ? Complex(std::atan(r)) : std::atan(x);
    else if (f == "sinh")
      y = std::sinh(x);
    else if (f == "cosh")
      y = std::cosh(x);
    else if (f == "tanh")
      y = std::tanh(x);
    else if (f == "exp")
      y = std::exp(x);
    else if (f == "ln" || f == "log") {
      if (x == Complex(0, 0)) return Fail("logarithm of zero");
      y = real && r > 0 ? Complex(std::log(r)) : std::log(x);
      Complex base_log = f == "ln" ? Complex(1) : Complex(std::log(10.0L));
      if (n.kids.size() > 1) {
        Value b;
        if (!Eval(n.kids[1], &b)) return false;
        Complex bz = b.Numeric();
        if (bz == Complex(0, 0) || bz == Complex(1, 0)) return Fail("bad logarithm base");
        base_log = IsReal(b) && bz.real() > 0 ? Complex(std::log(bz.real())) : std::log(bz);
      }
      y /= base_log;
    } else {
      return Fail("unknown function '" + f + "'");
    }
    // Exact where the argument makes the answer obvious (sin 0, ln 1, ...).
    if (a.exact && sgn(a.im) == 0) {
      if (sgn(a.re) == 0 && (f == "sin" || f == "tan" || f == "arcsin" || f == "arctan" ||
                             f == "sinh" || f == "tanh")) {
        *out = Exact(0);
        return true;
      }
      if (sgn(a.re) == 0 && (f == "cos" || f == "cosh" || f == "exp")) {
        *out = Exact(1);
        return true;
      }
      if (a.re == 1 && (f == "ln" || f == "log")) {
        *out = Exact(0);
        return true;
      }
    }
    *out = Numeric(y);
    return true;
  }

  const LatexAst& ast_;
  const Assignment& vars_;
  uint32_t pm_mask_;
  EvalBudget& budget_;
  int pm_index_ = 0;
  int depth_ = 0;
  std::string error_;
};

// Calls fn(node) for every node of a subtree, iteratively (trees built from
// "a/b/c/..." can be deep).
template <typename Fn>
void ForEachNode(const LatexAst& ast, int root, Fn fn) {
  if (root < 0) return;
  std::vector<int> stack{root};
  while (!stack.empty()) {
    int node = stack.back();
    stack.pop_back();
    fn(ast.at(node));
    for (int k : ast.at(node).kids) stack.push_back(k);
  }
}

}  // namespace

Complex Value::Numeric() const {
  if (!exact) return z;
  return Complex(ToLongDouble(re), ToLongDouble(im));
}

bool EvaluateScalar(const LatexAst& ast, int node, const Assignment& vars, uint32_t pm_mask,
                    EvalBudget& budget, Value* out, std::string* error) {
  Evaluator ev(ast, vars, pm_mask, budget);
  if (ev.Eval(node, out)) return true;
  if (error) *error = ev.error();
  return false;
}

void CollectSymbols(const LatexAst& ast, int node, std::vector<std::string>* names) {
  ForEachNode(ast, node, [&](const LatexNode& n) {
    if (n.kind == NodeKind::kSymbol &&
        std::find(names->begin(), names->end(), n.text) == names->end())
      names->push_back(n.text);
  });
}

int CountPlusMinus(const LatexAst& ast, int node) {
  int count = 0;
  ForEachNode(ast, node, [&](const LatexNode& n) { count += n.kind == NodeKind::kPlusMinus; });
  return count;
}

bool ContainsInfinity(const LatexAst& ast, int node) {
  bool found = false;
  ForEachNode(ast, node, [&](const LatexNode& n) { found |= n.kind == NodeKind::kInfinity; });
  return found;
}

bool ValuesEqual(const Value& a, const Value& b) {
  if (a.exact && b.exact) return a.re == b.re && a.im == b.im;
  Complex x = a.Numeric(), y = b.Numeric();
  if (!std::isfinite(x.real()) || !std::isfinite(x.imag()) || !std::isfinite(y.real()) ||
      !std::isfinite(y.imag()))
    return false;
  long double scale = std::max(std::abs(x), std::abs(y));
  return std::abs(x - y) <= 1e-9L * scale + 1e-12L;
}

bool IsZero(const Value& v) {
  if (v.exact) return sgn(v.re) == 0 && sgn(v.im) == 0;
  return std::abs(v.z) <= 1e-12L;
}

}  // namespace rlzero::verifiers::math
