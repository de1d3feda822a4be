// verifiers/math/latex_parser.cc: recursive-descent parser for normalised
// LaTeX answers (see latex_parser.h for the grammar; tokens from
// latex_lexer.h).
//
// Errors are reported by setting `error_` once and returning -1 up the call
// chain; nothing throws. Depth and budget are checked on every descent.
#include "verifiers/math/latex_parser.h"

#include <cctype>
#include <cstring>
#include <string_view>
#include <utility>

#include "verifiers/math/ascii.h"
#include "verifiers/math/latex_lexer.h"

namespace rlzero::verifiers::math {
namespace {

struct FuncSpec {
  const char* command;
  const char* name;
};
constexpr FuncSpec kFunctions[] = {
    {"\\sin", "sin"},       {"\\cos", "cos"},   {"\\tan", "tan"},       {"\\sec", "sec"},
    {"\\csc", "csc"},       {"\\cot", "cot"},   {"\\arcsin", "arcsin"}, {"\\arccos", "arccos"},
    {"\\arctan", "arctan"}, {"\\sinh", "sinh"}, {"\\cosh", "cosh"},     {"\\tanh", "tanh"},
    {"\\ln", "ln"},         {"\\log", "log"},   {"\\exp", "exp"},
};

constexpr const char* kGreek[] = {
    "\\alpha",  "\\beta",  "\\gamma",    "\\delta", "\\epsilon", "\\varepsilon", "\\zeta",
    "\\eta",    "\\theta", "\\vartheta", "\\iota",  "\\kappa",   "\\lambda",     "\\mu",
    "\\nu",     "\\xi",    "\\rho",      "\\sigma", "\\tau",     "\\upsilon",    "\\phi",
    "\\varphi", "\\chi",   "\\psi",      "\\omega", "\\Gamma",   "\\Delta",      "\\Theta",
    "\\Lambda", "\\Xi",    "\\Sigma",    "\\Phi",   "\\Psi",     "\\Omega",
};

// Wrappers whose content is the value: \mathbf{x} == x.
constexpr const char* kTransparent[] = {"\\mathbf", "\\mathrm", "\\mathit", "\\boldsymbol",
                                        "\\textbf", "\\textrm", "\\text",   "\\mbox",
                                        "\\textit", "\\mathsf", "\\bm",     "\\operatorname*"};

const char* FunctionName(std::string_view cmd) {
  for (const auto& f : kFunctions)
    if (cmd == f.command) return f.name;
  return nullptr;
}

bool IsGreek(std::string_view cmd) {
  for (const char* g : kGreek)
    if (cmd == g) return true;
  return false;
}

bool IsTransparent(std::string_view cmd) {
  for (const char* t : kTransparent)
    if (cmd == t) return true;
  return false;
}

// Relation operators: token text -> canonical op.
const char* RelationOp(const Token& t) {
  if (t.kind == TokKind::kChar) {
    if (t.text == "=") return "=";
    if (t.text == "<") return "<";
    if (t.text == ">") return ">";
    return nullptr;
  }
  if (t.kind != TokKind::kCommand) return nullptr;
  std::string_view c = t.text;
  if (c == "\\le" || c == "\\leq" || c == "\\leqslant") return "<=";
  if (c == "\\ge" || c == "\\geq" || c == "\\geqslant") return ">=";
  if (c == "\\lt") return "<";
  if (c == "\\gt") return ">";
  if (c == "\\ne" || c == "\\neq") return "!=";
  if (c == "\\in") return "in";
  if (c == "\\approx") return "~";
  return nullptr;
}

class Parser {
 public:
  Parser(std::string_view src, EvalBudget& budget) : src_(src), budget_(budget) {
    toks_ = LexLatex(src);
  }

  StatusOr<LatexAst> Run() {
    if (toks_.size() == 1) return InvalidArgument("empty expression");
    int root = ParseList();
    if (root >= 0 && Peek().kind != TokKind::kEnd)
      Fail("unexpected '" + std::string(Peek().text) + "'");
    if (!error_.empty()) return InvalidArgument(error_);
    ast_.root = root;
    return std::move(ast_);
  }

