// rollout/collective_weight_receiver.cc
#include "rollout/collective_weight_receiver.h"

#include <chrono>
#include <limits>
#include <thread>

#include "rollout/weight_fingerprint.h"
#include "rollout/weight_stream.h"

namespace rlzero {
namespace {

bool ValidGroupId(const std::string& id) {
  if (id.size() < 32 || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

}  // namespace

std::string HostOfAddress(const std::string& address) {
  std::string a = address;
  if (a.rfind("unix:", 0) == 0 || a.rfind("unix-abstract:", 0) == 0) return "127.0.0.1";
  for (const char* scheme : {"ipv4:", "ipv6:", "dns:///", "dns:"}) {
    if (a.rfind(scheme, 0) == 0) {
      a = a.substr(std::string(scheme).size());
      break;
    }
  }
  std::string host;
  if (!a.empty() && a[0] == '[') {
    const size_t close = a.find(']');
    host = close == std::string::npos ? a.substr(1) : a.substr(1, close - 1);
  } else {
    const size_t colon = a.rfind(':');
    host = colon == std::string::npos ? a : a.substr(0, colon);
  }
  if (host.empty() || IsLoopbackHost(host)) return "127.0.0.1";
  return host;
}

CollectiveWeightReceiver::CollectiveWeightReceiver(RolloutWorker* worker, uint64_t max_bytes)
    : worker_(worker), max_bytes_(max_bytes) {}

CollectiveWeightReceiver::~CollectiveWeightReceiver() = default;

StatusOr<int> CollectiveWeightReceiver::Join(const std::string& group_id,
                                             const std::string& backend, int64_t timeout_ms,
                                             const std::string& peer_host) {
  if (!ValidGroupId(group_id))
    return InvalidArgument("JoinWeightGroup: group_id must be 32..128 of [0-9a-zA-Z_-]");
  if (backend != "gloo" && backend != "nccl")
    return InvalidArgument("JoinWeightGroup: backend '" + backend + "' is not gloo or nccl");
  if (timeout_ms <= 0 || timeout_ms > 24ll * 3600 * 1000)
    return InvalidArgument("JoinWeightGroup: timeout_ms must be in (0, 1 day]");
  const bool cuda = worker_->device().is_cuda();
  if (backend == "nccl" && !cuda) {
    return FailedPrecondition(
        "JoinWeightGroup: backend nccl needs the worker's model on a CUDA device; it is on " +
        worker_->device().str());
  }
  std::lock_guard<std::mutex> lock(mu_);
  // The old group goes first (its destructor waits for its own work, which
  // its timeout bounds).
  DropGroupLocked();
  RLZ_ASSIGN_OR_RETURN(std::unique_ptr<StoreServer> store, StoreServer::Start(timeout_ms));
  store_ = std::move(store);
  const int port = store_->port();
  DistributedContext ctx;
  ctx.rank = 1;
  ctx.world_size = 2;
  ctx.master_addr = HostOfAddress(peer_host);
  ctx.master_port = port;
  ctx.source = "weight sync";
  DataParallelOptions options;
  options.backend = backend;
  options.timeout_ms = timeout_ms;
  options.cuda_tensors = backend == "nccl";
  std::shared_ptr<StoreServer> served = store_;
  // The join runs on a detached thread that owns all it uses (the store, its
  // promise), so abandoning it (a new Join, this receiver's destruction)
  // never waits for a learner that does not come: it ends at its timeout.
  auto promise = std::make_shared<std::promise<GroupResult>>();
  joining_ = promise->get_future();
  std::thread([ctx, options, group_id, served, promise] {
    promise->set_value(DataParallelGroup::CreateOnStore(ctx, options, group_id, served.get()));
  }).detach();
  group_id_ = group_id;
  backend_ = backend;
  return port;
}

void CollectiveWeightReceiver::DropGroupLocked() {
  joining_ = {};  // a join still waiting for its learner is abandoned, not waited for
  group_.reset();
  store_.reset();
  group_id_.clear();
}

Status CollectiveWeightReceiver::AwaitGroup() {
  if (group_) return Status::Ok();
  if (!joining_.valid())
    return FailedPrecondition("LoadWeightsCollective: no weight group; call JoinWeightGroup first");
  GroupResult joined = joining_.get();  // bounded: CreateOnStore times out by itself
  joining_ = {};
  if (!joined.ok()) {
    group_id_.clear();
    return joined.status().WithContext("LoadWeightsCollective: joining the weight group");
  }
  group_ = std::move(joined).value();
  return Status::Ok();
}

Status CollectiveWeightReceiver::Receive(const v1::CollectiveWeightsRequest& request,
                                         std::vector<NamedTensor>* out) {
  auto invalid = [](const std::string& m) {
    return InvalidArgument("LoadWeightsCollective: " + m);
  };
  if (request.tensors_size() == 0) return invalid("no tensors");
  if (request.tensors_size() > 1'000'000) return invalid("too many tensors");
  const torch::Device device = backend_ == "nccl" ? worker_->device() : torch::Device(torch::kCPU);
  // Validate everything and bound the total before allocating anything.
  std::vector<torch::ScalarType> dtypes;
  uint64_t total = 0;
  for (int i = 0; i < request.tensors_size(); ++i) {
    const auto& spec = request.tensors(i);
    const std::string where = "tensors[" + std::to_string(i) + "] '" + spec.name() + "'";
    if (spec.name().empty() || spec.name().size() > 1024) return invalid(where + ": bad name");
    auto dtype = WeightDtypeFromName(spec.dtype());
    if (!dtype.ok()) return invalid(where + ": " + dtype.status().message());
    if (spec.shape_size() > 8) return invalid(where + ": more than 8 dimensions");
    uint64_t bytes = static_cast<uint64_t>(c10::elementSize(*dtype));
    for (int64_t d : spec.shape()) {
      if (d < 0) return invalid(where + ": negative dimension");
      if (d > 0 && bytes > max_bytes_ / static_cast<uint64_t>(d))
        return invalid(where + ": larger than the worker's limit");
      bytes *= static_cast<uint64_t>(d);
    }
    if (bytes % 2 != 0) return invalid(where + ": odd byte size");
    total += bytes;
    if (total > max_bytes_) {
      return invalid("the version has more than the worker's limit of " +
                     std::to_string(max_bytes_) + " bytes");
    }
    dtypes.push_back(*dtype);
  }
  std::vector<NamedTensor> tensors;
  tensors.reserve(request.tensors_size());
  std::vector<torch::Tensor> receive;
  try {
    for (int i = 0; i < request.tensors_size(); ++i) {
      const auto& spec = request.tensors(i);
      std::vector<int64_t> shape(spec.shape().begin(), spec.shape().end());
      torch::Tensor t;
      if (ReusableAt(staging_, i, spec.name(), dtypes[i], shape, device)) {
        t = staging_[i].tensor;
      } else {
        t = torch::empty(shape, torch::TensorOptions().dtype(dtypes[i]).device(device));
      }
      tensors.push_back({spec.name(), t});
      receive.push_back(t);
    }
  } catch (const c10::Error& e) {
    return ResourceExhausted(std::string("LoadWeightsCollective: allocating the version: ") +
                             e.what_without_backtrace());
  }
  staging_.clear();  // its tensors are in `tensors` now, or no longer needed
  RLZ_RETURN_IF_ERROR(group_->Broadcast(receive, /*root=*/0));
  RLZ_ASSIGN_OR_RETURN(uint64_t fingerprint, WeightFingerprint(tensors));
  if (fingerprint != request.fingerprint()) {
    return DataLoss("LoadWeightsCollective: version " + std::to_string(request.version()) +
                    " arrived with fingerprint " + std::to_string(fingerprint) + ", expected " +
                    std::to_string(request.fingerprint()));
  }
  *out = std::move(tensors);
  return Status::Ok();
}

StatusOr<v1::LoadWeightsResponse> CollectiveWeightReceiver::Load(
    const v1::CollectiveWeightsRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (request.group_id().empty() || request.group_id() != group_id_) {
    return FailedPrecondition(
        "LoadWeightsCollective: group_id is not the weight group joined last; call "
        "JoinWeightGroup first");
  }
  RLZ_RETURN_IF_ERROR(AwaitGroup());
  std::vector<NamedTensor> tensors;
  Status received = Receive(request, &tensors);
  if (received.ok()) received = worker_->LoadWeights(request.version(), tensors);
  if (!received.ok()) {
    // The learner may still be sending: closing our end fails its broadcasts now.
    DropGroupLocked();
    return received;
  }
  uint64_t bytes = 0;
  for (const auto& t : tensors) bytes += t.tensor.numel() * t.tensor.element_size();
  staging_ = std::move(tensors);  // copied into the model: reusable next version
  v1::LoadWeightsResponse resp;
  resp.set_version(request.version());
  resp.set_bytes(bytes);
  resp.set_seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return resp;
}

}  // namespace rlzero
