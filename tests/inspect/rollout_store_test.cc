// tests/inspect/rollout_store_test.cc: RolloutWriter + RolloutReader round
// trips, filters, summaries, validation, crash durability and hostile bytes.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <thread>

#include "inspect/rollout_reader.h"
#include "inspect/rollout_writer.h"
#include "tests/inspect/test_run_dir.h"

namespace rlzero::inspect {
namespace {

using testing::MakeRollout;
using testing::ScratchDir;

// 2 steps x 2 prompts x 2 samples; rewards chosen so the summaries are easy
// to compute by hand.
void WriteSmallRun(const std::string& db) {
  auto w = RolloutWriter::Open(db);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (int step = 1; step <= 2; ++step) {
    std::vector<RolloutRecord> rows;
    rows.push_back(MakeRollout(step, "p1", 0, 1.0, true));
    rows.push_back(MakeRollout(step, "p1", 1, 0.0, false, "goodbye"));
    rows.push_back(MakeRollout(step, "p2", 0, step == 2 ? 1.5 : 0.5, step == 2));
    rows.push_back(MakeRollout(step, "p2", 1, 0.0, false));
    ASSERT_TRUE((*w)->WriteStep(std::move(rows)).ok());
  }
  ASSERT_TRUE((*w)->Flush().ok());
  EXPECT_EQ((*w)->rows_written(), 8);
}

TEST(RolloutStoreTest, RoundTripsEveryField) {
  ScratchDir dir("roundtrip");
  std::string db = RolloutStorePath(dir.path());
  RolloutRecord in = MakeRollout(3, "p9", 2, 1.25, true);
  in.wall_time = 1700000000.5;
  {
    auto w = RolloutWriter::Open(db);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteStep({in}).ok());
  }  // destructor drains
  auto r = RolloutReader::Open(db);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto rows = (*r)->Query({});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const RolloutRecord& out = (*rows)[0];
  EXPECT_GT(out.id, 0);
  EXPECT_EQ(out.run_id, "test-run");
  EXPECT_EQ(out.step, 3);
  EXPECT_EQ(out.weights_version, 3);
  EXPECT_EQ(out.prompt_id, "p9");
  EXPECT_EQ(out.prompt, in.prompt);
  EXPECT_EQ(out.sample_index, 2);
  EXPECT_EQ(out.completion, "2 says hello");
  EXPECT_EQ(out.token_ids, (std::vector<int32_t>{102, 200, 300}));
  EXPECT_EQ(out.token_texts, (std::vector<std::string>{"2", " says", " hello"}));
  EXPECT_EQ(out.token_logprobs, (std::vector<float>{-0.1f, -0.2f, -0.3f}));
  EXPECT_EQ(out.rewards.at("correctness"), 1.0);
  EXPECT_DOUBLE_EQ(out.rewards.at("format"), 0.25);
  EXPECT_EQ(out.reward, 1.25);
  EXPECT_EQ(out.advantage, 0.75);
  EXPECT_TRUE(out.correct);
  EXPECT_EQ(out.finish_reason, "stop");
  EXPECT_EQ(out.extracted_answer, "4");
  EXPECT_EQ(out.verifier_reason, "matches 4");
  EXPECT_EQ(out.generate_ms, 12.5);
  EXPECT_EQ(out.verify_ms, 0.25);
  EXPECT_EQ(out.wall_time, 1700000000.5);
  auto got = (*r)->Get(out.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->completion, out.completion);
  EXPECT_EQ((*r)->Get(out.id + 100).status().code(), StatusCode::kNotFound);
}

TEST(RolloutStoreTest, StoresTokenArraysAsCompactBlobs) {
  ScratchDir dir("blobs");
  std::string db = RolloutStorePath(dir.path());
  {
    auto w = RolloutWriter::Open(db);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteStep({MakeRollout(1, "p", 0, 1, true)}).ok());
  }
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(h,
                         "SELECT typeof(token_ids), length(token_ids), length(token_logprobs), "
                         "length(token_texts) FROM rollouts",
                         -1, &s, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "blob");
  EXPECT_EQ(sqlite3_column_int(s, 1), 3 * 4);              // int32[3]
  EXPECT_EQ(sqlite3_column_int(s, 2), 3 * 4);              // float32[3]
  EXPECT_EQ(sqlite3_column_int(s, 3), 3 * 4 + 1 + 5 + 6);  // 3 lengths + "1" " says" " hello"
  sqlite3_finalize(s);
  ASSERT_EQ(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  // The indexes the inspector relies on exist.
  ASSERT_EQ(
      sqlite3_prepare_v2(
          h,
          "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='rollouts' ORDER BY name",
          -1, &s, nullptr),
      SQLITE_OK);
  std::vector<std::string> names;
  while (sqlite3_step(s) == SQLITE_ROW)
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  sqlite3_close(h);
  EXPECT_EQ(names,
            (std::vector<std::string>{"rollouts_prompt", "rollouts_reward", "rollouts_step"}));
}

TEST(RolloutStoreTest, FiltersNarrowTheRows) {
  ScratchDir dir("filters");
  std::string db = RolloutStorePath(dir.path());
  WriteSmallRun(db);
  auto r = RolloutReader::Open(db);
  ASSERT_TRUE(r.ok());
  auto count = [&](RolloutFilter f) {
    auto rows = (*r)->Query(f);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? rows->size() : 0u;
  };
  EXPECT_EQ(count({}), 8u);
  RolloutFilter f;
  f.step = 2;
  EXPECT_EQ(count(f), 4u);
  f = {};
  f.correct = true;
  EXPECT_EQ(count(f), 3u);  // p1/0 at both steps, p2/0 at step 2
  f = {};
  f.correct = false;
  EXPECT_EQ(count(f), 5u);
  f = {};
  f.min_reward = 0.5;
  EXPECT_EQ(count(f), 4u);  // 1.0, 0.5, 1.0, 1.5
  f.max_reward = 1.0;
  EXPECT_EQ(count(f), 3u);
  f = {};
  f.grep = "goodbye";
  EXPECT_EQ(count(f), 2u);
  f = {};
  f.grep = "Question p2";  // matches the prompt
  EXPECT_EQ(count(f), 4u);
  f = {};
  f.prompt_id = "p1";
  f.step = 1;
  EXPECT_EQ(count(f), 2u);
  f = {};
  f.limit = 3;
  EXPECT_EQ(count(f), 3u);
  f = {};
  f.grep = "%";  // not a LIKE pattern: literal substring, matches nothing
  EXPECT_EQ(count(f), 0u);
  // Order: step, prompt, sample.
  auto rows = (*r)->Query({});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].step, 1);
  EXPECT_EQ((*rows)[0].prompt_id, "p1");
  EXPECT_EQ((*rows)[1].sample_index, 1);
  EXPECT_EQ((*rows)[7].step, 2);
  EXPECT_EQ((*rows)[7].prompt_id, "p2");
  // Light rows keep the length but not the arrays.
  RolloutFilter light;
  light.with_tokens = false;
  auto lrows = (*r)->Query(light);
  ASSERT_TRUE(lrows.ok());
  EXPECT_EQ((*lrows)[0].token_ids.size(), 3u);
  EXPECT_TRUE((*lrows)[0].token_texts.empty());
}

