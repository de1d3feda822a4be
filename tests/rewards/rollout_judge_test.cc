// The judge verifier through its real transport: a fake rlzero.v1
// RolloutService served in-process over loopback gRPC returns canned
// completions (or stalls, or demands a token), and the judge is built from
// config exactly as a reward component is. The fake decodes the token ids it
// receives with the same character-level tokenizer, so the test sees the
// prompt that reached the worker.
#include "rewards/rollout_judge.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "policy/tokenizer/tokenizer.h"
#include "rewards/reward_function.h"
#include "rewards/verifier_spec.h"
#include "rlzero/v1/rollout.grpc.pb.h"
#include "rpc/server_runner.h"

namespace rlzero::rewards {
namespace {

using verifiers::Deadline;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/rlzero_judge_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Alphabet() {
  std::string a = "\n";
  for (char c = ' '; c <= '~'; ++c) a += c;
  return a;
}

// What the fake worker does with a Generate call.
struct FakeBehaviour {
  std::string text = "<verdict>yes</verdict>";
  std::vector<int32_t> token_ids;  // sent instead of text when text is empty
  bool stall = false;              // wait until the client gives up
  bool no_completion = false;
};

class FakeRolloutService final : public v1::RolloutService::Service {
 public:
  FakeRolloutService(const Tokenizer* tokenizer, rpc::TokenAuth auth)
      : tokenizer_(tokenizer), auth_(std::move(auth)) {}
  void set(FakeBehaviour b) {
    std::lock_guard<std::mutex> lock(mu_);
    behaviour_ = std::move(b);
  }
  v1::GenerateRequest last_request() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }
  std::string last_prompt() {
    auto req = last_request();
    if (req.prompts_size() != 1) return "<" + std::to_string(req.prompts_size()) + " prompts>";
    std::vector<int32_t> ids(req.prompts(0).ids().begin(), req.prompts(0).ids().end());
    return tokenizer_->Decode(ids);
  }

  grpc::Status Generate(grpc::ServerContext* ctx, const v1::GenerateRequest* req,
                        v1::GenerateResponse* resp) override {
    grpc::Status auth = auth_.Check(*ctx);
    if (!auth.ok()) return auth;
    FakeBehaviour b;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_ = *req;
      b = behaviour_;
    }
    if (b.stall) {
      auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (!ctx->IsCancelled() && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return grpc::Status(grpc::StatusCode::CANCELLED, "stalled");
    }
    resp->set_request_id(req->request_id());
    if (b.no_completion) return grpc::Status::OK;
    v1::CompletionProto* c = resp->add_completions();
    c->set_text(b.text);
    for (int32_t id : b.token_ids) c->add_token_ids(id);
    c->set_finish_reason("stop");
    return grpc::Status::OK;
  }
  grpc::Status LoadWeights(grpc::ServerContext*, grpc::ServerReader<v1::WeightChunk>*,
                           v1::LoadWeightsResponse*) override {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "fake");
  }
  grpc::Status GetStatus(grpc::ServerContext*, const v1::WorkerStatusRequest*,
                         v1::WorkerStatusResponse*) override {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "fake");
  }

 private:
  const Tokenizer* tokenizer_;
  rpc::TokenAuth auth_;
  std::mutex mu_;
  FakeBehaviour behaviour_;
  v1::GenerateRequest last_;
};

class RolloutJudgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteCharTokenizer(dir_.path(), Alphabet(), {"<s>", "</s>"}).ok());
    auto t = Tokenizer::Load(dir_.path());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    tokenizer_ = std::move(t).value();
    token_file_ = dir_.path() + "/token";
    std::ofstream(token_file_) << "right-token\n";
  }
  void TearDown() override {
    if (runner_) runner_->Shutdown();
  }
  // Starts the fake worker; with_auth: it demands "right-token".
  void StartWorker(bool with_auth = false) {
    service_ = std::make_unique<FakeRolloutService>(
        tokenizer_.get(),
        with_auth ? rpc::TokenAuth::FromToken("right-token") : rpc::TokenAuth::Disabled());
    runner_ = std::make_unique<rpc::ServerRunner>();
    rpc::ServerOptions o;
    o.role = "fake-rollout-worker";
    o.allow_no_auth = true;  // the service checks its own token
    auto address = runner_->Start(o, {service_.get()});
    ASSERT_TRUE(address.ok()) << address.status().ToString();
    address_ = *address;
  }
  StatusOr<std::shared_ptr<verifiers::Verifier>> Judge(Json options, int64_t timeout_ms = 5000) {
    VerifierSpec spec;
    spec.name = "judge";
    spec.verifier = "judge";
    if (!options.contains("address")) options["address"] = address_;
    options["tokenizer"] = dir_.path();
    spec.options = options;
    spec.timeout_ms = timeout_ms;
    return BuildVerifier(spec, verifiers::VerifierEnv{}, "rewards[0]");
  }

  TempDir dir_;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::string token_file_;
  std::unique_ptr<FakeRolloutService> service_;
  std::unique_ptr<rpc::ServerRunner> runner_;
  std::string address_;
};

