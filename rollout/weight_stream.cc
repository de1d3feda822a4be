// rollout/weight_stream.cc
#include "rollout/weight_stream.h"

#include <cstring>
#include <map>

#include "policy/model_io.h"

namespace rlzero {
namespace {

// Every tensor the model holds under its transformers name: parameters, then
// persistent buffers (e.g. MoE routing biases).
std::vector<std::pair<std::string, torch::Tensor>> ModelTensors(CausalLM& model) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : model.named_parameters()) out.emplace_back(p.key(), p.value());
  for (const auto& b : model.named_buffers()) out.emplace_back(b.key(), b.value());
  return out;
}

}  // namespace

StatusOr<torch::ScalarType> WeightDtypeFromName(const std::string& name) {
  if (name == "float32") return torch::kFloat32;
  if (name == "bfloat16") return torch::kBFloat16;
  if (name == "float16") return torch::kFloat16;
  if (name == "float64") return torch::kFloat64;
  if (name == "int64") return torch::kInt64;
  return InvalidArgument("weight stream: unsupported dtype '" + name + "'");
}

bool ReusableAt(const std::vector<NamedTensor>& earlier, size_t i, const std::string& name,
                torch::ScalarType dtype, c10::IntArrayRef shape, torch::Device device) {
  if (i >= earlier.size() || earlier[i].name != name) return false;
  const torch::Tensor& t = earlier[i].tensor;
  return t.defined() && t.scalar_type() == dtype && t.sizes() == shape && t.device() == device &&
         t.is_contiguous();
}

Status FillSnapshot(CausalLM& model, int64_t version, WeightSnapshot* snap,
                    const std::function<void(size_t)>& tensor_done) {
  std::vector<NamedTensor> reusable = std::move(snap->tensors);
  snap->tensors.clear();
  snap->version = version;
  snap->total_bytes = 0;
  StreamChecksum checksum;
  try {
    torch::NoGradGuard no_grad;
    for (const auto& [name, t] : ModelTensors(model)) {
      torch::Tensor src = t.detach();
      const size_t i = snap->tensors.size();
      const bool reuse = ReusableAt(reusable, i, name, src.scalar_type(), src.sizes(), torch::kCPU);
      torch::Tensor dst;
      if (src.device().is_cpu() && src.is_contiguous()) {
        dst = reuse ? reusable[i].tensor : torch::empty(src.sizes(), src.options());
        checksum.CopyAndUpdate(dst.data_ptr(), src.data_ptr(), src.numel() * src.element_size());
      } else if (reuse) {
        dst = reusable[i].tensor;
        dst.copy_(src);
        checksum.Update(dst.data_ptr(), dst.numel() * dst.element_size());
      } else {
        dst = src.to(torch::kCPU, src.scalar_type(), /*non_blocking=*/false, /*copy=*/true)
                  .contiguous();
        checksum.Update(dst.data_ptr(), dst.numel() * dst.element_size());
      }
      snap->total_bytes += dst.numel() * dst.element_size();
      snap->tensors.push_back({name, dst});
      if (tensor_done) tensor_done(snap->tensors.size() - 1);
    }
  } catch (const c10::Error& e) {
    return Internal(std::string("weight snapshot: ") + e.what_without_backtrace());
  }
  snap->checksum = checksum.Digest();
  return Status::Ok();
}

Status FillDeviceSnapshot(CausalLM& model, int64_t version, WeightSnapshot* snap) {
  std::vector<NamedTensor> reusable = std::move(snap->tensors);
  snap->tensors.clear();
  snap->version = version;
  snap->total_bytes = 0;
  snap->checksum = 0;
  try {
    torch::NoGradGuard no_grad;
    for (const auto& [name, t] : ModelTensors(model)) {
      torch::Tensor src = t.detach();
      const size_t i = snap->tensors.size();
      torch::Tensor dst;
      if (ReusableAt(reusable, i, name, src.scalar_type(), src.sizes(), src.device())) {
        dst = reusable[i].tensor;
        dst.copy_(src);
      } else {
        dst = src.clone(torch::MemoryFormat::Contiguous);
      }
      snap->total_bytes += dst.numel() * dst.element_size();
      snap->tensors.push_back({name, dst});
    }
  } catch (const c10::Error& e) {
    return Internal(std::string("weight snapshot on device: ") + e.what_without_backtrace());
  }
  return Status::Ok();
}