 private:
  // ---- token helpers -------------------------------------------------------
  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  void Advance() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }
  bool IsChar(const Token& t, char c) const {
    return t.kind == TokKind::kChar && t.text.size() == 1 && t.text[0] == c;
  }
  bool IsCmd(const Token& t, const char* name) const {
    return t.kind == TokKind::kCommand && t.text == name;
  }
  bool AcceptChar(char c) {
    if (!IsChar(Peek(), c)) return false;
    Advance();
    return true;
  }
  bool AcceptCmd(const char* name) {
    if (!IsCmd(Peek(), name)) return false;
    Advance();
    return true;
  }
  int Fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at offset " + std::to_string(Peek().offset);
    return -1;
  }
  bool Ok() const { return error_.empty(); }

  int NewNode(NodeKind kind, std::vector<int> kids = {}, std::string text = "") {
    LatexNode n;
    n.kind = kind;
    n.kids = std::move(kids);
    n.text = std::move(text);
    ast_.nodes.push_back(std::move(n));
    return static_cast<int>(ast_.nodes.size()) - 1;
  }

  // Guards every recursive descent: depth cap and time budget.
  struct DepthGuard {
    Parser* p;
    bool ok;
    explicit DepthGuard(Parser* parser) : p(parser) {
      ok = ++p->depth_ <= kMaxParseDepth && p->budget_.Charge();
      if (!ok) {
        if (p->budget_.exhausted())
          p->Fail("deadline exceeded while parsing");
        else
          p->Fail("expression nested deeper than " + std::to_string(kMaxParseDepth));
      }
    }
    ~DepthGuard() { --p->depth_; }
  };

  // ---- grammar -------------------------------------------------------------
  int ParseList() {
    DepthGuard g(this);
    if (!g.ok) return -1;
    int first = ParseRelation();
    if (first < 0) return -1;
    if (!IsChar(Peek(), ',')) return first;
    std::vector<int> items{first};
    while (AcceptChar(',')) {
      if (!budget_.Charge()) return Fail("deadline exceeded while parsing");
      int next = ParseRelation();
      if (next < 0) return -1;
      items.push_back(next);
    }
    return NewNode(NodeKind::kList, std::move(items));
  }

  int ParseRelation() {
    DepthGuard g(this);
    if (!g.ok) return -1;
    int lhs = ParseUnion();
    if (lhs < 0) return -1;
    const char* op = RelationOp(Peek());
    if (!op) return lhs;
    Advance();
    int rhs = ParseUnion();
    if (rhs < 0) return -1;
    if (const char* op2 = RelationOp(Peek())) {
      // a < x <= b: a chain of two inequalities pointing the same way.
      auto less = [](const std::string& o) { return o == "<" || o == "<="; };
      auto greater = [](const std::string& o) { return o == ">" || o == ">="; };
      if (!((less(op) && less(op2)) || (greater(op) && greater(op2))))
        return Fail("chained relations other than a < x < b are not supported");
      Advance();
      int third = ParseUnion();
      if (third < 0) return -1;
      if (RelationOp(Peek())) return Fail("more than two chained relations");
      return NewNode(NodeKind::kChain, {lhs, rhs, third}, std::string(op) + " " + op2);
    }
    return NewNode(NodeKind::kRelation, {lhs, rhs}, op);
  }

  int ParseUnion() {
    DepthGuard g(this);
    if (!g.ok) return -1;
    int first = ParseAdditive();
    if (first < 0) return -1;
    if (!IsCmd(Peek(), "\\cup")) return first;
    std::vector<int> parts{first};
    while (AcceptCmd("\\cup")) {
      int next = ParseAdditive();
      if (next < 0) return -1;
      parts.push_back(next);
    }
    return NewNode(NodeKind::kUnion, std::move(parts));
  }

