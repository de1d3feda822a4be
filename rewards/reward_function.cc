// rewards/reward_function.cc
#include "rewards/reward_function.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <thread>

namespace rlzero::rewards {

using verifiers::Deadline;
using verifiers::VerifyResult;

namespace {

StatusOr<std::vector<RewardComponentSpec>> ReadList(ConfigReader& reader, const Json& list,
                                                    const std::string& path) {
  if (!list.is_array()) return InvalidArgument(reader.path() + path + ": expected a list");
  std::vector<RewardComponentSpec> out;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = path + "[" + std::to_string(i) + "]";
    ConfigReader item = reader.ReaderFor(list[i], where);
    RewardComponentSpec c;
    c.scorer = VerifierSpec::FromConfig(item);
    item.Get("weight", &c.weight);
    if (!std::isfinite(c.weight)) item.RecordError("weight", "must be finite");
    RLZ_RETURN_IF_ERROR(c.scorer.Validate(where));
    for (const auto& prev : out)
      if (prev.scorer.name == c.scorer.name)
        return InvalidArgument(where + ": duplicate component name '" + c.scorer.name + "'");
    out.push_back(std::move(c));
  }
  return out;
}

int64_t MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t)
      .count();
}

}  // namespace

StatusOr<RewardsConfig> RewardsConfig::FromConfig(ConfigReader& reader) {
  RewardsConfig cfg;
  auto raw = std::make_shared<const Json>(reader.GetJson("rewards"));
  cfg.raw = raw;
  const Json& rewards = *raw;
  if (rewards.is_null()) return cfg;
  if (rewards.is_array()) {
    RLZ_ASSIGN_OR_RETURN(cfg.by_task["*"], ReadList(reader, rewards, "rewards"));
  } else if (rewards.is_object()) {
    for (auto it = rewards.begin(); it != rewards.end(); ++it) {
      RLZ_ASSIGN_OR_RETURN(cfg.by_task[it.key()],
                           ReadList(reader, it.value(), "rewards." + it.key()));
    }
  } else {
    return InvalidArgument("rewards: expected a list of components or a task -> list mapping");
  }
  return cfg;
}

StatusOr<std::vector<RewardComponentSpec>> RewardsConfig::ForTask(const std::string& task) const {
  auto it = by_task.find(task);
  if (it == by_task.end()) it = by_task.find("*");
  if (it == by_task.end()) return NotFound("rewards: no components for task '" + task + "'");
  return it->second;
}

Json Reward::ToJson() const {
  Json comps = Json::object();
  for (const ComponentScore& c : components) {
    Json j = {{"score", c.score},          {"weight", c.weight}, {"weighted", c.weighted},
              {"correct", c.correct},      {"failed", c.failed}, {"extracted", c.extracted},
              {"elapsed_ms", c.elapsed_ms}};
    if (!c.reason.empty()) j["reason"] = c.reason;
    comps[c.name] = std::move(j);
  }
  return Json{{"reward", total}, {"components", std::move(comps)}};
}

RewardFunction::RewardFunction(std::vector<Component> components, int threads)
    : components_(std::move(components)), threads_(std::max(1, threads)) {}

StatusOr<std::unique_ptr<RewardFunction>> RewardFunction::Create(
    const std::vector<RewardComponentSpec>& specs, const verifiers::VerifierEnv& env, int threads) {
  std::vector<Component> comps;
  for (size_t i = 0; i < specs.size(); ++i) {
    const RewardComponentSpec& s = specs[i];
    std::string where = "rewards[" + std::to_string(i) + "] '" + s.scorer.name + "'";
    RLZ_ASSIGN_OR_RETURN(std::shared_ptr<verifiers::Verifier> v,
                         BuildVerifier(s.scorer, env, where));
    comps.push_back(Component{s.scorer.name, s.weight, s.scorer.timeout_ms, s.scorer.is_plugin(),
                              std::move(v)});
  }
  return std::make_unique<RewardFunction>(std::move(comps), threads);
}

Reward RewardFunction::Score(const Json& sample) const { return ScoreBatch({sample})[0]; }

std::vector<Reward> RewardFunction::ScoreBatch(const std::vector<Json>& samples) const {
  std::vector<Reward> out(samples.size());
  for (const Component& c : components_) {
    // One result per sample, with the time its call took.
    std::vector<StatusOr<VerifyResult>> results;
    std::vector<int64_t> elapsed(samples.size(), 0);
    auto call = [&](auto&& fn) -> StatusOr<VerifyResult> {
      try {
        return fn();
      } catch (const std::exception& e) {
        return Internal(std::string("threw: ") + e.what());
      } catch (...) {
        return Internal("threw a non-standard exception");
      }
    };
    if (c.batched) {
      auto start = std::chrono::steady_clock::now();
      try {
        results = c.scorer->VerifyBatch(samples, Deadline::In(c.timeout_ms));
      } catch (const std::exception& e) {
        results.clear();
        results.resize(samples.size(), Internal(std::string("threw: ") + e.what()));
      } catch (...) {
        results.clear();
        results.resize(samples.size(), Internal("threw a non-standard exception"));
      }
      if (results.size() != samples.size()) {
        results.clear();
        results.resize(samples.size(), Internal("returned the wrong number of results"));
      }
      int64_t ms = MsSince(start);
      for (auto& e : elapsed) e = ms;
    } else {
      results.assign(samples.size(), Internal("not scored"));
      auto score_one = [&](size_t i) {
        auto start = std::chrono::steady_clock::now();
        Deadline deadline = Deadline::In(c.timeout_ms);
        results[i] = call([&] { return c.scorer->Verify(samples[i], deadline); });
        elapsed[i] = MsSince(start);
      };
      size_t n_threads = std::min<size_t>(static_cast<size_t>(threads_), samples.size());
      if (n_threads <= 1) {
        for (size_t i = 0; i < samples.size(); ++i) score_one(i);
      } else {
        std::atomic<size_t> next{0};
        std::vector<std::thread> pool;
        for (size_t t = 0; t < n_threads; ++t)
          pool.emplace_back([&] {
            for (size_t i; (i = next++) < samples.size();) score_one(i);
          });
        for (auto& th : pool) th.join();
      }
    }
    for (size_t i = 0; i < samples.size(); ++i) {
      ComponentScore s;
      s.name = c.name;
      s.weight = c.weight;
      s.elapsed_ms = elapsed[i];
      if (!results[i].ok()) {
        s.failed = true;
        s.reason = results[i].status().ToString();
      } else if (!std::isfinite(results[i]->score)) {
        s.failed = true;
        s.reason = "non-finite score";
      } else if (elapsed[i] > c.timeout_ms) {
        s.failed = true;
        s.reason = "DEADLINE_EXCEEDED: took " + std::to_string(elapsed[i]) + " ms > timeout_ms " +
                   std::to_string(c.timeout_ms);
      } else {
        const VerifyResult& r = *results[i];
        s.correct = r.correct;
        s.score = r.score;
        s.weighted = c.weight * r.score;
        s.extracted = r.extracted;
        s.reason = r.reason;
      }
      out[i].total += s.weighted;
      out[i].components.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace rlzero::rewards
