// rollout/rollout_service.cc
#include "rollout/rollout_service.h"

#include <chrono>

#include "rollout/load_weights_reactor.h"
#include "rpc/status_mapping.h"

namespace rlzero {

SamplingParams FromProto(const v1::SamplingParamsProto& p) {
  SamplingParams s;
  s.n = p.n();
  s.temperature = p.temperature();
  s.top_p = p.top_p();
  s.top_k = p.top_k();
  s.min_p = p.min_p();
  s.max_new_tokens = p.max_new_tokens();
  s.stop.assign(p.stop().begin(), p.stop().end());
  s.seed = p.seed();
  return s;
}

void ToProto(const SamplingParams& s, v1::SamplingParamsProto* p) {
  p->set_n(s.n);
  p->set_temperature(s.temperature);
  p->set_top_p(s.top_p);
  p->set_top_k(s.top_k);
  p->set_min_p(s.min_p);
  p->set_max_new_tokens(s.max_new_tokens);
  for (const auto& x : s.stop) p->add_stop(x);
  p->set_seed(s.seed);
}

RolloutServiceImpl::RolloutServiceImpl(RolloutWorker* worker, rpc::TokenAuth auth,
                                       RolloutServiceLimits limits, std::string model_type)
    : worker_(worker),
      auth_(std::move(auth)),
      limits_(limits),
      model_type_(std::move(model_type)),
      collective_(worker, limits_.max_weight_bytes) {}

grpc::Status RolloutServiceImpl::Generate(grpc::ServerContext* ctx, const v1::GenerateRequest* req,
                                          v1::GenerateResponse* resp) {
  if (auto st = auth_.Check(*ctx); !st.ok()) return st;
  auto invalid = [](const std::string& m) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "Generate: " + m);
  };
  if (req->prompts_size() == 0) return invalid("no prompts");
  if (req->prompts_size() > limits_.max_prompts) return invalid("too many prompts");
  if (req->params().n() < 1 || req->params().n() > limits_.max_samples)
    return invalid("params.n must be in [1, " + std::to_string(limits_.max_samples) + "]");
  if (req->params().max_new_tokens() > limits_.max_new_tokens)
    return invalid("params.max_new_tokens too large");
  std::vector<std::vector<int32_t>> prompts;
  prompts.reserve(req->prompts_size());
  for (int i = 0; i < req->prompts_size(); ++i) {
    const auto& ids = req->prompts(i).ids();
    if (ids.size() > limits_.max_prompt_tokens)
      return invalid("prompts[" + std::to_string(i) + "] is too long");
    prompts.emplace_back(ids.begin(), ids.end());
  }
  SamplingParams params = FromProto(req->params());
  params.prompt_index_offset = req->prompt_index_offset();
  if (Status s = params.Validate(); !s.ok()) return rpc::ToGrpcStatus(s);
  auto start = std::chrono::steady_clock::now();
  auto out = worker_->Generate(prompts, params, req->weights_version(), req->max_staleness());
  if (!out.ok()) return rpc::ToGrpcStatus(out.status());
  resp->set_request_id(req->request_id());
  resp->set_weights_version(out->weights_version);
  for (const auto& c : out->completions) {
    auto* p = resp->add_completions();
    p->set_prompt_index(c.prompt_index);
    p->set_sample_index(c.sample_index);
    p->mutable_token_ids()->Add(c.token_ids.begin(), c.token_ids.end());
    p->mutable_logprobs()->Add(c.logprobs.begin(), c.logprobs.end());
    p->set_text(c.text);
    p->set_finish_reason(c.finish_reason);
  }
  resp->set_prefill_tokens(out->stats.prefill_tokens);
  resp->set_decode_tokens(out->stats.decode_tokens);
  resp->set_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return grpc::Status::OK;
}

grpc::ServerReadReactor<grpc::ByteBuffer>* RolloutServiceImpl::LoadWeights(
    grpc::CallbackServerContext* ctx, grpc::ByteBuffer* resp) {
  return new LoadWeightsReactor(ctx, auth_, worker_, &staging_, limits_.max_weight_bytes, resp);
}

grpc::Status RolloutServiceImpl::GetStatus(grpc::ServerContext* ctx, const v1::WorkerStatusRequest*,
                                           v1::WorkerStatusResponse* resp) {
  if (auto st = auth_.Check(*ctx); !st.ok()) return st;
  resp->set_weights_version(worker_->weights_version());
  resp->set_model_type(model_type_);
  resp->set_queued_requests(worker_->queued());
  resp->set_generated_tokens(worker_->generated_tokens());
  return grpc::Status::OK;
}

grpc::Status RolloutServiceImpl::JoinWeightGroup(grpc::ServerContext* ctx,
                                                 const v1::JoinWeightGroupRequest* req,
                                                 v1::JoinWeightGroupResponse* resp) {
  if (auto st = auth_.Check(*ctx); !st.ok()) return st;
  auto port = collective_.Join(req->group_id(), req->backend(), req->timeout_ms(), ctx->peer());
  if (!port.ok()) return rpc::ToGrpcStatus(port.status());
  resp->set_store_port(*port);
  return grpc::Status::OK;
}

grpc::Status RolloutServiceImpl::LoadWeightsCollective(grpc::ServerContext* ctx,
                                                       const v1::CollectiveWeightsRequest* req,
                                                       v1::LoadWeightsResponse* resp) {
  if (auto st = auth_.Check(*ctx); !st.ok()) return st;
  auto out = collective_.Load(*req);
  if (!out.ok()) return rpc::ToGrpcStatus(out.status());
  *resp = std::move(out).value();
  return grpc::Status::OK;
}

}  // namespace rlzero
