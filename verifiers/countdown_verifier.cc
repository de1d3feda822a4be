// verifiers/countdown_verifier.cc: tokenizer, recursive-descent parser and
// exact rational evaluator for Countdown equations.
#include "verifiers/countdown_verifier.h"

#include <algorithm>
#include <optional>

#include "verifiers/answer_tags.h"

namespace rlzero::verifiers {
namespace {

using i128 = __int128;

// p/q in lowest terms, q > 0. Every operation reports overflow instead of
// wrapping, so a hostile equation cannot make a wrong value look right.
struct Rational {
  i128 p = 0;
  i128 q = 1;
};

i128 Gcd(i128 a, i128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    i128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

bool Normalize(Rational* r) {
  if (r->q == 0) return false;
  if (r->q < 0) {
    r->p = -r->p;
    r->q = -r->q;
  }
  i128 g = Gcd(r->p, r->q);
  if (g > 1) {
    r->p /= g;
    r->q /= g;
  }
  return true;
}

bool Mul(i128 a, i128 b, i128* out) { return !__builtin_mul_overflow(a, b, out); }
bool Add(i128 a, i128 b, i128* out) { return !__builtin_add_overflow(a, b, out); }

enum class Op { kAdd, kSub, kMul, kDiv };

// Returns false on overflow or division by zero (why in *why).
bool Apply(Op op, const Rational& a, const Rational& b, Rational* out, std::string* why) {
  i128 x, y;
  switch (op) {
    case Op::kAdd:
    case Op::kSub: {
      i128 bp = op == Op::kSub ? -b.p : b.p;
      if (!Mul(a.p, b.q, &x) || !Mul(bp, a.q, &y) || !Add(x, y, &out->p) ||
          !Mul(a.q, b.q, &out->q)) {
        *why = "arithmetic overflow";
        return false;
      }
      break;
    }
    case Op::kMul:
      if (!Mul(a.p, b.p, &out->p) || !Mul(a.q, b.q, &out->q)) {
        *why = "arithmetic overflow";
        return false;
      }
      break;
    case Op::kDiv:
      if (b.p == 0) {
        *why = "division by zero";
        return false;
      }
      if (!Mul(a.p, b.q, &out->p) || !Mul(a.q, b.p, &out->q)) {
        *why = "arithmetic overflow";
        return false;
      }
      break;
  }
  return Normalize(out);
}

enum class Tok { kNum, kPlus, kMinus, kTimes, kDivide, kLParen, kRParen, kEquals, kEnd };

struct Token {
  Tok kind;
  i128 value = 0;  // kNum
  size_t pos = 0;  // byte offset, for messages
};

// Splits the equation into tokens; any other character is an error.
bool Tokenize(std::string_view s, std::vector<Token>* out, std::string* why) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token t{Tok::kEnd, 0, i};
    if (c >= '0' && c <= '9') {
      size_t j = i;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      if (j - i > 1 && s[i] == '0') {
        *why = "number with a leading zero at byte " + std::to_string(i);
        return false;
      }
      if (j - i > 30) {
        *why = "number too long at byte " + std::to_string(i);
        return false;
      }
      for (size_t k = i; k < j; ++k) t.value = t.value * 10 + (s[k] - '0');
      t.kind = Tok::kNum;
      out->push_back(t);
      i = j;
      continue;
    }
    size_t len = 1;
    if (c == '+')
      t.kind = Tok::kPlus;
    else if (c == '-')
      t.kind = Tok::kMinus;
    else if (c == '*')
      t.kind = Tok::kTimes;
    else if (c == '/')
      t.kind = Tok::kDivide;
    else if (c == '(')
      t.kind = Tok::kLParen;
    else if (c == ')')
      t.kind = Tok::kRParen;
    else if (c == '=')
      t.kind = Tok::kEquals;
    else if (s.substr(i, 3) == "\xE2\x88\x92")
      t.kind = Tok::kMinus, len = 3;  // U+2212 minus
    else if (s.substr(i, 2) == "\xC3\x97")
      t.kind = Tok::kTimes, len = 2;  // U+00D7 times
    else {
      // Report the whole UTF-8 sequence of the offending character.
      size_t n = 1;
      while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80 && n < 4)
        ++n;
      *why =
          "disallowed character '" + std::string(s.substr(i, n)) + "' at byte " + std::to_string(i);
      return false;
    }
    out->push_back(t);
    i += len;
  }
  out->push_back(Token{Tok::kEnd, 0, s.size()});
  return true;
}

constexpr int kMaxDepth = 256;

// expr := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)* ;
// unary := ('+'|'-') unary | primary ; primary := NUM | '(' expr ')'
class Parser {
 public:
  explicit Parser(const std::vector<Token>& toks) : toks_(toks) {}

  bool Expr(Rational* out, int depth) {
    if (!Term(out, depth)) return false;
    while (Peek() == Tok::kPlus || Peek() == Tok::kMinus) {
      Op op = Next().kind == Tok::kPlus ? Op::kAdd : Op::kSub;
      Rational rhs;
      if (!Term(&rhs, depth)) return false;
      if (!Apply(op, *out, rhs, out, &why)) return false;
    }
    return true;
  }

  Tok Peek() const { return toks_[i_].kind; }
  const Token& Next() { return toks_[i_++]; }
  const Token& Current() const { return toks_[i_]; }

  std::vector<i128> literals;
  std::string why;