TEST(RolloutStoreTest, SummariesMatchHandComputedValues) {
  ScratchDir dir("summaries");
  std::string db = RolloutStorePath(dir.path());
  WriteSmallRun(db);
  auto r = RolloutReader::Open(db);
  ASSERT_TRUE(r.ok());
  auto s = (*r)->Summaries();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 2u);
  const StepSummary& a = (*s)[0];
  EXPECT_EQ(a.step, 1);
  EXPECT_EQ(a.rollouts, 4);
  EXPECT_EQ(a.prompts, 2);
  // Rewards 1, 0, 0.5, 0: mean 0.375, E[x^2] = 1.25/4, std = sqrt(0.3125 - 0.140625).
  EXPECT_DOUBLE_EQ(a.reward_mean, 0.375);
  EXPECT_NEAR(a.reward_std, std::sqrt(0.171875), 1e-12);
  EXPECT_DOUBLE_EQ(a.accuracy, 0.25);
  EXPECT_DOUBLE_EQ(a.tokens_mean, 3.0);
  EXPECT_DOUBLE_EQ(a.component_means.at("correctness"), 0.25);
  EXPECT_DOUBLE_EQ(a.component_means.at("format"), 0.125);
  EXPECT_EQ(a.finish_reasons.at("stop"), 2);
  EXPECT_EQ(a.finish_reasons.at("length"), 2);
  const StepSummary& b = (*s)[1];
  EXPECT_EQ(b.step, 2);
  EXPECT_DOUBLE_EQ(b.reward_mean, 0.625);  // 1, 0, 1.5, 0
  EXPECT_DOUBLE_EQ(b.accuracy, 0.5);
  EXPECT_EQ((*r)->Count().value(), 8);
  EXPECT_EQ((*r)->MaxId().value(), 8);
}

TEST(RolloutStoreTest, RejectsMismatchedTokenArraysNamingTheRow) {
  ScratchDir dir("validate");
  auto w = RolloutWriter::Open(RolloutStorePath(dir.path()));
  ASSERT_TRUE(w.ok());
  RolloutRecord bad = MakeRollout(5, "p7", 1, 1, true);
  bad.token_logprobs.pop_back();
  Status st = (*w)->WriteStep({bad});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("step 5, prompt p7, sample 1"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("token_logprobs"), std::string::npos);
  bad = MakeRollout(5, "p7", 1, 1, true);
  bad.reward = std::nan("");
  EXPECT_EQ((*w)->WriteStep({bad}).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*w)->Flush().ok());
  EXPECT_EQ((*w)->rows_written(), 0);
}