TEST_F(RolloutJudgeTest, SendsTheGradingPromptAndParsesTheVerdict) {
  StartWorker();
  service_->set({"Reasoning... \\boxed{8}"});
  auto judge = Judge({{"template",
                       "<s>Rubric: {{rubric}}\nQ: {{question}}\n"
                       "{{#reference}}Ref: {{reference}}\n{{/reference}}A: {{response}}"},
                      {"rubric", "be exact"},
                      {"verdict", "boxed"},
                      {"temperature", 0.6},
                      {"top_p", 0.9},
                      {"max_new_tokens", 128},
                      {"stop", {"</s>"}},
                      {"seed", 7}});
  ASSERT_TRUE(judge.ok()) << judge.status().ToString();
  auto r = (*judge)->Verify(Json{{"response", "It is 4."}, {"question", "2+2?"}, {"answer", "4"}},
                            Deadline::In(5000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r->score, 0.8);
  EXPECT_TRUE(r->correct);
  EXPECT_EQ(service_->last_prompt(), "<s>Rubric: be exact\nQ: 2+2?\nRef: 4\nA: It is 4.");
  v1::GenerateRequest req = service_->last_request();
  EXPECT_EQ(req.params().n(), 1);
  EXPECT_DOUBLE_EQ(req.params().temperature(), 0.6);
  EXPECT_DOUBLE_EQ(req.params().top_p(), 0.9);
  EXPECT_EQ(req.params().max_new_tokens(), 128);
  ASSERT_EQ(req.params().stop_size(), 1);
  EXPECT_EQ(req.params().stop(0), "</s>");
  EXPECT_EQ(req.params().seed(), 7u);
  EXPECT_EQ(req.weights_version(), -1);
}

TEST_F(RolloutJudgeTest, UnparseableVerdictIsScoreZeroWithAReason) {
  StartWorker();
  service_->set({"looks good to me"});
  auto judge = Judge(Json::object());
  ASSERT_TRUE(judge.ok()) << judge.status().ToString();
  auto r = (*judge)->Verify(Json{{"response", "x"}}, Deadline::In(5000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->score, 0.0);
  EXPECT_FALSE(r->correct);
  EXPECT_NE(r->reason.find("no <verdict>"), std::string::npos) << r->reason;
}

TEST_F(RolloutJudgeTest, DecodesTokenIdsWhenTheWorkerSendsNoText) {
  StartWorker();
  FakeBehaviour b;
  b.text = "";
  b.token_ids = tokenizer_->Encode("<verdict>no</verdict>");
  service_->set(b);
  auto judge = Judge(Json::object());
  ASSERT_TRUE(judge.ok());
  auto r = (*judge)->Verify(Json{{"response", "x"}}, Deadline::In(5000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->extracted, "no");
  EXPECT_EQ(r->score, 0.0);
  EXPECT_TRUE(r->reason.find("verdict") != std::string::npos);
}

TEST_F(RolloutJudgeTest, StalledWorkerFailsAtTheDeadline) {
  StartWorker();
  FakeBehaviour b;
  b.stall = true;
  service_->set(b);
  auto judge = Judge(Json::object());
  ASSERT_TRUE(judge.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*judge)->Verify(Json{{"response", "x"}}, Deadline::In(300));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().ToString();
  EXPECT_LT(ms, 3000);
  // An expired deadline fails before any call.
  auto late = (*judge)->Verify(Json{{"response", "x"}}, Deadline::In(0));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded);
}

TEST_F(RolloutJudgeTest, WrongTokenIsAFailedComponentNamingUnauthenticated) {
  StartWorker(/*with_auth=*/true);
  std::string wrong = dir_.path() + "/wrong";
  std::ofstream(wrong) << "wrong-token\n";
  auto root = ParseYaml(
      "rewards:\n"
      "  - {name: judged, verifier: judge, weight: 1.0, timeout_ms: 5000,\n"
      "     options: {address: '" +
          address_ + "', tokenizer: '" + dir_.path() + "', auth_token_file: '" + wrong +
          "'}}\n"
          "  - {name: ok, verifier: judge, weight: 0.5, timeout_ms: 5000,\n"
          "     options: {address: '" +
          address_ + "', tokenizer: '" + dir_.path() + "', auth_token_file: '" + token_file_ +
          "'}}\n",
      "t.yaml");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  ConfigReader reader(*root, "t.yaml");
  auto cfg = RewardsConfig::FromConfig(reader);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_TRUE(reader.Finish().ok()) << reader.Finish().ToString();
  auto f = RewardFunction::Create(*cfg->ForTask("x"), verifiers::VerifierEnv{});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  Reward r = (*f)->Score(Json{{"response", "x"}});
  ASSERT_EQ(r.components.size(), 2u);
  EXPECT_TRUE(r.components[0].failed);
  EXPECT_NE(r.components[0].reason.find("UNAUTHENTICATED"), std::string::npos)
      << r.components[0].reason;
  EXPECT_FALSE(r.components[1].failed) << r.components[1].reason;
  EXPECT_DOUBLE_EQ(r.total, 0.5);
}

TEST_F(RolloutJudgeTest, DownWorkerAndEmptyReplyFailWithTheirReason) {
  StartWorker();
  FakeBehaviour b;
  b.no_completion = true;
  service_->set(b);
  auto judge = Judge(Json::object());
  ASSERT_TRUE(judge.ok());
  auto empty = (*judge)->Verify(Json{{"response", "x"}}, Deadline::In(5000));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kDataLoss);
  runner_->Shutdown();
  runner_.reset();
  auto down = (*judge)->Verify(Json{{"response", "x"}}, Deadline::In(5000));
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable) << down.status().ToString();
  EXPECT_NE(down.status().message().find(address_), std::string::npos);
}

TEST_F(RolloutJudgeTest, ConnectionOptionsAreChecked) {
  EXPECT_FALSE(Judge({{"address", ""}}).ok());
  VerifierSpec spec;
  spec.name = spec.verifier = "judge";
  spec.options = Json{{"address", "127.0.0.1:1"}};  // no tokenizer
  EXPECT_FALSE(BuildVerifier(spec, verifiers::VerifierEnv{}, "r").ok());
  spec.options["tokenizer"] = dir_.path() + "/missing";
  EXPECT_FALSE(BuildVerifier(spec, verifiers::VerifierEnv{}, "r").ok());
}

}  // namespace
}  // namespace rlzero::rewards
