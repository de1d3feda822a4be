// data/countdown.cc: see countdown.h.
#include "data/countdown.h"

#include <random>

#include "data/prompt_template.h"

namespace rlzero::data {
namespace {

// Uniform integer in [lo, hi] from the engine's raw 64-bit output, by
// rejection (exact and platform-independent).
int64_t Uniform(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  if (span == 0) return lo + static_cast<int64_t>(rng());
  uint64_t limit = UINT64_MAX - UINT64_MAX % span;
  uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return lo + static_cast<int64_t>(x % span);
}

struct Item {
  int64_t value;
  std::string expr;
  bool atomic;  // a bare number (needs no parentheses)
};

// Keeps intermediates small enough that nothing overflows.
constexpr int64_t kMaxIntermediate = int64_t{1} << 40;

}  // namespace

Status CountdownConfig::Validate() const {
  if (n < 0) return InvalidArgument("countdown: n must be >= 0");
  if (min_numbers < 2 || max_numbers < min_numbers || max_numbers > 8)
    return InvalidArgument("countdown: need 2 <= min_numbers <= max_numbers <= 8");
  if (min_value < 1 || max_value < min_value || max_value > 1000000)
    return InvalidArgument("countdown: need 1 <= min_value <= max_value <= 1000000");
  if (min_target < 1 || max_target < min_target)
    return InvalidArgument("countdown: need 1 <= min_target <= max_target");
  return Status::Ok();
}

StatusOr<CountdownConfig> CountdownConfig::FromConfig(ConfigReader& reader) {
  CountdownConfig c;
  reader.Get("n", &c.n);
  reader.Get("seed", &c.seed);
  reader.Get("min_numbers", &c.min_numbers);
  reader.Get("max_numbers", &c.max_numbers);
  reader.Get("min_value", &c.min_value);
  reader.Get("max_value", &c.max_value);
  reader.Get("min_target", &c.min_target);
  reader.Get("max_target", &c.max_target);
  Status st = c.Validate();
  if (!st.ok()) {
    reader.RecordError("n", st.message());
    return st;
  }
  return c;
}

StatusOr<std::vector<CountdownTask>> GenerateCountdown(const CountdownConfig& config) {
  RLZ_RETURN_IF_ERROR(config.Validate());
  std::mt19937_64 rng(config.seed);
  std::vector<CountdownTask> tasks;
  tasks.reserve(static_cast<size_t>(config.n));
  constexpr int kMaxAttempts = 100000;
  for (int64_t t = 0; t < config.n; ++t) {
    bool done = false;
    // The size is drawn once per task so that retries (targets out of range,
    // more frequent with more numbers) do not skew the size mix.
    int k = static_cast<int>(Uniform(rng, config.min_numbers, config.max_numbers));
    for (int attempt = 0; attempt < kMaxAttempts && !done; ++attempt) {
      CountdownTask task;
      std::vector<Item> pool;
      for (int i = 0; i < k; ++i) {
        int64_t v = Uniform(rng, config.min_value, config.max_value);
        task.numbers.push_back(v);
        pool.push_back({v, std::to_string(v), true});
      }
      bool ok = true;
      while (pool.size() > 1 && ok) {
        size_t i = static_cast<size_t>(Uniform(rng, 0, static_cast<int64_t>(pool.size()) - 1));
        size_t j = static_cast<size_t>(Uniform(rng, 0, static_cast<int64_t>(pool.size()) - 2));
        if (j >= i) ++j;
        Item a = pool[i], b = pool[j];
        if (a.value < b.value) std::swap(a, b);  // larger first, for - and /
        char ops[4];
        int n_ops = 0;
        ops[n_ops++] = '+';
        if (a.value <= kMaxIntermediate / b.value) ops[n_ops++] = '*';
        if (a.value > b.value) ops[n_ops++] = '-';
        if (b.value > 1 && a.value % b.value == 0) ops[n_ops++] = '/';
        char op = ops[Uniform(rng, 0, n_ops - 1)];
        int64_t v = op == '+'   ? a.value + b.value
                    : op == '*' ? a.value * b.value
                    : op == '-' ? a.value - b.value
                                : a.value / b.value;
        if (v > kMaxIntermediate) ok = false;
        auto wrap = [](const Item& x) { return x.atomic ? x.expr : "(" + x.expr + ")"; };
        Item c{v, wrap(a) + " " + op + " " + wrap(b), false};
        // Remove i and j (higher index first), add c.
        size_t hi = std::max(i, j), lo = std::min(i, j);
        pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(hi));
        pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(lo));
        pool.push_back(std::move(c));
      }
      if (!ok) continue;
      int64_t target = pool[0].value;
      if (target < config.min_target || target > config.max_target) continue;
      task.target = target;
      task.solution = pool[0].expr;
      tasks.push_back(std::move(task));
      done = true;
    }
    if (!done)
      return FailedPrecondition("countdown: no task with a target in [" +
                                std::to_string(config.min_target) + ", " +
                                std::to_string(config.max_target) + "] after " +
                                std::to_string(kMaxAttempts) + " draws; widen the ranges");
  }
  return tasks;
}

StatusOr<Json> CountdownRecord(const CountdownTask& task, size_t index, uint64_t seed,
                               const std::string& prompt_template) {
  RLZ_ASSIGN_OR_RETURN(PromptTemplate tmpl, PromptTemplate::FromNameOrText(prompt_template));
  Json rec = {{"id", "countdown-" + std::to_string(seed) + "-" + std::to_string(index)},
              {"numbers", task.numbers},
              {"target", task.target},
              {"solution", task.solution},
              {"task", "countdown"}};
  RLZ_ASSIGN_OR_RETURN(std::string prompt, tmpl.Render(rec));
  rec["prompt"] = prompt;
  return rec;
}

}  // namespace rlzero::data