TEST(RolloutStoreTest, KeepsHostileAndBinaryTextVerbatim) {
  ScratchDir dir("hostile");
  std::string db = RolloutStorePath(dir.path());
  RolloutRecord r = MakeRollout(1, "p'; DROP TABLE rollouts; --", 0, 1, true);
  r.completion = std::string("</script><script>alert(1)</script>\x1b[31m\0nul\xff\xfe", 47);
  r.token_texts = {std::string("\xe4\xb8", 2), std::string("\xad", 1), std::string("\0", 1)};
  {
    auto w = RolloutWriter::Open(db);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteStep({r}).ok());
  }
  auto reader = RolloutReader::Open(db);
  ASSERT_TRUE(reader.ok());
  RolloutFilter f;
  f.prompt_id = r.prompt_id;
  auto rows = (*reader)->Query(f);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].completion, r.completion);
  EXPECT_EQ((*rows)[0].token_texts, r.token_texts);
}

TEST(RolloutStoreTest, ManyStepsFromSeveralThreadsAllLand) {
  ScratchDir dir("threads");
  std::string db = RolloutStorePath(dir.path());
  RolloutWriterOptions opt;
  opt.max_queued_batches = 1;  // exercise back-pressure
  auto w = RolloutWriter::Open(db, opt);
  ASSERT_TRUE(w.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int s = 0; s < 25; ++s) {
        std::vector<RolloutRecord> rows;
        for (int k = 0; k < 4; ++k) rows.push_back(MakeRollout(t * 100 + s, "p", k, 1, true));
        EXPECT_TRUE((*w)->WriteStep(std::move(rows)).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE((*w)->Flush().ok());
  EXPECT_EQ((*w)->rows_written(), 400);
  auto r = RolloutReader::Open(db);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->Count().value(), 400);
}

TEST(RolloutStoreTest, CommittedStepsSurviveAKilledWriterProcess) {
  ScratchDir dir("crash");
  std::string db = RolloutStorePath(dir.path());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto w = RolloutWriter::Open(db);
    if (!w.ok()) _exit(3);
    for (int s = 1; s <= 3; ++s) {
      if (!(*w)->WriteStep({MakeRollout(s, "p", 0, 1, true), MakeRollout(s, "p", 1, 0, false)})
               .ok())
        _exit(4);
    }
    if (!(*w)->Flush().ok()) _exit(5);
    _exit(0);  // no destructor, no checkpoint: like a crash after step 3 committed
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto r = RolloutReader::Open(db);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->Count().value(), 6);
}

TEST(RolloutStoreTest, ReadersDuringWritesSeeWholeStepsOnly) {
  // One transaction per step: a reader running beside the writer must never
  // see part of a step.
  ScratchDir dir("concurrent");
  std::string db = RolloutStorePath(dir.path());
  auto w = RolloutWriter::Open(db);
  ASSERT_TRUE(w.ok());
  constexpr int kSteps = 40, kRows = 16;
  std::thread writer([&] {
    for (int s = 1; s <= kSteps; ++s) {
      std::vector<RolloutRecord> rows;
      for (int k = 0; k < kRows; ++k)
        rows.push_back(MakeRollout(s, "p" + std::to_string(k / 4), k % 4, 1, true));
      EXPECT_TRUE((*w)->WriteStep(std::move(rows)).ok());
    }
    EXPECT_TRUE((*w)->Flush().ok());
  });
  auto r = RolloutReader::Open(db);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  int64_t last_count = 0;
  for (int i = 0; i < 200 && last_count < kSteps * kRows; ++i) {
    auto summaries = (*r)->Summaries();
    ASSERT_TRUE(summaries.ok()) << summaries.status().ToString();
    int64_t count = 0;
    for (const auto& s : *summaries) {
      EXPECT_EQ(s.rollouts, kRows) << "partial step " << s.step;
      count += s.rollouts;
    }
    EXPECT_GE(count, last_count);
    last_count = count;
  }
  writer.join();
  EXPECT_EQ((*r)->Count().value(), kSteps * kRows);
}

TEST(RolloutStoreTest, OpenErrorsNameThePath) {
  auto w = RolloutWriter::Open("/proc/rlzero-no-such-dir/rollouts.sqlite");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("/proc/rlzero-no-such-dir/rollouts.sqlite"),
            std::string::npos)
      << w.status().message();
  RolloutWriterOptions bad;
  bad.max_queued_batches = 0;
  EXPECT_EQ(RolloutWriter::Open("/tmp/unused.sqlite", bad).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(RolloutStoreTest, ReaderErrorsNameThePath) {
  ScratchDir dir("missing");
  auto r = RolloutReader::Open(dir.file("rollouts.sqlite"));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find(dir.file("rollouts.sqlite")), std::string::npos);
  {
    FILE* f = std::fopen(dir.file("junk.sqlite").c_str(), "w");
    std::fputs("this is not a database at all, just text padding padding padding", f);
    std::fclose(f);
  }
  auto j = RolloutReader::Open(dir.file("junk.sqlite"));
  EXPECT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("junk.sqlite"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::inspect
