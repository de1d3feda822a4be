// inspect/rollout_writer.h: appends the learner's scored rollouts to
// RUN_DIR/rollouts.sqlite (SQLite, WAL mode) off the caller's thread.
//
// Contract:
//   - Open() creates the file and schema if needed (an existing store is
//     appended to, e.g. on resume).
//   - WriteStep(rows) validates the rows, then queues them as one batch; a
//     background thread writes each batch in one transaction. The queue holds
//     at most `max_queued_batches` batches; WriteStep blocks while it is full
//     (back-pressure instead of unbounded memory).
//   - A batch is durable once its transaction commits (WAL,
//     synchronous=NORMAL: a process crash loses nothing committed). A crash
//     loses only batches still queued: with one WriteStep per training step
//     and a writer that keeps up, that is the step in flight.
//   - Flush() waits until every queued batch is committed and returns the
//     first write error seen (later WriteStep calls also return it).
//   - The destructor drains the queue, then closes.
// Non-goals: updates or deletes of rows; several writers on one file.
// Thread safety: WriteStep/Flush may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "inspect/rollout_record.h"

namespace rlzero::inspect {

struct RolloutWriterOptions {
  int max_queued_batches = 4;
};

// RUN_DIR/rollouts.sqlite.
std::string RolloutStorePath(const std::string& run_dir);

// Validates one record (parallel token arrays, finite reward). The message
// names the record by step, prompt id and sample index.
Status ValidateRolloutRecord(const RolloutRecord& r);

class RolloutWriter {
 public:
  static StatusOr<std::unique_ptr<RolloutWriter>> Open(const std::string& db_path,
                                                       RolloutWriterOptions options = {});
  ~RolloutWriter();
  RolloutWriter(const RolloutWriter&) = delete;
  RolloutWriter& operator=(const RolloutWriter&) = delete;

  Status WriteStep(std::vector<RolloutRecord> rows);
  Status Flush();

  // Rows committed so far (for tests and progress lines).
  long long rows_written() const;

 private:
  struct Impl;
  explicit RolloutWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rlzero::inspect