  int ParseAdditive() {
    DepthGuard g(this);
    if (!g.ok) return -1;
    std::vector<int> terms;
    int first;
    if (AcceptChar('-')) {
      int t = ParseTerm();
      if (t < 0) return -1;
      first = NewNode(NodeKind::kNeg, {t});
    } else if (IsCmd(Peek(), "\\pm") || IsCmd(Peek(), "\\mp")) {
      bool minus = IsCmd(Peek(), "\\mp");
      Advance();
      int t = ParseTerm();
      if (t < 0) return -1;
      int zero = NewNode(NodeKind::kNumber, {}, "0");
      first = NewNode(NodeKind::kPlusMinus, {zero, t}, minus ? "-" : "+");
    } else {
      AcceptChar('+');
      first = ParseTerm();
      if (first < 0) return -1;
    }
    terms.push_back(first);
    for (;;) {
      if (!budget_.Charge()) return Fail("deadline exceeded while parsing");
      if (AcceptChar('+')) {
        int t = ParseTerm();
        if (t < 0) return -1;
        terms.push_back(t);
      } else if (AcceptChar('-')) {
        int t = ParseTerm();
        if (t < 0) return -1;
        terms.push_back(NewNode(NodeKind::kNeg, {t}));
      } else if (IsCmd(Peek(), "\\pm") || IsCmd(Peek(), "\\mp")) {
        bool minus = IsCmd(Peek(), "\\mp");
        Advance();
        int t = ParseTerm();
        if (t < 0) return -1;
        // a \pm b: fold everything so far into the left operand.
        int left = terms.size() == 1 ? terms[0] : NewNode(NodeKind::kAdd, terms);
        terms.assign(1, NewNode(NodeKind::kPlusMinus, {left, t}, minus ? "-" : "+"));
      } else {
        break;
      }
    }
    return terms.size() == 1 ? terms[0] : NewNode(NodeKind::kAdd, std::move(terms));
  }

  // Whether the next token can start an implicitly multiplied factor.
  bool StartsFactor(const Token& t) const {
    switch (t.kind) {
      case TokKind::kNumber:
      case TokKind::kLetter:
        return true;
      case TokKind::kChar:
        return t.text == "(" || (t.text == "|" && abs_depth_ == 0);
      case TokKind::kCommand: {
        std::string_view c = t.text;
        return c == "\\frac" || c == "\\sqrt" || c == "\\pi" || c == "\\binom" || c == "\\infty" ||
               c == "\\lfloor" || c == "\\lceil" || c == "\\begin" || c == "\\operatorname" ||
               FunctionName(c) || IsGreek(c) || IsTransparent(c);
      }
      default:
        return false;
    }
  }

  int ParseTerm() {
    DepthGuard g(this);
    if (!g.ok) return -1;
    int first = ParsePower();
    if (first < 0) return -1;
    std::vector<int> factors{first};
    for (;;) {
      if (!budget_.Charge()) return Fail("deadline exceeded while parsing");
      const Token& t = Peek();
      if (IsChar(t, '*') || IsCmd(t, "\\cdot") || IsCmd(t, "\\times")) {
        Advance();
        int f = ParsePower();
        if (f < 0) return -1;
        factors.push_back(f);
      } else if (IsChar(t, '/') || IsCmd(t, "\\div")) {
        Advance();
        int f = ParsePower();
        if (f < 0) return -1;
        int num = factors.size() == 1 ? factors[0] : NewNode(NodeKind::kMul, factors);
        factors.assign(1, NewNode(NodeKind::kDiv, {num, f}));
      } else if (StartsFactor(t)) {
        // Two bare numbers side by side ("2 3") are ambiguous: reject.
        if (t.kind == TokKind::kNumber && !t.split && pos_ > 0 &&
            toks_[pos_ - 1].kind == TokKind::kNumber)
          return Fail("two numbers without an operator");
        int f = ParsePower();
        if (f < 0) return -1;
        factors.push_back(f);
      } else {
        break;
      }
    }
    return factors.size() == 1 ? factors[0] : NewNode(NodeKind::kMul, std::move(factors));
  }

  int ParsePower() {
    DepthGuard g(this);
    if (!g.ok) return -1;
    int base = ParsePostfix();
    if (base < 0) return -1;
    if (IsChar(Peek(), '*') && IsChar(Peek(1), '*')) {
      // Plain-text power x**10 (the whole number is the exponent).
      Advance();
      Advance();
      bool negative = AcceptChar('-');
      int exp = ParsePower();
      if (exp < 0) return -1;
      if (negative) exp = NewNode(NodeKind::kNeg, {exp});
      return NewNode(NodeKind::kPow, {base, exp});
    }
    if (!AcceptChar('^')) return base;
    int exp = ParseArgument(/*allow_sign=*/true);
    if (exp < 0) return -1;
    // a^b^c (a LaTeX error, but common in plain text): a tower, right to left.
    std::vector<int> tower{exp};
    while (AcceptChar('^')) {
      int next = ParseArgument(true);
      if (next < 0) return -1;
      if (!budget_.Charge() || tower.size() >= static_cast<size_t>(kMaxParseDepth))
        return Fail("power tower too high");
      tower.push_back(next);
    }
    while (tower.size() > 1) {
      int top = tower.back();
      tower.pop_back();
      tower.back() = NewNode(NodeKind::kPow, {tower.back(), top});
    }
    exp = tower[0];
    int node = NewNode(NodeKind::kPow, {base, exp});
    // x^2! is rare; postfix after the exponent applies to the power.
    while (AcceptChar('!')) node = NewNode(NodeKind::kFactorial, {node});
    return node;
  }

