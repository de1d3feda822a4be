// inspect/rollout_reader.cc
#include "inspect/rollout_reader.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "inspect/internal/rollout_schema.h"
#include "inspect/internal/sqlite.h"

namespace rlzero::inspect {

using internal::Db;
using internal::Stmt;

namespace {

constexpr const char* kColumns =
    "id, run_id, step, weights_version, prompt_id, prompt, sample_index, completion, "
    "rewards, reward, advantage, correct, finish_reason, extracted_answer, verifier_reason, "
    "generate_ms, verify_ms, wall_time, num_tokens";
constexpr const char* kTokenColumns = ", token_ids, token_texts, token_logprobs";

Status ParseRewards(const std::string& text, std::map<std::string, double>* out, int64_t id) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object())
    return DataLoss("rollout " + std::to_string(id) + ": rewards is not a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_number()) (*out)[it.key()] = it.value().get<double>();
  }
  return Status::Ok();
}

StatusOr<RolloutRecord> RowToRecord(const Stmt& s, bool with_tokens) {
  RolloutRecord r;
  int c = 0;
  r.id = s.Int(c++);
  r.run_id = s.Text(c++);
  r.step = s.Int(c++);
  r.weights_version = s.Int(c++);
  r.prompt_id = s.Text(c++);
  r.prompt = s.Text(c++);
  r.sample_index = static_cast<int32_t>(s.Int(c++));
  r.completion = s.Text(c++);
  RLZ_RETURN_IF_ERROR(ParseRewards(s.Text(c++), &r.rewards, r.id));
  r.reward = s.Real(c++);
  r.advantage = s.Real(c++);
  r.correct = s.Int(c++) != 0;
  r.finish_reason = s.Text(c++);
  r.extracted_answer = s.Text(c++);
  r.verifier_reason = s.Text(c++);
  r.generate_ms = s.Real(c++);
  r.verify_ms = s.Real(c++);
  r.wall_time = s.Real(c++);
  int64_t num_tokens = s.Int(c++);
  if (with_tokens) {
    auto where = "rollout " + std::to_string(r.id);
    auto ids = internal::DecodeInt32s(s.Blob(c++));
    if (!ids.ok()) return ids.status().WithContext(where);
    auto texts = internal::DecodeStrings(s.Blob(c++));
    if (!texts.ok()) return texts.status().WithContext(where);
    auto lps = internal::DecodeFloat32s(s.Blob(c++));
    if (!lps.ok()) return lps.status().WithContext(where);
    r.token_ids = std::move(*ids);
    r.token_texts = std::move(*texts);
    r.token_logprobs = std::move(*lps);
    if (static_cast<int64_t>(r.token_ids.size()) != num_tokens) {
      return DataLoss(where + ": " + std::to_string(r.token_ids.size()) +
                      " token ids stored but num_tokens says " + std::to_string(num_tokens));
    }
  } else {
    // Keep the length visible without decoding: ids only carry the count.
    r.token_ids.assign(static_cast<size_t>(num_tokens), 0);
  }
  return r;
}

}  // namespace

struct RolloutReader::Impl {
  Db db;
};

RolloutReader::RolloutReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RolloutReader::~RolloutReader() = default;

StatusOr<std::unique_ptr<RolloutReader>> RolloutReader::Open(const std::string& db_path) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) {
    return NotFound(db_path + ": no rollout store (has the run written any step yet?)");
  }
  auto impl = std::make_unique<Impl>();
  RLZ_ASSIGN_OR_RETURN(impl->db, Db::Open(db_path, /*read_only=*/true));
  // Fails early with a clear message on a file that is not a rollout store.
  auto probe = impl->db.Prepare("SELECT count(*) FROM rollouts LIMIT 1");
  if (!probe.ok()) return probe.status().WithContext(db_path + ": not a rollout store");
  return std::unique_ptr<RolloutReader>(new RolloutReader(std::move(impl)));
}

