// data/countdown_trace.h: the tiny Countdown curriculum behind the embedded
// default recipe: small problems and "search" reasoning traces for the SFT
// that makes the tiny base model.
//
// Problems: `count` numbers from min_number..max_number and a target reached
// by putting + or - between them in the given order (a +- b +- c +- d), so
// the answer uses every number exactly once, as Countdown requires.
// A trace tries sign patterns in a fixed order (+++, ++-, +-+, ..., binary
// counting with + first), one attempt per line. Each attempt counts down from
// the target: it subtracts a, then undoes each signed number, one single-digit
// step at a time, and says "yes" exactly when it lands on 0 (target 22):
//   "22-3=19,19-5=14,14+7=21,21-9=12 no;\n22-3=19,19-5=14,14-7=7,7-9=-2 no;\n..."
//   "22-3=19,19+5=24,24-7=17,17-9=8 no;\n...\n</think>\n<answer>3-5+7+9</answer>"
// Why this shape: a 1M-parameter char model never learned to compare two
// numbers ("15 vs 22 no"), nor to subtract two 2-digit numbers reliably; a
// running difference needs only "2-digit +- 1-digit" steps and a check for 0.
// The SFT traces stop at the first hit. After the first failed attempt a trace
// gives up (answers that attempt) with probability give_up_first, after each
// later one with give_up_later. So the base knows the format, the arithmetic
// and the search, but mostly stops after one try: greedy accuracy is about the
// chance that the first pattern hits. Searching on is what GRPO has to teach
// (longer reasoning raises accuracy, as in R1-Zero).
// Non-goals: * and / (a 1M-parameter model cannot do their arithmetic reliably
// enough for verdicts to mean anything), reordering the numbers.
// Thread safety: pure functions of their arguments (the RNG is the caller's).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace rlzero::data {

struct TinyCountdownProblem {
  std::vector<int64_t> numbers;  // `count` numbers, in the order the answer uses them
  int64_t target = 0;
};

struct TinyCountdownOptions {
  int count = 4;  // numbers per problem, 2..6
  int64_t min_number = 1;
  int64_t max_number = 9;
  int64_t min_target = 1;      // targets below are redrawn
  double give_up_first = 0.6;  // P(answer after the first failed attempt)
  double give_up_later = 0.1;  // P(answer after each later failed attempt)
};

// One attempt: numbers[0] signs[0] numbers[1] signs[1] ... ('+' or '-').
struct CountdownAttempt {
  std::string signs;  // count-1 of '+'/'-'
  int64_t value = 0;
  std::string Expression(const std::vector<int64_t>& numbers) const;  // "3+5-7+9"
  // "22-3=19,19-5=14,14+7=21,21-9=12 no;" (no trailing newline).
  std::string Line(const std::vector<int64_t>& numbers, int64_t target) const;
};

// Every sign pattern over the numbers, in the trace's search order.
std::vector<CountdownAttempt> AllAttempts(const std::vector<int64_t>& numbers);

// A problem whose target is the value of a random attempt (so it is solvable).
TinyCountdownProblem RandomTinyCountdownProblem(std::mt19937_64& rng,
                                                const TinyCountdownOptions& options);

// The SFT response (everything after the prompt's "<think>"), ending with the
// answer tag.
std::string TinyCountdownTrace(const TinyCountdownProblem& problem, std::mt19937_64& rng,
                               const TinyCountdownOptions& options);

// The prompt for the tiny recipe, "Numbers: [3, 5, 7, 9]. Target: 22.\n<think>",
// the same text kTinyCountdownTemplate renders through data/prompt_template.h.
inline constexpr const char* kTinyCountdownTemplate =
    "Numbers: {numbers}. Target: {target}.\n<think>";
std::string TinyCountdownPrompt(const TinyCountdownProblem& problem);

}  // namespace rlzero::data
