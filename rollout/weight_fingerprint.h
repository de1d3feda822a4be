// rollout/weight_fingerprint.h: a digest of a weights version that both ends
// of a collective weight sync compute where the tensors live, without copying
// GPU tensors to the host. Both ends of a group hold their tensors on the same
// kind of device (gloo: CPU, nccl: CUDA), so each kind has its own rule:
//   - every tensor on the CPU: the StreamChecksum (rollout/stream_checksum.h)
//     of all bytes in order, the chunk stream's checksum, so a CPU
//     WeightSnapshot's `checksum` is already its fingerprint (~13 GB/s);
//   - every tensor on CUDA: for tensor i with bytes read as int16 words
//     w_0..w_{m-1}, a_i = sum(w_k) and b_i = sum(w_{2k}), exact in int64 on
//     the device, folded with (i, numel_i) into a 64-bit FNV-1a-style hash on
//     the host (a 16-byte copy per tensor).
// Either detects a missing, extra, reordered, truncated or differently-shaped
// tensor, a tensor from another version, and any change to one word; neither
// is a cryptographic hash (transport integrity is TCP's / the interconnect's,
// and a forged version would also need the secret group id).
// Contract: tensors must be defined, contiguous and an even number of bytes
// long (every dtype rollout sends is), and all on the CPU or all on CUDA;
// anything else is INVALID_ARGUMENT.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "rollout/weight_stream.h"

namespace rlzero {

StatusOr<uint64_t> WeightFingerprint(const std::vector<NamedTensor>& tensors);

// The CUDA rule on tensors of any one device (tests run it on the CPU).
StatusOr<uint64_t> WordSumFingerprint(const std::vector<NamedTensor>& tensors);

}  // namespace rlzero
