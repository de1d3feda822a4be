// verifiers/code_verifier.cc: code extraction, the nonce-marked Python test
// harness, and stdin/stdout case comparison.
#include "verifiers/code_verifier.h"

#include <cctype>
#include <random>
#include <set>
#include <sstream>
#include <vector>

#include "sandbox/sandbox.h"
#include "verifiers/answer_tags.h"

namespace rlzero::verifiers {
namespace {

// The harness: fixed text; everything variable comes on stdin as one JSON
// line. exec/compile/BaseException are bound as locals before the solution
// runs, so rebinding builtins from the solution changes nothing here.
constexpr const char* kHarness = R"PY(import sys as _rlz_sys, os as _rlz_os, json as _rlz_json
def _rlz_main(_exec=exec, _compile=compile, _Base=BaseException, _type=type, _str=str,
              _write=_rlz_os.write, _enumerate=enumerate):
    spec = _rlz_json.loads(_rlz_sys.stdin.readline())
    nonce = spec.pop("nonce")
    fd = _rlz_os.dup(1)
    def why(e):
        try:
            return ("%s: %s" % (_type(e).__name__, e)).replace("\n", " ")[:300]
        except _Base:
            return "exception"
    def mark(i, ok, reason):
        _write(fd, ("\n%s %d %s %s\n" % (nonce, i, "pass" if ok else "fail", reason)).encode("utf-8", "replace"))
    g = {"__name__": "__solution__", "__builtins__": __builtins__}
    try:
        _exec(_compile(spec["code"], "<solution>", "exec"), g)
    except _Base as e:
        mark(-1, False, "solution: " + why(e))
        return
    if spec.get("setup"):
        try:
            _exec(_compile(spec["setup"], "<setup>", "exec"), g)
        except _Base as e:
            mark(-1, False, "setup: " + why(e))
            return
    if "tests" in spec:
        for i, t in _enumerate(spec["tests"]):
            try:
                _exec(_compile(t, "<test %d>" % i, "exec"), g)
            except _Base as e:
                mark(i, False, why(e))
            else:
                mark(i, True, "")
    else:
        try:
            _exec(_compile(spec["test"], "<test>", "exec"), g)
            g["check"](g[spec["entry_point"]])
        except _Base as e:
            mark(0, False, why(e))
        else:
            mark(0, True, "")
_rlz_main()
)PY";

// Local names (sandbox::RunStatusName lives in the sandbox library, which this
// library must not require: tests link a fake).
const char* StatusName(sandbox::RunStatus s) {
  switch (s) {
    case sandbox::RunStatus::kOk:
      return "ok";
    case sandbox::RunStatus::kRuntimeError:
      return "runtime_error";
    case sandbox::RunStatus::kTimeout:
      return "timeout";
    case sandbox::RunStatus::kMemoryLimit:
      return "memory_limit";
    case sandbox::RunStatus::kOutputLimit:
      return "output_limit";
    case sandbox::RunStatus::kSignal:
      return "signal";
    case sandbox::RunStatus::kSandboxError:
      return "sandbox_error";
  }
  return "unknown";
}

std::string NewNonce() {
  static thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  char buf[33];
  snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
           static_cast<unsigned long long>(rng()));
  return std::string("rlz") + buf;
}

std::vector<std::string> SplitLines(std::string_view s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) nl = s.size();
    lines.emplace_back(TrimAscii(s.substr(start, nl - start)));
    start = nl + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

struct CodeOptions {
  int64_t time_limit_ms = 10000;
  int64_t memory_limit_mb = 512;
  std::string language = "python";
};

class CodeVerifier : public Verifier {
 public:
  CodeVerifier(CodeOptions o, sandbox::Sandbox* sb) : o_(std::move(o)), sandbox_(sb) {}

