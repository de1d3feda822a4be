// rollout/weight_fingerprint.cc
#include "rollout/weight_fingerprint.h"

#include "rollout/stream_checksum.h"

namespace rlzero {
namespace {

uint64_t FoldWord(uint64_t h, uint64_t v) {
  for (int byte = 0; byte < 8; ++byte) {
    h ^= (v >> (8 * byte)) & 0xff;
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t HostFingerprint(const std::vector<NamedTensor>& tensors) {
  StreamChecksum checksum;
  for (const auto& t : tensors)
    checksum.Update(t.tensor.data_ptr(), t.tensor.numel() * t.tensor.element_size());
  return checksum.Digest();
}

}  // namespace

StatusOr<uint64_t> WordSumFingerprint(const std::vector<NamedTensor>& tensors) {
  std::vector<torch::Tensor> sums;  // [a_i, b_i] per tensor
  sums.reserve(tensors.size());
  try {
    torch::NoGradGuard no_grad;
    for (const auto& t : tensors) {
      torch::Tensor words = t.tensor.reshape({-1}).view(torch::kInt16);
      torch::Tensor a = words.sum(torch::kInt64);
      torch::Tensor b = words.slice(0, 0, words.numel(), 2).sum(torch::kInt64);
      sums.push_back(torch::stack({a, b}).to(torch::kCPU));
    }
  } catch (const c10::Error& e) {
    return Internal(std::string("weight fingerprint: ") + e.what_without_backtrace());
  }
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const int64_t* ab = sums[i].data_ptr<int64_t>();
    h = FoldWord(h, i);
    h = FoldWord(h, static_cast<uint64_t>(tensors[i].tensor.numel()));
    h = FoldWord(h, static_cast<uint64_t>(ab[0]));
    h = FoldWord(h, static_cast<uint64_t>(ab[1]));
  }
  return h;
}

StatusOr<uint64_t> WeightFingerprint(const std::vector<NamedTensor>& tensors) {
  size_t on_cpu = 0, on_cuda = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const torch::Tensor& t = tensors[i].tensor;
    if (!t.defined() || !t.is_contiguous() || (t.numel() * t.element_size()) % 2 != 0) {
      return InvalidArgument("weight fingerprint: tensor " + std::to_string(i) + " '" +
                             tensors[i].name + "' is undefined, not contiguous or odd-sized");
    }
    on_cpu += t.device().is_cpu() ? 1 : 0;
    on_cuda += t.device().is_cuda() ? 1 : 0;
  }
  if (on_cpu == tensors.size()) return HostFingerprint(tensors);
  if (on_cuda == tensors.size()) return WordSumFingerprint(tensors);
  return InvalidArgument("weight fingerprint: tensors must be all on the CPU or all on CUDA");
}

}  // namespace rlzero