StatusOr<std::vector<RolloutRecord>> RolloutReader::Query(const RolloutFilter& f) {
  std::string sql = std::string("SELECT ") + kColumns + (f.with_tokens ? kTokenColumns : "") +
                    " FROM rollouts WHERE 1=1";
  if (f.step) sql += " AND step = :step";
  if (f.correct) sql += " AND correct = :correct";
  if (f.min_reward) sql += " AND reward >= :minr";
  if (f.max_reward) sql += " AND reward <= :maxr";
  if (f.grep) sql += " AND (instr(completion, :grep) > 0 OR instr(prompt, :grep) > 0)";
  if (f.prompt_id) sql += " AND prompt_id = :pid";
  sql += " ORDER BY step, prompt_id, sample_index, id";
  if (f.limit >= 0) sql += " LIMIT " + std::to_string(f.limit);
  RLZ_ASSIGN_OR_RETURN(Stmt s, impl_->db.Prepare(sql));
  if (f.step) s.Bind(s.Index(":step"), *f.step);
  if (f.correct) s.Bind(s.Index(":correct"), static_cast<int64_t>(*f.correct ? 1 : 0));
  if (f.min_reward) s.Bind(s.Index(":minr"), *f.min_reward);
  if (f.max_reward) s.Bind(s.Index(":maxr"), *f.max_reward);
  if (f.grep) s.Bind(s.Index(":grep"), *f.grep);
  if (f.prompt_id) s.Bind(s.Index(":pid"), *f.prompt_id);
  std::vector<RolloutRecord> out;
  Status st;
  while (s.Step(&st)) {
    RLZ_ASSIGN_OR_RETURN(RolloutRecord r, RowToRecord(s, f.with_tokens));
    out.push_back(std::move(r));
  }
  RLZ_RETURN_IF_ERROR(st);
  return out;
}

StatusOr<RolloutRecord> RolloutReader::Get(int64_t id) {
  RLZ_ASSIGN_OR_RETURN(Stmt s, impl_->db.Prepare(std::string("SELECT ") + kColumns + kTokenColumns +
                                                 " FROM rollouts WHERE id = ?"));
  s.Bind(1, id);
  Status st;
  if (!s.Step(&st)) {
    RLZ_RETURN_IF_ERROR(st);
    return NotFound(impl_->db.path() + ": no rollout with id " + std::to_string(id));
  }
  return RowToRecord(s, /*with_tokens=*/true);
}

StatusOr<int64_t> RolloutReader::Count() {
  RLZ_ASSIGN_OR_RETURN(Stmt s, impl_->db.Prepare("SELECT count(*) FROM rollouts"));
  Status st;
  int64_t n = s.Step(&st) ? s.Int(0) : 0;
  RLZ_RETURN_IF_ERROR(st);
  return n;
}

StatusOr<int64_t> RolloutReader::MaxId() {
  RLZ_ASSIGN_OR_RETURN(Stmt s, impl_->db.Prepare("SELECT coalesce(max(id), 0) FROM rollouts"));
  Status st;
  int64_t n = s.Step(&st) ? s.Int(0) : 0;
  RLZ_RETURN_IF_ERROR(st);
  return n;
}

StatusOr<std::vector<StepSummary>> RolloutReader::Summaries() {
  // One pass over the light columns; reward components live in a JSON column
  // whose keys vary by run, so they are averaged here rather than in SQL.
  RLZ_ASSIGN_OR_RETURN(Stmt s,
                       impl_->db.Prepare("SELECT id, step, prompt_id, reward, correct, num_tokens, "
                                         "rewards, finish_reason FROM rollouts ORDER BY step, id"));
  std::vector<StepSummary> out;
  std::set<std::string> prompts;
  double sum_sq = 0.0;
  std::map<std::string, int64_t> component_counts;
  auto finish = [&] {
    if (out.empty()) return;
    StepSummary& x = out.back();
    double n = static_cast<double>(x.rollouts);
    x.prompts = static_cast<int64_t>(prompts.size());
    x.reward_mean /= n;
    x.reward_std = std::sqrt(std::max(0.0, sum_sq / n - x.reward_mean * x.reward_mean));
    x.accuracy /= n;
    x.tokens_mean /= n;
    for (auto& [k, v] : x.component_means) v /= static_cast<double>(component_counts[k]);
  };
  Status st;
  while (s.Step(&st)) {
    int64_t step = s.Int(1);
    if (out.empty() || out.back().step != step) {
      finish();
      out.emplace_back();
      out.back().step = step;
      prompts.clear();
      component_counts.clear();
      sum_sq = 0.0;
    }
    StepSummary& x = out.back();
    double reward = s.Real(3);
    x.rollouts++;
    prompts.insert(s.Text(2));
    x.reward_mean += reward;
    sum_sq += reward * reward;
    x.accuracy += s.Int(4) != 0 ? 1.0 : 0.0;
    x.tokens_mean += static_cast<double>(s.Int(5));
    std::map<std::string, double> comps;
    RLZ_RETURN_IF_ERROR(ParseRewards(s.Text(6), &comps, s.Int(0)));
    for (const auto& [k, v] : comps) {
      x.component_means[k] += v;
      component_counts[k]++;
    }
    x.finish_reasons[s.Text(7)]++;
  }
  RLZ_RETURN_IF_ERROR(st);
  finish();
  return out;
}

}  // namespace rlzero::inspect