  StatusOr<VerifyResult> Verify(const Json& sample, const Deadline& deadline) const override {
    if (!sample.is_object()) return InvalidArgument("code: sample is not a JSON object");
    auto response = sample.find("response");
    if (response == sample.end() || !response->is_string())
      return InvalidArgument("code: sample field 'response' missing or not a string");
    int forms = sample.contains("tests") + sample.contains("test") + sample.contains("cases");
    if (forms != 1)
      return InvalidArgument(
          "code: sample needs exactly one of 'tests', 'test' (+'entry_point'), "
          "'cases'");
    std::optional<std::string> code =
        ExtractLastPythonBlock(response->get_ref<const std::string&>());
    VerifyResult r;
    if (!code) {
      r.reason = "no ```python block in the response";
      return r;
    }
    r.extracted = *code;
    if (sample.contains("cases")) return RunCases(sample, *code, deadline, r);
    return RunTests(sample, *code, deadline, r);
  }

 private:
  sandbox::RunRequest Request(const Deadline& deadline) const {
    sandbox::RunRequest req;
    req.language = o_.language;
    req.time_limit_ms = std::min(o_.time_limit_ms, deadline.RemainingMs());
    req.memory_limit_mb = o_.memory_limit_mb;
    return req;
  }

  StatusOr<VerifyResult> RunTests(const Json& sample, const std::string& code,
                                  const Deadline& deadline, VerifyResult r) const {
    Json spec = Json::object();
    size_t n_tests = 1;
    if (sample.contains("tests")) {
      const Json& tests = sample["tests"];
      if (!tests.is_array() || tests.empty())
        return InvalidArgument("code: sample field 'tests' must be a non-empty list of strings");
      for (const Json& t : tests)
        if (!t.is_string()) return InvalidArgument("code: sample field 'tests' holds a non-string");
      spec["tests"] = tests;
      n_tests = tests.size();
      if (sample.contains("setup")) {
        if (!sample["setup"].is_string())
          return InvalidArgument("code: sample field 'setup' must be a string");
        spec["setup"] = sample["setup"];
      }
    } else {
      auto test = sample.find("test");
      auto entry = sample.find("entry_point");
      if (!test->is_string() || entry == sample.end() || !entry->is_string() ||
          entry->get_ref<const std::string&>().empty())
        return InvalidArgument("code: sample fields 'test' and 'entry_point' must be strings");
      spec["test"] = *test;
      spec["entry_point"] = *entry;
    }
    std::string nonce = NewNonce();
    spec["nonce"] = nonce;
    spec["code"] = code;
    if (deadline.Expired()) {
      r.reason = "deadline exceeded before running";
      return r;
    }
    sandbox::RunRequest req = Request(deadline);
    req.source = kHarness;
    req.stdin_data = spec.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
    RLZ_ASSIGN_OR_RETURN(sandbox::RunResult run, sandbox_->Run(req));
    if (run.status == sandbox::RunStatus::kSandboxError)
      return Unavailable("code: sandbox failed: " + run.error);

    // Count pass markers: lines exactly "<nonce> <i> pass" for 0 <= i < n.
    std::set<long> passed;
    std::string first_failure;
    std::istringstream lines(run.stdout_data);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.compare(0, nonce.size() + 1, nonce + " ") != 0) continue;
      std::istringstream f(line.substr(nonce.size() + 1));
      long i = 0;
      std::string verdict;
      if (!(f >> i >> verdict)) continue;
      if (verdict == "pass" && i >= 0 && static_cast<size_t>(i) < n_tests) {
        passed.insert(i);
      } else if (verdict == "fail" && first_failure.empty()) {
        std::string rest;
        std::getline(f, rest);
        first_failure = (i < 0 ? std::string() : "test " + std::to_string(i) + ": ") +
                        std::string(TrimAscii(rest));
      }
    }
    r.score = static_cast<double>(passed.size()) / static_cast<double>(n_tests);
    r.correct = passed.size() == n_tests;
    if (!sample.contains("tests")) r.score = r.correct ? 1.0 : 0.0;
    if (!r.correct) {
      std::string status = StatusName(run.status);
      r.reason = std::to_string(passed.size()) + "/" + std::to_string(n_tests) + " tests passed";
      if (!first_failure.empty()) r.reason += "; " + first_failure;
      if (run.status != sandbox::RunStatus::kOk) {
        r.reason += "; program ended with " + status;
        if (run.status == sandbox::RunStatus::kRuntimeError)
          r.reason += " (exit " + std::to_string(run.exit_code) + ")";
      }
      if (first_failure.empty() && run.status == sandbox::RunStatus::kOk)
        r.reason += "; the program stopped before the remaining tests ran";
    }
    return r;
  }

  StatusOr<VerifyResult> RunCases(const Json& sample, const std::string& code,
                                  const Deadline& deadline, VerifyResult r) const {
    const Json& cases = sample["cases"];
    if (!cases.is_array() || cases.empty())
      return InvalidArgument("code: sample field 'cases' must be a non-empty list");
    for (const Json& c : cases)
      if (!c.is_object() || !c.contains("stdin") || !c["stdin"].is_string() ||
          !c.contains("stdout") || !c["stdout"].is_string())
        return InvalidArgument("code: each case must be {\"stdin\": string, \"stdout\": string}");
    size_t passed = 0;
    std::string first_failure;
    for (size_t i = 0; i < cases.size(); ++i) {
      std::string why;
      if (deadline.Expired()) {
        why = "deadline exceeded";
      } else {
        sandbox::RunRequest req = Request(deadline);
        req.source = code;
        req.stdin_data = cases[i]["stdin"].get<std::string>();
        RLZ_ASSIGN_OR_RETURN(sandbox::RunResult run, sandbox_->Run(req));
        if (run.status == sandbox::RunStatus::kSandboxError)
          return Unavailable("code: sandbox failed: " + run.error);
        if (run.status != sandbox::RunStatus::kOk)
          why = std::string("program ended with ") + StatusName(run.status);
        else if (!OutputMatches(run.stdout_data, cases[i]["stdout"].get_ref<const std::string&>()))
          why = "wrong output";
      }
      if (why.empty())
        ++passed;
      else if (first_failure.empty())
        first_failure = "case " + std::to_string(i) + ": " + why;
    }
    r.score = static_cast<double>(passed) / static_cast<double>(cases.size());
    r.correct = passed == cases.size();
    if (!r.correct)
      r.reason = std::to_string(passed) + "/" + std::to_string(cases.size()) + " cases passed; " +
                 first_failure;
    return r;
  }

  CodeOptions o_;
  sandbox::Sandbox* sandbox_;
};

}  // namespace

