// verifiers/verifier.h: the Verifier interface, its result, its deadline and
// the registry that builds verifiers by name.
//
// A verifier is a pure scoring function: it reads one sample, a JSON object
// holding the model's `response` plus the task's fields (countdown: `numbers`,
// `target`; math: `answer`; code: `tests` / `test`+`entry_point` / `cases`),
// and returns a VerifyResult. It never throws and never runs past the
// Deadline it is given (verifiers check it; the code verifier passes what is
// left of it to the sandbox).
//
// Contract:
//   - Verify returns a non-OK Status only when the sample itself is malformed
//     (a task field missing or of the wrong type); a wrong, unparsable or
//     hostile *response* is an ordinary result with correct=false and a reason.
//   - score is the verifier's reward in its own scale (1/0 for correctness,
//     a fraction for code tests, [-1, 0] for the length penalty);
//     `extracted` is the part of the response that was judged.
// Non-goals: composition and weights (rewards/), out-of-process plugins
// (rewards/), transport to a judge model (rewards/rollout_judge.h).
// Thread safety: Verify is const and may be called from many threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero::sandbox {
class Sandbox;
}

namespace rlzero::verifiers {

class JudgeModel;

struct VerifyResult {
  bool correct = false;
  double score = 0.0;
  std::string extracted;  // the answer taken from the response
  std::string reason;     // why not correct (may also explain a correct one)
};

// A point in time after which a verifier must give up (steady clock).
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Deadline(Clock::time_point at) : at_(at) {}
  static Deadline In(int64_t ms) { return Deadline(Clock::now() + std::chrono::milliseconds(ms)); }
  bool Expired() const { return Clock::now() >= at_; }
  // Milliseconds left, 0 when expired.
  int64_t RemainingMs() const;
  Clock::time_point at() const { return at_; }

 private:
  Clock::time_point at_;
};

class Verifier {
 public:
  virtual ~Verifier() = default;
  virtual StatusOr<VerifyResult> Verify(const Json& sample, const Deadline& deadline) const = 0;
  // Scores many samples against one deadline; out[i] answers samples[i].
  // The default calls Verify in order; out-of-process verifiers override it to
  // send one batch. Never fails as a whole: per-sample errors are per entry.
  virtual std::vector<StatusOr<VerifyResult>> VerifyBatch(const std::vector<Json>& samples,
                                                          const Deadline& deadline) const;
};

// Connects the `judge` verifier to a served model, reading its connection
// options (address, token, tokenizer, ...) from the verifier's options.
using JudgeConnector = StatusOr<std::shared_ptr<JudgeModel>> (*)(ConfigReader& options);

// What a verifier may need from its surroundings. Not owned.
struct VerifierEnv {
  sandbox::Sandbox* sandbox = nullptr;  // for the code verifier; null if none linked
  // For the judge verifier; null = no transport linked (rewards/ fills in the
  // rollout-worker one when it builds verifiers).
  JudgeConnector connect_judge = nullptr;
};

// Builds a verifier from its options (the `options:` section of a reward
// component or of `rlzero verify`'s config). Reading options through the
// ConfigReader makes unknown keys errors.
using VerifierFactory = StatusOr<std::unique_ptr<Verifier>> (*)(ConfigReader& options,
                                                                const VerifierEnv& env);

struct VerifierInfo {
  const char* name;
  const char* purpose;
  VerifierFactory factory;
};

// The built-in verifiers, in the explicit list of verifiers/builtin_verifiers.cc.
const std::vector<VerifierInfo>& BuiltinVerifiers();

// Builds the built-in verifier `name`; NOT_FOUND lists the known names.
// Unknown or ill-typed options are reported by the caller's options.Finish()
// (the reader may be a section of a larger config).
StatusOr<std::unique_ptr<Verifier>> MakeVerifier(const std::string& name, ConfigReader& options,
                                                 const VerifierEnv& env);
// Convenience: options given as a JSON object (null = none); checks them
// (unknown keys are INVALID_ARGUMENT) before returning.
StatusOr<std::unique_ptr<Verifier>> MakeVerifier(const std::string& name, const Json& options,
                                                 const VerifierEnv& env);

// Turns a Status from Verify into a result: correct=false, score 0, reason =
// the message. For callers that must produce one answer per sample.
VerifyResult ResultFromError(const Status& status);

}  // namespace rlzero::verifiers
