// learner/distributed/data_parallel_group.cc: the only translation unit that
// includes c10d headers (process groups, TCPStore, PrefixStore). c10d and Gloo report failures by
// throwing (c10::Error, std::runtime_error, gloo::IoException): every call into them sits inside
// Guard(), which turns the exception into a Status naming the operation, the rank and the
// rendezvous address.
#include "learner/distributed/data_parallel_group.h"

#include <chrono>
#include <cstdlib>
#include <exception>

// The c10d headers hide their Gloo / NCCL classes behind these macros, which
// LibTorch's own build defines; Debian's libtorch is built with Gloo.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#if defined(RLZ_C10D_NCCL) && !defined(USE_C10D_NCCL)
#define USE_C10D_NCCL
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "policy/torch_compat.h"

namespace rlzero {

struct DataParallelGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<RLZ_C10D_BACKEND_BASE> group;
};

namespace {

template <typename Fn>
Status Guard(const DistributedContext& ctx, const std::string& what, Fn&& fn,
             StatusCode code = StatusCode::kInternal) {
  auto where = [&] { return what + " failed on " + ctx.ToString(); };
  try {
    fn();
    return Status::Ok();
  } catch (const c10::Error& e) {
    return Status(code, where() + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    return Status(code, where() + ": " + e.what());
  } catch (...) {
    return Status(code, where() + ": unknown exception");
  }
}

bool IsLoopback(const std::string& addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

// Gloo binds its own sockets for the data path: GLOO_SOCKET_IFNAME (the same
// variable torch.distributed honours) picks an interface; a loopback master
// means a one-machine job, so bind loopback; otherwise the host's address.
std::shared_ptr<::gloo::transport::Device> GlooDevice(const DistributedContext& ctx) {
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname) {
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  }
  if (IsLoopback(ctx.master_addr)) {
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  }
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

c10d::ReduceOp ToC10d(ReduceOp op) {
  switch (op) {
    case ReduceOp::kMax:
      return c10d::ReduceOp(c10d::ReduceOp::MAX);
    case ReduceOp::kMin:
      return c10d::ReduceOp(c10d::ReduceOp::MIN);
    case ReduceOp::kSum:
    case ReduceOp::kMean:
      break;
  }
  return c10d::ReduceOp(c10d::ReduceOp::SUM);
}

void WaitOrThrow(const c10::intrusive_ptr<c10d::Work>& work, int64_t timeout_ms) {
  // Work::wait throws on failure and on timeout (same in 1.13 and 2.x).
  work->wait(std::chrono::milliseconds(timeout_ms));
}

}  // namespace

DataParallelGroup::DataParallelGroup(DistributedContext ctx, DataParallelOptions options)
    : ctx_(std::move(ctx)), options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

DataParallelGroup::~DataParallelGroup() = default;

bool DataParallelGroup::UsesNccl(const DataParallelOptions& options) {
  return options.backend == "nccl" || (options.backend == "auto" && options.cuda_tensors);
}

Status DataParallelGroup::CheckOptions(const DataParallelOptions& options) {
  if (options.timeout_ms <= 0) {
    return InvalidArgument("data-parallel timeout_ms must be > 0, got " +
                           std::to_string(options.timeout_ms));
  }
  if (options.backend != "auto" && options.backend != "gloo" && options.backend != "nccl") {
    return InvalidArgument("data-parallel backend '" + options.backend +
                           "' is not one of auto, gloo, nccl");
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<DataParallelGroup>> DataParallelGroup::Create(
    const DistributedContext& ctx, const DataParallelOptions& options) {
  RLZ_RETURN_IF_ERROR(CheckOptions(options));
  std::unique_ptr<DataParallelGroup> group(new DataParallelGroup(ctx, options));
  if (!ctx.distributed()) return group;

#ifndef USE_C10D_NCCL
  if (UsesNccl(options)) {
    return FailedPrecondition("data-parallel backend nccl requested on " + ctx.ToString() +
                              " but this LibTorch was built without CUDA/NCCL");
  }
#endif
  const auto timeout = std::chrono::milliseconds(options.timeout_ms);
  // Rendezvous: rank 0 serves the store and waits for all ranks; the others
  // connect with retries until the timeout.
  Status st = Guard(
      ctx, "connecting to the c10d TCPStore",
      [&] {
        c10d::TCPStoreOptions so;
        so.port = static_cast<std::uint16_t>(ctx.master_port);
        so.isServer = ctx.rank == 0;
        so.numWorkers = static_cast<std::size_t>(ctx.world_size);
        so.waitWorkers = true;
        so.timeout = timeout;
        group->impl_->store = c10::make_intrusive<c10d::TCPStore>(ctx.master_addr, so);
      },
      StatusCode::kUnavailable);
  RLZ_RETURN_IF_ERROR(st);
  RLZ_RETURN_IF_ERROR(group->CreateBackend());
  return group;
}

struct StoreServer::Impl {
  c10::intrusive_ptr<c10d::Store> store;
};

StoreServer::StoreServer() : impl_(std::make_unique<Impl>()) {}
StoreServer::~StoreServer() = default;

StatusOr<std::unique_ptr<StoreServer>> StoreServer::Start(int64_t timeout_ms) {
  if (timeout_ms <= 0) return InvalidArgument("store server: timeout_ms must be > 0");
  std::unique_ptr<StoreServer> server(new StoreServer());
  DistributedContext where;
  where.source = "store server";
  RLZ_RETURN_IF_ERROR(Guard(
      where, "serving a c10d TCPStore on an ephemeral port",
      [&] {
        c10d::TCPStoreOptions so;
        so.port = 0;  // the kernel picks; getPort() tells which
        so.isServer = true;
        so.waitWorkers = false;
        so.timeout = std::chrono::milliseconds(timeout_ms);
        auto tcp = c10::make_intrusive<c10d::TCPStore>("127.0.0.1", so);
        server->port_ = tcp->getPort();
        server->impl_->store = tcp;
      },
      StatusCode::kUnavailable));
  return server;
}

StatusOr<std::unique_ptr<DataParallelGroup>> DataParallelGroup::CreateOnStore(
    const DistributedContext& ctx, const DataParallelOptions& options,
    const std::string& key_prefix, StoreServer* server) {
  RLZ_RETURN_IF_ERROR(CheckOptions(options));
  if (ctx.world_size < 2 || ctx.rank < 0 || ctx.rank >= ctx.world_size) {
    return InvalidArgument("group on a store: rank " + std::to_string(ctx.rank) +
                           " of world size " + std::to_string(ctx.world_size) +
                           " (needs world size >= 2)");
  }
  if (key_prefix.empty()) return InvalidArgument("group on a store: empty key prefix");
  std::unique_ptr<DataParallelGroup> group(new DataParallelGroup(ctx, options));
  c10::intrusive_ptr<c10d::Store> base;
  if (server != nullptr) {
    base = server->impl_->store;
  } else {
    RLZ_RETURN_IF_ERROR(Guard(
        ctx, "connecting to the c10d TCPStore",
        [&] {
          c10d::TCPStoreOptions so;
          so.port = static_cast<std::uint16_t>(ctx.master_port);
          so.isServer = false;
          so.timeout = std::chrono::milliseconds(options.timeout_ms);
          base = c10::make_intrusive<c10d::TCPStore>(ctx.master_addr, so);
        },
        StatusCode::kUnavailable));
  }
  group->impl_->store = c10::make_intrusive<c10d::PrefixStore>(key_prefix, base);
  RLZ_RETURN_IF_ERROR(group->CreateBackend());
  return group;
}

Status DataParallelGroup::CreateBackend() {
  const DistributedContext& ctx = ctx_;
  const auto timeout = std::chrono::milliseconds(options_.timeout_ms);
  if (UsesNccl(options_)) {
#ifdef USE_C10D_NCCL
    RLZ_RETURN_IF_ERROR(Guard(
        ctx, "creating ProcessGroupNCCL",
        [&] {
          auto o = c10d::ProcessGroupNCCL::Options::create();
          o->timeout = timeout;
          impl_->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, ctx.rank,
                                                                     ctx.world_size, o);
        },
        StatusCode::kUnavailable));
    backend_name_ = "nccl";
    return Status::Ok();
#else
    return FailedPrecondition("backend nccl requested on " + ctx.ToString() +
                              " but this LibTorch was built without CUDA/NCCL");
#endif
  }
  RLZ_RETURN_IF_ERROR(Guard(
      ctx, "creating ProcessGroupGloo",
      [&] {
        auto o = c10d::ProcessGroupGloo::Options::create(timeout);
        o->devices.push_back(GlooDevice(ctx));
        o->threads = 2;
        impl_->group =
            c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, ctx.rank, ctx.world_size, o);
      },
      StatusCode::kUnavailable));
  backend_name_ = "gloo";
  return Status::Ok();
}

Status DataParallelGroup::Broadcast(std::vector<torch::Tensor>& tensors, int root) {
  if (root < 0 || root >= ctx_.world_size) {
    return InvalidArgument("broadcast root " + std::to_string(root) + " outside [0, " +
                           std::to_string(ctx_.world_size) + ")");
  }
  if (!ctx_.distributed()) return Status::Ok();
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!tensors[i].defined() || !tensors[i].is_contiguous()) {
      return InvalidArgument("broadcast tensor " + std::to_string(i) +
                             " is undefined or not contiguous");
    }
  }
  return Guard(ctx_, "broadcast of " + std::to_string(tensors.size()) + " tensors", [&] {
    c10d::BroadcastOptions o;
    o.rootRank = root;
    o.timeout = std::chrono::milliseconds(options_.timeout_ms);
    for (auto& t : tensors) {
      std::vector<at::Tensor> one{t};
      WaitOrThrow(impl_->group->broadcast(one, o), options_.timeout_ms);
    }
  });
}