std::optional<std::string> ExtractLastPythonBlock(std::string_view text) {
  std::optional<std::string> last;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("```", pos);
    if (open == std::string_view::npos) break;
    size_t eol = text.find('\n', open + 3);
    if (eol == std::string_view::npos) break;
    size_t close = text.find("```", eol + 1);
    if (close == std::string_view::npos) break;
    std::string tag(TrimAscii(text.substr(open + 3, eol - open - 3)));
    for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (tag == "python" || tag == "python3" || tag == "py") {
      std::string_view body = text.substr(eol + 1, close - eol - 1);
      if (!body.empty() && body.back() == '\n') body.remove_suffix(1);  // the fence's line break
      last = std::string(body);
    }
    pos = close + 3;
  }
  return last;
}

bool OutputMatches(std::string_view actual, std::string_view expected) {
  return SplitLines(actual) == SplitLines(expected);
}

StatusOr<std::unique_ptr<Verifier>> MakeCodeVerifier(ConfigReader& options,
                                                     const VerifierEnv& env) {
  CodeOptions o;
  options.Get("time_limit_ms", &o.time_limit_ms);
  options.Get("memory_limit_mb", &o.memory_limit_mb);
  options.Get("language", &o.language);
  if (o.time_limit_ms <= 0) return InvalidArgument("code verifier: time_limit_ms must be > 0");
  if (o.memory_limit_mb <= 0) return InvalidArgument("code verifier: memory_limit_mb must be > 0");
  if (env.sandbox == nullptr)
    return FailedPrecondition("code verifier: no sandbox available in this binary or service");
  return std::unique_ptr<Verifier>(new CodeVerifier(std::move(o), env.sandbox));
}

}  // namespace rlzero::verifiers
