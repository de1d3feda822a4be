// rewards/rollout_judge.cc
#include "rewards/rollout_judge.h"

#include <grpcpp/grpcpp.h>

#include <atomic>

#include "policy/tokenizer/tokenizer.h"
#include "rlzero/v1/rollout.grpc.pb.h"
#include "rpc/auth.h"
#include "rpc/channel.h"
#include "rpc/status_mapping.h"

namespace rlzero::rewards {
namespace {

constexpr int64_t kMaxReplyBytes = 8 << 20;

struct Connection {
  std::string address;
  std::string tokenizer_path;
  bool add_special_tokens = true;
  std::string auth_token_file;
  std::string tls_ca_file;
  int64_t weights_version = -1;
  int64_t max_prompt_tokens = 32768;
};

class RolloutJudge : public verifiers::JudgeModel {
 public:
  RolloutJudge(Connection c, std::unique_ptr<Tokenizer> tokenizer, rpc::TokenAuth auth,
               std::shared_ptr<grpc::Channel> channel)
      : c_(std::move(c)),
        tokenizer_(std::move(tokenizer)),
        auth_(std::move(auth)),
        stub_(v1::RolloutService::NewStub(channel)) {}

  StatusOr<std::string> Generate(const verifiers::JudgeRequest& request,
                                 const verifiers::Deadline& deadline) const override {
    const std::string where = "judge model " + c_.address;
    std::vector<int32_t> ids = tokenizer_->Encode(request.prompt, c_.add_special_tokens);
    if (static_cast<int64_t>(ids.size()) > c_.max_prompt_tokens)
      return ResourceExhausted(where + ": grading prompt has " + std::to_string(ids.size()) +
                               " tokens, over max_prompt_tokens " +
                               std::to_string(c_.max_prompt_tokens));
    int64_t left_ms = deadline.RemainingMs();
    if (left_ms <= 0) return DeadlineExceeded(where + ": deadline passed before the call");

    v1::GenerateRequest req;
    req.set_request_id("judge-" + std::to_string(next_id_.fetch_add(1)));
    req.set_weights_version(c_.weights_version);
    req.add_prompts()->mutable_ids()->Add(ids.begin(), ids.end());
    v1::SamplingParamsProto* p = req.mutable_params();
    p->set_n(1);
    p->set_temperature(request.temperature);
    p->set_top_p(request.top_p);
    p->set_max_new_tokens(request.max_new_tokens);
    for (const std::string& s : request.stop) p->add_stop(s);
    p->set_seed(request.seed);

    grpc::ClientContext ctx;
    rpc::PrepareContext(&ctx, auth_, std::chrono::milliseconds(left_ms));
    v1::GenerateResponse resp;
    grpc::Status st = stub_->Generate(&ctx, req, &resp);
    if (!st.ok()) return rpc::FromGrpcStatus(st).WithContext(where);
    if (resp.completions_size() < 1) return DataLoss(where + ": reply holds no completion");
    const v1::CompletionProto& c = resp.completions(0);
    if (!c.text().empty() || c.token_ids_size() == 0) return c.text();
    std::vector<int32_t> out(c.token_ids().begin(), c.token_ids().end());
    return tokenizer_->Decode(out, /*skip_special_tokens=*/true);
  }

 private:
  Connection c_;
  std::unique_ptr<Tokenizer> tokenizer_;
  rpc::TokenAuth auth_;
  std::unique_ptr<v1::RolloutService::Stub> stub_;
  mutable std::atomic<uint64_t> next_id_{0};
};

}  // namespace

StatusOr<std::shared_ptr<verifiers::JudgeModel>> ConnectRolloutJudge(ConfigReader& r) {
  Connection c;
  r.Get("address", &c.address);
  r.Get("tokenizer", &c.tokenizer_path);
  r.Get("add_special_tokens", &c.add_special_tokens);
  r.Get("auth_token_file", &c.auth_token_file);
  r.Get("tls_ca_file", &c.tls_ca_file);
  r.Get("weights_version", &c.weights_version);
  r.Get("max_prompt_tokens", &c.max_prompt_tokens);
  if (c.address.empty())
    return InvalidArgument("judge: option 'address' (the rollout worker) is required");
  if (c.tokenizer_path.empty())
    return InvalidArgument(
        "judge: option 'tokenizer' (the judge model's tokenizer.json or dir) is required");
  if (c.max_prompt_tokens <= 0) return InvalidArgument("judge: max_prompt_tokens must be > 0");
  auto tokenizer = Tokenizer::Load(c.tokenizer_path);
  if (!tokenizer.ok()) return tokenizer.status().WithContext("judge tokenizer");
  rpc::TokenAuth auth = rpc::TokenAuth::Disabled();
  if (!c.auth_token_file.empty()) {
    RLZ_ASSIGN_OR_RETURN(auth, rpc::TokenAuth::FromFile(c.auth_token_file));
  }
  rpc::ClientOptions co;
  co.tls_ca_file = c.tls_ca_file;
  co.max_message_bytes = kMaxReplyBytes;
  auto channel = rpc::MakeChannel(c.address, co);
  if (!channel.ok()) return channel.status().WithContext("judge");
  return std::shared_ptr<verifiers::JudgeModel>(
      new RolloutJudge(std::move(c), std::move(tokenizer).value(), std::move(auth), *channel));
}

}  // namespace rlzero::rewards