  int ParsePostfix() {
    DepthGuard g(this);
    if (!g.ok) return -1;
    int node = ParsePrimary();
    if (node < 0) return -1;
    for (;;) {
      if (!budget_.Charge()) return Fail("deadline exceeded while parsing");
      if (AcceptChar('!')) {
        node = NewNode(NodeKind::kFactorial, {node});
      } else if (IsChar(Peek(), '_') &&
                 ast_.nodes[static_cast<size_t>(node)].kind == NodeKind::kNumber) {
        // 52_8: a numeral in base 8.
        Advance();
        std::string sub = ArgumentText();
        if (!Ok()) return -1;
        int base = 0;
        for (char c : sub) {
          if (!IsDigit(c) || base > 36) return Fail("bad numeral base '" + sub + "'");
          base = base * 10 + (c - '0');
        }
        if (base < 2 || base > 36) return Fail("bad numeral base '" + sub + "'");
        LatexNode& n = ast_.nodes[static_cast<size_t>(node)];
        n.kind = NodeKind::kBaseNumber;
        n.base = base;
      } else {
        break;
      }
    }
    return node;
  }

  // The raw text of a subscript: "{12}" -> "12", "1" -> "1", "n" -> "n".
  std::string ArgumentText() {
    if (AcceptChar('{')) {
      std::string text;
      int depth = 1;
      while (Peek().kind != TokKind::kEnd) {
        if (!budget_.Charge()) {
          Fail("deadline exceeded while parsing");
          return "";
        }
        if (IsChar(Peek(), '{')) ++depth;
        if (IsChar(Peek(), '}') && --depth == 0) break;
        text += Peek().text;
        Advance();
      }
      if (!AcceptChar('}')) Fail("unclosed '{' in subscript");
      if (text.empty()) Fail("empty subscript");
      return text;
    }
    const Token& t = Peek();
    if (t.kind == TokKind::kNumber) {
      std::string first(t.text.substr(0, 1));
      SplitNumberToken();
      Advance();
      return first;
    }
    if (t.kind == TokKind::kLetter || t.kind == TokKind::kCommand) {
      std::string text(t.text);
      Advance();
      return text;
    }
    Fail("missing subscript");
    return "";
  }

  // A multi-digit number token used as a one-character argument (\frac12,
  // x^23): keep its first digit here and push the rest back as a new token.
  void SplitNumberToken() {
    Token& t = toks_[pos_];
    if (t.text.size() <= 1) return;
    Token rest{TokKind::kNumber, t.text.substr(1), t.offset + 1, true};
    t.text = t.text.substr(0, 1);
    if (rest.text[0] == '.') rest.kind = TokKind::kChar, rest.text = rest.text.substr(0, 1);
    toks_.insert(toks_.begin() + static_cast<long>(pos_) + 1, rest);
  }

  // A macro argument: {group}, one digit, one letter, or one command primary.
  int ParseArgument(bool allow_sign) {
    DepthGuard g(this);
    if (!g.ok) return -1;
    const Token& t = Peek();
    if (IsChar(t, '{')) {
      Advance();
      if (IsChar(Peek(), '}')) return Fail("empty group");
      int inner = ParseList();
      if (inner < 0) return -1;
      if (!AcceptChar('}')) return Fail("expected '}'");
      return inner;
    }
    if (t.kind == TokKind::kNumber) {
      SplitNumberToken();
      int n = NewNode(NodeKind::kNumber, {}, std::string(Peek().text));
      Advance();
      return n;
    }
    if (allow_sign && IsChar(t, '-')) {
      Advance();
      int inner = ParseArgument(false);
      if (inner < 0) return -1;
      return NewNode(NodeKind::kNeg, {inner});
    }
    if (t.kind == TokKind::kLetter || t.kind == TokKind::kCommand || IsChar(t, '('))
      return ParsePrimary();
    return Fail("missing argument");
  }