Status DataParallelGroup::AllReduce(std::vector<torch::Tensor>& tensors, ReduceOp op) {
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!tensors[i].defined() || !tensors[i].is_contiguous()) {
      return InvalidArgument("all-reduce tensor " + std::to_string(i) +
                             " is undefined or not contiguous");
    }
    if (op == ReduceOp::kMean && !tensors[i].is_floating_point()) {
      return InvalidArgument("all-reduce mean of tensor " + std::to_string(i) +
                             " needs a floating dtype");
    }
  }
  if (!ctx_.distributed()) return Status::Ok();
  return Guard(ctx_, "all-reduce of " + std::to_string(tensors.size()) + " tensors", [&] {
    c10d::AllreduceOptions o;
    o.reduceOp = ToC10d(op);
    o.timeout = std::chrono::milliseconds(options_.timeout_ms);
    for (auto& t : tensors) {
      std::vector<at::Tensor> one{t};
      WaitOrThrow(impl_->group->allreduce(one, o), options_.timeout_ms);
      if (op == ReduceOp::kMean) {
        torch::NoGradGuard no_grad;
        t.div_(static_cast<double>(ctx_.world_size));
      }
    }
  });
}

Status DataParallelGroup::Barrier() {
  if (!ctx_.distributed()) return Status::Ok();
  return Guard(ctx_, "barrier", [&] {
    c10d::BarrierOptions o;
    o.timeout = std::chrono::milliseconds(options_.timeout_ms);
    WaitOrThrow(impl_->group->barrier(o), options_.timeout_ms);
  });
}

}  // namespace rlzero
