// data/countdown_trace.h: the tiny Countdown curriculum behind the embedded
// default recipe: small problems and "search" reasoning traces for the SFT
// that makes the tiny base model.
//
// A trace tries expressions of the form (a op b) op c over the given numbers,
// one attempt per line, each with its arithmetic written out, then the
// distance to the target (target - value) and a verdict (target 22):
//   "3+5=8,8+7=15,22-15=7 no;\n3*5=15,15+7=22,22-22=0 yes;\n</think>\n<answer>(3*5)+7</answer>"
// The subtraction turns the verdict into "is this 0", a local check. With the
// target merely copied beside the value ("15 vs 22 no"), or not written at
// all, a 1M-parameter base never learned the comparison: it said "yes" by
// position (20-40% of the time whatever the numbers), which leaves GRPO
// nothing reliable to build a longer search on.
// The SFT traces stop at the first hit, or give up after a random number of
// attempts (min_attempts..max_attempts) and answer their last attempt. So the
// base model learns the format, the arithmetic and honest verdicts, but not
// where to look or how long to keep searching: that is what GRPO has to
// teach (searching longer and better raises accuracy, as in R1-Zero).
// Non-goals: 4-number problems, division (kept out so every attempt is an
// exact integer computation a tiny model can learn).
// Thread safety: pure functions of their arguments (the RNG is the caller's).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace rlzero::data {

struct TinyCountdownProblem {
  std::vector<int64_t> numbers;  // 3 numbers
  int64_t target = 0;
};

struct TinyCountdownOptions {
  int64_t min_number = 1;
  int64_t max_number = 9;
  int64_t min_target = 1;  // targets below are redrawn
  int min_attempts = 1;    // SFT traces give up after this many..
  int max_attempts = 4;    // ..to this many failed attempts
};

// One attempt: ((numbers[perm[0]] op1 numbers[perm[1]]) op2 numbers[perm[2]]).
struct CountdownAttempt {
  int perm[3];
  char op1, op2;
  int64_t first, value;  // intermediate and final results
  std::string Expression(const std::vector<int64_t>& numbers) const;  // "(3*5)+7"
  std::string Line(const std::vector<int64_t>& numbers, int64_t target) const;
};

// Every distinct attempt over the numbers (permutations x {+,-,*}^2).
std::vector<CountdownAttempt> AllAttempts(const std::vector<int64_t>& numbers);

// A problem whose target is the value of a random attempt (so it is solvable).
TinyCountdownProblem RandomTinyCountdownProblem(std::mt19937_64& rng,
                                                const TinyCountdownOptions& options);

// The SFT response (everything after the prompt's "<think>"), ending with the
// answer tag; distinct attempts in random order.
std::string TinyCountdownTrace(const TinyCountdownProblem& problem, std::mt19937_64& rng,
                               const TinyCountdownOptions& options);

// The prompt for the tiny recipe, "Numbers: [3, 5, 7]. Target: 22.\n<think>",
// the same text kTinyCountdownTemplate renders through data/prompt_template.h.
inline constexpr const char* kTinyCountdownTemplate = "Numbers: {numbers}. Target: {target}.\n<think>";
std::string TinyCountdownPrompt(const TinyCountdownProblem& problem);

}  // namespace rlzero::data