  // An integer literal argument? (for mixed numbers 2\frac{1}{2}).
  bool IsIntegerLiteral(int node) const {
    const LatexNode& n = ast_.at(node);
    if (n.kind != NodeKind::kNumber) return false;
    for (char c : n.text)
      if (!IsDigit(c)) return false;
    return true;
  }

  int ParseFrac() {
    int num = ParseArgument(false);
    if (num < 0) return -1;
    int den = ParseArgument(false);
    if (den < 0) return -1;
    return NewNode(NodeKind::kDiv, {num, den});
  }

  int ParsePrimary() {
    DepthGuard g(this);
    if (!g.ok) return -1;
    const Token t = Peek();
    switch (t.kind) {
      case TokKind::kEnd:
        return Fail("unexpected end of expression");
      case TokKind::kNumber: {
        Advance();
        int num = NewNode(NodeKind::kNumber, {}, std::string(t.text));
        // Mixed number: 2\frac{1}{2} with integer literals only.
        if (IsIntegerLiteral(num) && IsCmd(Peek(), "\\frac")) {
          size_t save = pos_;
          Advance();
          int frac = ParseFrac();
          if (frac < 0) return -1;
          const LatexNode& f = ast_.at(frac);
          if (IsIntegerLiteral(f.kids[0]) && IsIntegerLiteral(f.kids[1]))
            return NewNode(NodeKind::kAdd, {num, frac});
          // Not a mixed number: re-parse the fraction as a factor.
          pos_ = save;
          ast_.nodes.resize(static_cast<size_t>(num) + 1);
        }
        return num;
      }
      case TokKind::kLetter: {
        Advance();
        if (t.text == "i" && !IsChar(Peek(), '_')) return NewNode(NodeKind::kImaginary);
        std::string name(t.text);
        if (AcceptChar('_')) {
          std::string sub = ArgumentText();
          if (!Ok()) return -1;
          name += "_" + sub;
        }
        return NewNode(NodeKind::kSymbol, {}, name);
      }
      case TokKind::kChar:
        return ParseBracketed(t);
      case TokKind::kCommand:
        return ParseCommand(t);
    }
    return Fail("unexpected token");
  }

  int ParseBracketed(const Token& t) {
    if (IsChar(t, '(') || IsChar(t, '[')) {
      char open = t.text[0];
      Advance();
      int saved_abs = abs_depth_;
      abs_depth_ = 0;
      int inner = ParseList();
      abs_depth_ = saved_abs;
      if (inner < 0) return -1;
      char close = 0;
      if (AcceptChar(')'))
        close = ')';
      else if (AcceptChar(']'))
        close = ']';
      else
        return Fail(std::string("expected ')' or ']' to close '") + open + "'");
      LatexNode& n = ast_.nodes[static_cast<size_t>(inner)];
      if (n.kind == NodeKind::kList) {
        n.kind = NodeKind::kTuple;
        n.open = open;
        n.close = close;
        return inner;
      }
      if ((open == '(') != (close == ')')) return Fail("mismatched brackets");
      return inner;
    }
    if (IsChar(t, '{')) {
      Advance();
      int inner = ParseList();
      if (inner < 0) return -1;
      if (!AcceptChar('}')) return Fail("expected '}'");
      return inner;
    }
    if (IsChar(t, '|')) {
      Advance();
      ++abs_depth_;
      int inner = ParseAdditive();
      --abs_depth_;
      if (inner < 0) return -1;
      if (!AcceptChar('|')) return Fail("expected closing '|'");
      return NewNode(NodeKind::kAbs, {inner});
    }
    return Fail("unexpected '" + std::string(t.text) + "'");
  }

