// rewards/grpc_plugin.cc
#include "rewards/grpc_plugin.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>

#include "rlzero/v1/verifier.grpc.pb.h"
#include "rpc/status_mapping.h"

namespace rlzero::rewards {

using verifiers::Deadline;
using verifiers::VerifyResult;

struct GrpcPlugin::Impl {
  std::unique_ptr<rlzero::v1::VerifierService::Stub> stub;
};

namespace {

constexpr int kMaxMessageBytes = 64 << 20;

StatusOr<VerifyResult> FromProto(const rlzero::v1::VerifyResponse& p, const std::string& where) {
  if (!p.error().empty()) return Internal(where + ": " + p.error());
  VerifyResult r;
  r.correct = p.correct();
  r.score = p.score();
  r.extracted = p.extracted();
  r.reason = p.reason();
  return r;
}

void SetDeadline(grpc::ClientContext* ctx, const Deadline& deadline) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(deadline.RemainingMs()));
}

}  // namespace

GrpcPlugin::GrpcPlugin(const std::string& address, std::string task, rpc::TokenAuth auth)
    : impl_(new Impl), address_(address), task_(std::move(task)), auth_(std::move(auth)) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  impl_->stub = rlzero::v1::VerifierService::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

GrpcPlugin::GrpcPlugin(std::unique_ptr<Impl> impl, const std::string& address, std::string task,
                       rpc::TokenAuth auth)
    : impl_(std::move(impl)), address_(address), task_(std::move(task)), auth_(std::move(auth)) {}

StatusOr<std::unique_ptr<GrpcPlugin>> GrpcPlugin::Connect(const std::string& address,
                                                          std::string task, rpc::TokenAuth auth,
                                                          const rpc::ClientOptions& client) {
  rpc::ClientOptions options = client;
  options.max_message_bytes = kMaxMessageBytes;
  auto channel = rpc::MakeChannel(address, options);
  if (!channel.ok()) return channel.status().WithContext("gRPC plugin " + address);
  auto impl = std::make_unique<Impl>();
  impl->stub = rlzero::v1::VerifierService::NewStub(*channel);
  return std::unique_ptr<GrpcPlugin>(
      new GrpcPlugin(std::move(impl), address, std::move(task), std::move(auth)));
}

GrpcPlugin::~GrpcPlugin() = default;

StatusOr<VerifyResult> GrpcPlugin::Verify(const Json& sample, const Deadline& deadline) const {
  rlzero::v1::VerifyRequest req;
  req.set_task(task_);
  req.set_sample_json(sample.dump(-1, ' ', false, Json::error_handler_t::replace));
  req.set_timeout_ms(deadline.RemainingMs());
  rlzero::v1::VerifyResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, deadline);
  auth_.Attach(&ctx);
  std::string where = "grpc plugin " + address_ + " task '" + task_ + "'";
  grpc::Status st = impl_->stub->Verify(&ctx, req, &resp);
  if (!st.ok()) return rpc::FromGrpcStatus(st).WithContext(where);
  return FromProto(resp, where);
}

std::vector<StatusOr<VerifyResult>> GrpcPlugin::VerifyBatch(const std::vector<Json>& samples,
                                                            const Deadline& deadline) const {
  // Chunks keep each request under the servers' batch and message limits
  // (rlzero's own server takes up to 4096 samples per batch).
  constexpr size_t kChunk = 1024;
  std::vector<StatusOr<VerifyResult>> out;
  out.reserve(samples.size());
  std::string where = "grpc plugin " + address_ + " task '" + task_ + "'";
  for (size_t begin = 0; begin < samples.size(); begin += kChunk) {
    size_t end = std::min(samples.size(), begin + kChunk);
    rlzero::v1::VerifyBatchRequest req;
    req.set_task(task_);
    for (size_t i = begin; i < end; ++i)
      req.add_samples_json(samples[i].dump(-1, ' ', false, Json::error_handler_t::replace));
    req.set_timeout_ms(deadline.RemainingMs());
    rlzero::v1::VerifyBatchResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, deadline);
    auth_.Attach(&ctx);
    grpc::Status st = impl_->stub->VerifyBatch(&ctx, req, &resp);
    Status failure = rpc::FromGrpcStatus(st).WithContext(where);
    if (st.ok() && resp.results_size() != static_cast<int>(end - begin))
      failure = DataLoss(where + ": " + std::to_string(resp.results_size()) + " results for " +
                         std::to_string(end - begin) + " samples");
    for (size_t i = begin; i < end; ++i) {
      if (!failure.ok())
        out.push_back(failure);
      else
        out.push_back(FromProto(resp.results(static_cast<int>(i - begin)), where));
    }
  }
  return out;
}

}  // namespace rlzero::rewards