 private:
  bool Term(Rational* out, int depth) {
    if (!Unary(out, depth)) return false;
    while (Peek() == Tok::kTimes || Peek() == Tok::kDivide) {
      Op op = Next().kind == Tok::kTimes ? Op::kMul : Op::kDiv;
      Rational rhs;
      if (!Unary(&rhs, depth)) return false;
      if (!Apply(op, *out, rhs, out, &why)) return false;
    }
    return true;
  }

  bool Unary(Rational* out, int depth) {
    if (++depth > kMaxDepth) {
      why = "expression nested too deeply";
      return false;
    }
    if (Peek() == Tok::kPlus || Peek() == Tok::kMinus) {
      bool neg = Next().kind == Tok::kMinus;
      if (!Unary(out, depth)) return false;
      if (neg) out->p = -out->p;
      return true;
    }
    return Primary(out, depth);
  }

  bool Primary(Rational* out, int depth) {
    const Token& t = Next();
    if (t.kind == Tok::kNum) {
      literals.push_back(t.value);
      *out = Rational{t.value, 1};
      return true;
    }
    if (t.kind == Tok::kLParen) {
      if (!Expr(out, depth)) return false;
      if (Next().kind != Tok::kRParen) {
        why = "missing ')'";
        return false;
      }
      return true;
    }
    why = "syntax error at byte " + std::to_string(t.pos);
    return false;
  }

  const std::vector<Token>& toks_;
  size_t i_ = 0;
};

std::string ToString(i128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  std::string s;
  while (v != 0) {
    int d = static_cast<int>(v % 10);
    s.push_back(static_cast<char>('0' + (d < 0 ? -d : d)));
    v /= 10;
  }
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

VerifyResult Wrong(std::string_view equation, std::string reason) {
  VerifyResult r;
  r.extracted = std::string(equation);
  r.reason = std::move(reason);
  return r;
}

class CountdownVerifier : public Verifier {
 public:
  StatusOr<VerifyResult> Verify(const Json& sample, const Deadline&) const override {
    if (!sample.is_object()) return InvalidArgument("countdown: sample is not a JSON object");
    auto response = sample.find("response");
    if (response == sample.end() || !response->is_string())
      return InvalidArgument("countdown: sample field 'response' missing or not a string");
    auto numbers = sample.find("numbers");
    if (numbers == sample.end() || !numbers->is_array())
      return InvalidArgument("countdown: sample field 'numbers' missing or not a list");
    std::vector<int64_t> nums;
    for (const Json& n : *numbers) {
      if (!n.is_number_integer())
        return InvalidArgument("countdown: sample field 'numbers' holds a non-integer: " +
                               n.dump());
      nums.push_back(n.get<int64_t>());
    }
    auto target = sample.find("target");
    if (target == sample.end() || !target->is_number_integer())
      return InvalidArgument("countdown: sample field 'target' missing or not an integer");
    const std::string& text = response->get_ref<const std::string&>();
    auto answer = FindLastTagged(text, "<answer>", "</answer>");
    if (!answer) return Wrong("", "no <answer>...</answer> in the response");
    return CheckCountdownEquation(TrimAscii(*answer), nums, target->get<int64_t>());
  }
};

}  // namespace

VerifyResult CheckCountdownEquation(std::string_view equation, const std::vector<int64_t>& numbers,
                                    int64_t target) {
  equation = TrimAscii(equation);
  if (equation.empty()) return Wrong(equation, "empty answer");
  std::vector<Token> toks;
  std::string why;
  if (!Tokenize(equation, &toks, &why)) return Wrong(equation, why);
  Parser parser(toks);
  Rational value;
  if (!parser.Expr(&value, 0)) return Wrong(equation, parser.why);
  if (parser.Peek() == Tok::kEquals) {
    parser.Next();
    bool neg = false;
    if (parser.Peek() == Tok::kMinus) {
      parser.Next();
      neg = true;
    }
    if (parser.Peek() != Tok::kNum) return Wrong(equation, "'=' must be followed by the target");
    i128 claimed = parser.Next().value;
    if (neg) claimed = -claimed;
    if (claimed != static_cast<i128>(target))
      return Wrong(equation, "claims '= " + ToString(claimed) + "' but the target is " +
                                 std::to_string(target));
  }
  if (parser.Peek() != Tok::kEnd)
    return Wrong(equation, "unexpected token at byte " + std::to_string(parser.Current().pos));
  std::vector<i128> used = parser.literals;
  std::vector<i128> given(numbers.begin(), numbers.end());
  std::sort(used.begin(), used.end());
  std::sort(given.begin(), given.end());
  if (used != given) {
    std::string u, g;
    for (i128 v : used) u += (u.empty() ? "" : ",") + ToString(v);
    for (i128 v : given) g += (g.empty() ? "" : ",") + ToString(v);
    return Wrong(equation, "numbers used [" + u + "] are not exactly the given [" + g + "]");
  }
  if (value.q != 1 || value.p != static_cast<i128>(target)) {
    std::string v = ToString(value.p) + (value.q == 1 ? "" : "/" + ToString(value.q));
    return Wrong(equation, "evaluates to " + v + ", not the target " + std::to_string(target));
  }
  VerifyResult r;
  r.correct = true;
  r.score = 1.0;
  r.extracted = std::string(equation);
  return r;
}

StatusOr<std::unique_ptr<Verifier>> MakeCountdownVerifier(ConfigReader&, const VerifierEnv&) {
  return std::unique_ptr<Verifier>(new CountdownVerifier());
}

}  // namespace rlzero::verifiers