  int ParseCommand(const Token& t) {
    std::string_view c = t.text;
    Advance();
    if (c == "\\frac") return ParseFrac();
    if (c == "\\sqrt") {
      int index = -1;
      if (AcceptChar('[')) {
        index = ParseAdditive();
        if (index < 0) return -1;
        if (!AcceptChar(']')) return Fail("expected ']' after root index");
      }
      int radicand = ParseArgument(false);
      if (radicand < 0) return -1;
      return index < 0 ? NewNode(NodeKind::kRoot, {radicand})
                       : NewNode(NodeKind::kRoot, {radicand, index});
    }
    if (c == "\\binom") {
      int n = ParseArgument(false);
      if (n < 0) return -1;
      int k = ParseArgument(false);
      if (k < 0) return -1;
      return NewNode(NodeKind::kBinom, {n, k});
    }
    if (c == "\\pi") return NewNode(NodeKind::kPi);
    if (c == "\\infty" || c == "\\infinity") return NewNode(NodeKind::kInfinity);
    if (c == "\\emptyset" || c == "\\varnothing") return NewNode(NodeKind::kSet);
    if (IsGreek(c)) return NewNode(NodeKind::kSymbol, {}, std::string(c));
    if (c == "\\{") {
      if (AcceptCmd("\\}")) return NewNode(NodeKind::kSet);
      int inner = ParseList();
      if (inner < 0) return -1;
      if (!AcceptCmd("\\}")) return Fail("expected '\\}'");
      LatexNode& n = ast_.nodes[static_cast<size_t>(inner)];
      if (n.kind == NodeKind::kList) {
        n.kind = NodeKind::kSet;
        return inner;
      }
      return NewNode(NodeKind::kSet, {inner});
    }
    if (c == "\\lfloor" || c == "\\lceil") {
      bool floor = c == "\\lfloor";
      int inner = ParseAdditive();
      if (inner < 0) return -1;
      if (!AcceptCmd(floor ? "\\rfloor" : "\\rceil")) return Fail("unclosed floor/ceiling");
      return NewNode(floor ? NodeKind::kFloor : NodeKind::kCeil, {inner});
    }
    if (IsTransparent(c)) return ParseArgument(false);
    if (c == "\\begin") return ParseMatrix();
    std::string fname;
    if (const char* f = FunctionName(c)) {
      fname = f;
    } else if (c == "\\operatorname") {
      fname = ArgumentText();
      if (!Ok()) return -1;
    } else {
      return Fail("unsupported command '" + std::string(c) + "'");
    }
    return ParseFunction(fname);
  }

  // \sin^2 x, \log_2 8, \sin(x), \cot x, \ln 2x.
  int ParseFunction(const std::string& name) {
    int base = -1, power = -1;
    if (name == "log" && AcceptChar('_')) {
      base = ParseArgument(false);
      if (base < 0) return -1;
    }
    if (AcceptChar('^')) {
      power = ParseArgument(true);
      if (power < 0) return -1;
    }
    int arg;
    if (IsChar(Peek(), '(') || IsChar(Peek(), '{')) {
      arg = ParsePostfix();
      if (arg < 0) return -1;
    } else {
      // Unbracketed argument: a product of plain factors (\sin 2x).
      std::vector<int> factors;
      while (Peek().kind == TokKind::kNumber || Peek().kind == TokKind::kLetter ||
             IsCmd(Peek(), "\\pi") || IsCmd(Peek(), "\\frac") || IsCmd(Peek(), "\\sqrt") ||
             IsGreek(Peek().text)) {
        if (!budget_.Charge()) return Fail("deadline exceeded while parsing");
        int f = ParsePower();
        if (f < 0) return -1;
        factors.push_back(f);
      }
      if (factors.empty()) return Fail("missing argument of \\" + name);
      arg = factors.size() == 1 ? factors[0] : NewNode(NodeKind::kMul, std::move(factors));
    }
    std::vector<int> kids{arg};
    if (base >= 0) kids.push_back(base);
    int node = NewNode(NodeKind::kFunc, std::move(kids), name);
    if (power >= 0) node = NewNode(NodeKind::kPow, {node, power});
    return node;
  }