StatusOr<std::shared_ptr<const WeightSnapshot>> SnapshotWeights(CausalLM& model, int64_t version) {
  auto snap = std::make_shared<WeightSnapshot>();
  RLZ_RETURN_IF_ERROR(FillSnapshot(model, version, snap.get()));
  return std::shared_ptr<const WeightSnapshot>(std::move(snap));
}

namespace {

// Calls emit(header, data, size) for every chunk of tensors [begin, end) of
// the snapshot in order.
template <typename Emit>
Status ForEachChunk(const WeightSnapshot& snap, size_t chunk_bytes, Emit&& emit, size_t begin = 0,
                    size_t end = SIZE_MAX) {
  if (chunk_bytes == 0) return InvalidArgument("weight stream: chunk_bytes must be > 0");
  const auto& tensors = snap.tensors;
  for (size_t ti = begin; ti < std::min(end, tensors.size()); ++ti) {
    const auto& [name, t] = tensors[ti];
    const auto* bytes = static_cast<const char*>(t.data_ptr());
    const size_t n = t.numel() * t.element_size();
    size_t offset = 0;
    do {
      const size_t len = std::min(chunk_bytes, n - offset);
      v1::WeightChunk c;
      c.set_version(snap.version);
      c.set_name(name);
      c.set_dtype(DtypeName(t.scalar_type()));
      for (int64_t d : t.sizes()) c.add_shape(d);
      c.set_offset(offset);
      offset += len;
      if (ti + 1 == tensors.size() && offset == n) {
        c.set_last(true);
        c.set_checksum(snap.checksum);
        c.set_tensor_count(static_cast<int32_t>(tensors.size()));
      }
      if (!emit(std::move(c), bytes + offset - len, len))
        return Unavailable("weight stream: the receiver closed the stream");
    } while (offset < n);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<grpc::ByteBuffer>> EncodeWeightFrames(
    const std::shared_ptr<const WeightSnapshot>& snapshot, size_t chunk_bytes, size_t begin,
    size_t end) {
  std::vector<grpc::ByteBuffer> frames;
  RLZ_RETURN_IF_ERROR(ForEachChunk(
      *snapshot, chunk_bytes,
      [&](v1::WeightChunk header, const char* data, size_t n) {
        frames.push_back(EncodeWeightChunk(header, data, n, snapshot));
        return true;
      },
      begin, end));
  return frames;
}

Status WriteWeightChunks(CausalLM& model, int64_t version, size_t chunk_bytes,
                         const std::function<bool(const v1::WeightChunk&)>& write) {
  if (chunk_bytes == 0) return InvalidArgument("weight stream: chunk_bytes must be > 0");
  RLZ_ASSIGN_OR_RETURN(auto snap, SnapshotWeights(model, version));
  return ForEachChunk(*snap, chunk_bytes, [&](v1::WeightChunk c, const char* data, size_t n) {
    c.set_data(data, n);
    return write(c);
  });
}

Status WeightAssembler::StartTensor(const v1::WeightChunk& c) {
  if (c.name().empty()) return InvalidArgument("weight stream: chunk without a tensor name");
  RLZ_ASSIGN_OR_RETURN(torch::ScalarType dtype, WeightDtypeFromName(c.dtype()));
  std::vector<int64_t> shape(c.shape().begin(), c.shape().end());
  uint64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0 || d > (1ll << 40))
      return InvalidArgument("weight stream: " + c.name() + ": bad shape");
    numel *= static_cast<uint64_t>(d);
    if (numel > max_total_bytes_)
      return ResourceExhausted("weight stream: " + c.name() + ": too large");
  }
  uint64_t bytes = numel * torch::elementSize(dtype);
  if (total_bytes_ + bytes > max_total_bytes_)
    return ResourceExhausted("weight stream: over the limit of " +
                             std::to_string(max_total_bytes_) + " bytes at " + c.name());
  total_bytes_ += bytes;
  const size_t i = tensors_.size();
  if (ReusableAt(recycled_, i, c.name(), dtype, shape, torch::kCPU)) {
    tensors_.push_back({c.name(), std::move(recycled_[i].tensor)});
  } else {
    tensors_.push_back({c.name(), torch::empty(shape, torch::dtype(dtype))});
  }
  filled_ = 0;
  return Status::Ok();
}

Status WeightAssembler::Add(const v1::WeightChunk& c) {
  return Add(c, {{c.data().data(), c.data().size()}});
}

Status WeightAssembler::Add(const v1::WeightChunk& c, const std::vector<DataPiece>& pieces) {
  uint64_t data_size = 0;
  for (const auto& p : pieces) data_size += p.size;
  if (done_) return InvalidArgument("weight stream: chunk after the final chunk");
  if (version_ == -1) version_ = c.version();
  if (c.version() != version_)
    return InvalidArgument("weight stream: version changed mid-stream (" +
                           std::to_string(version_) + " -> " + std::to_string(c.version()) + ")");
  bool new_tensor = tensors_.empty() || c.name() != tensors_.back().name ||
                    filled_ == static_cast<uint64_t>(tensors_.back().tensor.numel() *
                                                     tensors_.back().tensor.element_size());
  if (new_tensor) {
    if (!tensors_.empty()) {
      auto& prev = tensors_.back();
      if (filled_ != static_cast<uint64_t>(prev.tensor.numel() * prev.tensor.element_size()))
        return DataLoss("weight stream: tensor " + prev.name + " ended early");
    }
    if (c.offset() != 0)
      return InvalidArgument("weight stream: " + c.name() + ": first chunk at offset " +
                             std::to_string(c.offset()));
    RLZ_RETURN_IF_ERROR(StartTensor(c));
  }
  auto& cur = tensors_.back();
  const uint64_t size = cur.tensor.numel() * cur.tensor.element_size();
  if (c.offset() != filled_ || data_size > size - filled_)
    return InvalidArgument("weight stream: " + c.name() + ": chunk at offset " +
                           std::to_string(c.offset()) + " of " + std::to_string(data_size) +
                           " bytes does not continue the tensor (" + std::to_string(filled_) + "/" +
                           std::to_string(size) + ")");
  for (const auto& p : pieces) {
    checksum_.CopyAndUpdate(static_cast<char*>(cur.tensor.data_ptr()) + filled_, p.data, p.size);
    filled_ += p.size;
  }
  if (c.last()) {
    if (filled_ != size) return DataLoss("weight stream: last tensor " + cur.name + " incomplete");
    if (c.tensor_count() != static_cast<int32_t>(tensors_.size()))
      return DataLoss("weight stream: expected " + std::to_string(c.tensor_count()) +
                      " tensors, got " + std::to_string(tensors_.size()));
    if (c.checksum() != checksum_.Digest()) return DataLoss("weight stream: checksum mismatch");
    done_ = true;
  }
  return Status::Ok();
}

StatusOr<std::vector<NamedTensor>> WeightAssembler::Finish() {
  if (!done_) return DataLoss("weight stream ended before its final chunk");
  recycled_.clear();
  return std::move(tensors_);
}

Status ApplyWeights(CausalLM& model, const std::vector<NamedTensor>& tensors) {
  auto targets = [&] {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : model.named_parameters()) out.emplace_back(p.key(), p.value());
    for (const auto& b : model.named_buffers()) out.emplace_back(b.key(), b.value());
    return out;
  }();
  std::map<std::string, const torch::Tensor*> by_name;
  for (const auto& t : tensors) {
    if (!by_name.emplace(t.name, &t.tensor).second)
      return InvalidArgument("weights: tensor " + t.name + " sent twice");
  }
  if (by_name.size() != targets.size())
    return InvalidArgument("weights: got " + std::to_string(by_name.size()) +
                           " tensors, model has " + std::to_string(targets.size()));
  for (const auto& [name, dst] : targets) {
    auto it = by_name.find(name);
    if (it == by_name.end()) return InvalidArgument("weights: missing tensor " + name);
    if (it->second->sizes() != dst.sizes())
      return InvalidArgument("weights: tensor " + name + " has the wrong shape");
  }
  try {
    torch::NoGradGuard no_grad;
    for (auto& [name, dst] : targets) dst.copy_(*by_name[name]);
  } catch (const c10::Error& e) {
    return Internal(std::string("weights: ") + e.what_without_backtrace());
  }
  return Status::Ok();
}

std::vector<NamedTensor> WeightStagingCache::Take() {
  std::vector<NamedTensor> out;
  std::lock_guard<std::mutex> lock(mu_);
  out.swap(tensors_);
  return out;
}

void WeightStagingCache::Put(std::vector<NamedTensor> tensors) {
  std::lock_guard<std::mutex> lock(mu_);
  tensors_ = std::move(tensors);
}

}  // namespace rlzero
