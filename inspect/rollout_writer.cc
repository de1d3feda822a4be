// inspect/rollout_writer.cc: one background thread owns the SQLite handle;
// batches travel through a bounded deque guarded by one mutex.
#include "inspect/rollout_writer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "inspect/internal/rollout_schema.h"
#include "inspect/internal/sqlite.h"

namespace rlzero::inspect {

using internal::Db;
using internal::Stmt;

std::string RolloutStorePath(const std::string& run_dir) {
  return (std::filesystem::path(run_dir) / "rollouts.sqlite").string();
}

Status ValidateRolloutRecord(const RolloutRecord& r) {
  auto where = [&] {
    return "rollout (step " + std::to_string(r.step) + ", prompt " + r.prompt_id + ", sample " +
           std::to_string(r.sample_index) + ")";
  };
  if (!r.token_texts.empty() && r.token_texts.size() != r.token_ids.size()) {
    return InvalidArgument(where() + ": token_texts has " + std::to_string(r.token_texts.size()) +
                           " entries but token_ids has " + std::to_string(r.token_ids.size()));
  }
  if (!r.token_logprobs.empty() && r.token_logprobs.size() != r.token_ids.size()) {
    return InvalidArgument(where() + ": token_logprobs has " +
                           std::to_string(r.token_logprobs.size()) + " entries but token_ids has " +
                           std::to_string(r.token_ids.size()));
  }
  if (!std::isfinite(r.reward)) return InvalidArgument(where() + ": reward is not finite");
  if (!std::isfinite(r.advantage)) return InvalidArgument(where() + ": advantage is not finite");
  for (const auto& [name, v] : r.rewards) {
    if (!std::isfinite(v))
      return InvalidArgument(where() + ": reward component " + name + " is not finite");
  }
  return Status::Ok();
}

struct RolloutWriter::Impl {
  Db db;
  RolloutWriterOptions options;
  std::mutex mu;
  std::condition_variable cv_work, cv_space, cv_idle;
  std::deque<std::vector<RolloutRecord>> queue;
  bool in_flight = false;
  bool stopping = false;
  Status error;
  long long rows_written = 0;
  std::thread thread;

  Status WriteBatch(std::vector<RolloutRecord>& rows, Stmt& insert) {
    RLZ_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (auto& r : rows) {
      nlohmann::json rewards = nlohmann::json::object();
      for (const auto& [k, v] : r.rewards) rewards[k] = v;
      int i = 1;
      insert.Bind(i++, r.run_id);
      insert.Bind(i++, r.step);
      insert.Bind(i++, r.weights_version);
      insert.Bind(i++, r.prompt_id);
      insert.Bind(i++, r.prompt);
      insert.Bind(i++, static_cast<int64_t>(r.sample_index));
      insert.Bind(i++, r.completion);
      insert.Bind(i++, static_cast<int64_t>(r.token_ids.size()));
      std::string ids = internal::EncodeInt32s(r.token_ids);
      std::string texts = internal::EncodeStrings(r.token_texts);
      std::string lps = internal::EncodeFloat32s(r.token_logprobs);
      insert.BindBlob(i++, ids.data(), ids.size());
      insert.BindBlob(i++, texts.data(), texts.size());
      insert.BindBlob(i++, lps.data(), lps.size());
      insert.Bind(i++, rewards.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      insert.Bind(i++, r.reward);
      insert.Bind(i++, r.advantage);
      insert.Bind(i++, static_cast<int64_t>(r.correct ? 1 : 0));
      insert.Bind(i++, r.finish_reason);
      insert.Bind(i++, r.extracted_answer);
      insert.Bind(i++, r.verifier_reason);
      insert.Bind(i++, r.generate_ms);
      insert.Bind(i++, r.verify_ms);
      insert.Bind(i++, r.wall_time > 0 ? r.wall_time : now);
      Status st = insert.Run();
      if (!st.ok()) {
        (void)db.Exec("ROLLBACK");
        return st.WithContext("insert rollout (step " + std::to_string(r.step) + ")");
      }
    }
    return db.Exec("COMMIT");
  }

  void Loop() {
    auto insert_or = db.Prepare(
        "INSERT INTO rollouts(run_id, step, weights_version, prompt_id, prompt, sample_index, "
        "completion, num_tokens, token_ids, token_texts, token_logprobs, rewards, reward, "
        "advantage, correct, finish_reason, extracted_answer, verifier_reason, generate_ms, "
        "verify_ms, wall_time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    std::unique_lock<std::mutex> lock(mu);
    if (!insert_or.ok()) error = insert_or.status();
    for (;;) {
      cv_work.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) break;  // stopping and drained
      std::vector<RolloutRecord> batch = std::move(queue.front());
      queue.pop_front();
      in_flight = true;
      cv_space.notify_all();
      lock.unlock();
      Status st = insert_or.ok() ? WriteBatch(batch, *insert_or) : Status::Ok();
      lock.lock();
      in_flight = false;
      if (insert_or.ok()) {
        if (st.ok())
          rows_written += static_cast<long long>(batch.size());
        else if (error.ok())
          error = st;
      }
      cv_idle.notify_all();
    }
  }
};

RolloutWriter::RolloutWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->thread = std::thread([this] { impl_->Loop(); });
}

StatusOr<std::unique_ptr<RolloutWriter>> RolloutWriter::Open(const std::string& db_path,
                                                             RolloutWriterOptions options) {
  if (options.max_queued_batches < 1) {
    return InvalidArgument("rollout writer: max_queued_batches must be >= 1");
  }
  std::error_code ec;
  auto parent = std::filesystem::path(db_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  RLZ_ASSIGN_OR_RETURN(impl->db, Db::Open(db_path, /*read_only=*/false));
  RLZ_RETURN_IF_ERROR(impl->db.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  RLZ_RETURN_IF_ERROR(impl->db.Exec(internal::kCreateSchemaSql));
  RLZ_RETURN_IF_ERROR(
      impl->db.Exec("INSERT OR REPLACE INTO meta(key, value) VALUES "
                    "('schema_version', '" +
                    std::to_string(internal::kSchemaVersion) + "')"));
  return std::unique_ptr<RolloutWriter>(new RolloutWriter(std::move(impl)));
}

RolloutWriter::~RolloutWriter() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv_work.notify_all();
  impl_->thread.join();
}

Status RolloutWriter::WriteStep(std::vector<RolloutRecord> rows) {
  for (const auto& r : rows) RLZ_RETURN_IF_ERROR(ValidateRolloutRecord(r));
  std::unique_lock<std::mutex> lock(impl_->mu);
  if (!impl_->error.ok()) return impl_->error;
  if (rows.empty()) return Status::Ok();
  impl_->cv_space.wait(lock, [&] {
    return static_cast<int>(impl_->queue.size()) < impl_->options.max_queued_batches;
  });
  impl_->queue.push_back(std::move(rows));
  impl_->cv_work.notify_one();
  return Status::Ok();
}

Status RolloutWriter::Flush() {
  std::unique_lock<std::mutex> lock(impl_->mu);
  impl_->cv_idle.wait(lock, [&] { return impl_->queue.empty() && !impl_->in_flight; });
  return impl_->error;
}

long long RolloutWriter::rows_written() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->rows_written;
}

}  // namespace rlzero::inspect