  // \begin{pmatrix} a & b \\ c & d \end{pmatrix} (also bmatrix, matrix, array).
  int ParseMatrix() {
    std::string env = ArgumentText();
    if (!Ok()) return -1;
    if (env != "pmatrix" && env != "bmatrix" && env != "matrix" && env != "Bmatrix" &&
        env != "smallmatrix")
      return Fail("unsupported environment '" + env + "'");
    std::vector<int> cells;
    int rows = 0, cols = -1, row_cols = 0;
    for (;;) {
      if (!budget_.Charge()) return Fail("deadline exceeded while parsing");
      int cell = ParseRelation();
      if (cell < 0) return -1;
      cells.push_back(cell);
      ++row_cols;
      if (AcceptChar('&')) continue;
      bool end_row = AcceptCmd("\\\\");
      bool end_env = IsCmd(Peek(), "\\end");
      if (!end_row && !end_env) return Fail("expected '&', '\\\\' or '\\end' in matrix");
      if (cols < 0) cols = row_cols;
      if (row_cols != cols) return Fail("matrix rows of different lengths");
      ++rows;
      row_cols = 0;
      if (AcceptCmd("\\end")) break;
      if (IsCmd(Peek(), "\\end")) {  // trailing "\\" before \end
        Advance();
        break;
      }
    }
    std::string end = ArgumentText();
    if (!Ok()) return -1;
    if (end != env) return Fail("\\begin{" + env + "} closed by \\end{" + end + "}");
    int node = NewNode(NodeKind::kMatrix, std::move(cells));
    ast_.nodes[static_cast<size_t>(node)].rows = rows;
    ast_.nodes[static_cast<size_t>(node)].cols = cols;
    return node;
  }

  std::string_view src_;
  EvalBudget& budget_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  int abs_depth_ = 0;
  std::string error_;
  LatexAst ast_;
};

const char* KindName(NodeKind k) {
  switch (k) {
    case NodeKind::kNumber:
      return "num";
    case NodeKind::kBaseNumber:
      return "base";
    case NodeKind::kSymbol:
      return "sym";
    case NodeKind::kPi:
      return "pi";
    case NodeKind::kImaginary:
      return "i";
    case NodeKind::kInfinity:
      return "inf";
    case NodeKind::kAdd:
      return "add";
    case NodeKind::kMul:
      return "mul";
    case NodeKind::kNeg:
      return "neg";
    case NodeKind::kDiv:
      return "div";
    case NodeKind::kPow:
      return "pow";
    case NodeKind::kPlusMinus:
      return "pm";
    case NodeKind::kRoot:
      return "root";
    case NodeKind::kFunc:
      return "func";
    case NodeKind::kFactorial:
      return "fact";
    case NodeKind::kBinom:
      return "binom";
    case NodeKind::kAbs:
      return "abs";
    case NodeKind::kFloor:
      return "floor";
    case NodeKind::kCeil:
      return "ceil";
    case NodeKind::kTuple:
      return "tuple";
    case NodeKind::kSet:
      return "set";
    case NodeKind::kList:
      return "list";
    case NodeKind::kUnion:
      return "union";
    case NodeKind::kRelation:
      return "rel";
    case NodeKind::kChain:
      return "chain";
    case NodeKind::kMatrix:
      return "matrix";
  }
  return "?";
}

}  // namespace

StatusOr<LatexAst> ParseLatex(const std::string& latex, EvalBudget& budget) {
  if (!budget.Charge(static_cast<int64_t>(latex.size() / 16)))
    return DeadlineExceeded("deadline exceeded before parsing");
  Parser parser(latex, budget);
  return parser.Run();
}

std::string DebugString(const LatexAst& ast, int node) {
  if (node < 0 || static_cast<size_t>(node) >= ast.nodes.size()) return "<null>";
  const LatexNode& n = ast.at(node);
  switch (n.kind) {
    case NodeKind::kNumber:
    case NodeKind::kSymbol:
      return n.text;
    case NodeKind::kBaseNumber:
      return n.text + "_" + std::to_string(n.base);
    case NodeKind::kPi:
    case NodeKind::kImaginary:
    case NodeKind::kInfinity:
      return KindName(n.kind);
    default:
      break;
  }
  std::string out = "(";
  out += KindName(n.kind);
  if (n.kind == NodeKind::kTuple) out += std::string(" ") + n.open + n.close;
  if (n.kind == NodeKind::kMatrix)
    out += " " + std::to_string(n.rows) + "x" + std::to_string(n.cols);
  if (!n.text.empty()) out += " " + n.text;
  for (int k : n.kids) out += " " + DebugString(ast, k);
  return out + ")";
}

}  // namespace rlzero::verifiers::math
