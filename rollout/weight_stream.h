// rollout/weight_stream.h: a model's weights as a stream of versioned chunks
// (rlzero.v1.WeightChunk) and back, for weight sync learner -> rollout worker
// over gRPC.
//
// Contract: WriteWeightChunks sends every parameter (and persistent buffer) of
// the model under its transformers name, in named_parameters() order, as
// little-endian bytes in the parameter's dtype, cut into chunks of at most
// chunk_bytes; the final chunk has last = true, the tensor count and an
// StreamChecksum digest (rollout/stream_checksum.h) over all bytes in order. WeightAssembler
// rebuilds the tensors and checks names, shapes, sizes, order and checksum; anything off is
// INVALID_ARGUMENT / DATA_LOSS naming the tensor, never a crash (the stream comes from the
// network). A chunk's data may also come as pieces of a received gRPC frame
// (DecodeWeightChunk), copied once into place. ApplyWeights copies assembled tensors into a model
// whose names and shapes must match exactly. Thread safety: a WeightAssembler is used by one
// thread.
//
// Memory reuse: a 531 MB model streamed every version spent much of its time page-faulting and
// zeroing fresh allocations (the learner's snapshot, the worker's assembly tensors). FillSnapshot
// refills an earlier snapshot in place and WeightAssembler::Recycle hands the assembler the
// tensors of an earlier version (kept by a WeightStagingCache between calls); in both, a tensor's
// memory is reused only when its name, dtype and shape match those at the same position, and is
// allocated afresh otherwise. Reuse changes no check: sizes are bounded before anything is
// allocated or reused, and every byte of every tensor must arrive (stale bytes from an earlier
// version never pass for new ones).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "policy/causal_lm.h"
#include "rlzero/v1/rollout.pb.h"
#include "rollout/stream_checksum.h"
#include "rollout/weight_chunk_wire.h"

namespace rlzero {

struct NamedTensor {
  std::string name;
  torch::Tensor tensor;  // CPU, contiguous
};

// One published version of the weights: copies of every model tensor (so
// training may go on while workers are still being sent this version) and
// the StreamChecksum of their bytes, computed during the copy. Immutable once
// built; share it through shared_ptr<const WeightSnapshot>.
struct WeightSnapshot {
  int64_t version = -1;
  // Model order, contiguous; on the CPU, except from FillDeviceSnapshot.
  std::vector<NamedTensor> tensors;
  uint64_t checksum = 0;  // 0 from FillDeviceSnapshot
  uint64_t total_bytes = 0;
};

StatusOr<std::shared_ptr<const WeightSnapshot>> SnapshotWeights(CausalLM& model, int64_t version);

// SnapshotWeights into `snap`, reusing the memory of its tensors that have
// the model's name, dtype and shape at the same position (other tensors are
// allocated afresh, extra ones dropped). The caller must hold the only
// reference to `snap` and to its tensors' memory (no frame of an earlier
// encoding alive). `tensor_done(i)`, if set, is called once tensor i is
// copied (its bytes are then final; snap->tensors has i + 1 entries), so the
// caller may encode and send it while the rest is copied. On error `snap` is
// left partly overwritten: discard it.
Status FillSnapshot(CausalLM& model, int64_t version, WeightSnapshot* snap,
                    const std::function<void(size_t)>& tensor_done = nullptr);

// Whether earlier[i] can take tensor i of a new version in place: the same
// name, dtype, shape and device, defined and contiguous. Every reuse of an
// earlier version's memory (snapshots, assembly and staging tensors) goes
// through this one rule.
bool ReusableAt(const std::vector<NamedTensor>& earlier, size_t i, const std::string& name,
                torch::ScalarType dtype, c10::IntArrayRef shape, torch::Device device);

// FillSnapshot's twin for collective sync over NCCL: the copies stay on each
// tensor's own device (no host round trip) and no StreamChecksum is computed
// (collective sync checks a WeightFingerprint instead). Reuses `snap`'s
// tensors where name, device, dtype and shape match.
Status FillDeviceSnapshot(CausalLM& model, int64_t version, WeightSnapshot* snap);

// "float32" | "bfloat16" | "float16" | "float64" | "int64", the dtype names of
// WeightChunk and TensorSpec; anything else is INVALID_ARGUMENT.
StatusOr<torch::ScalarType> WeightDtypeFromName(const std::string& name);

// The snapshot's tensors [begin, end) as WeightChunk frames of at most
// chunk_bytes of data each, whose data aliases the snapshot's memory
// (rollout/weight_chunk_wire.h); each frame keeps the snapshot alive. The
// frames of the whole range [0, n) are the whole stream; the final frame
// (of tensor n - 1) carries the snapshot's checksum, so encode the last
// tensor only once the snapshot is complete.
StatusOr<std::vector<grpc::ByteBuffer>> EncodeWeightFrames(
    const std::shared_ptr<const WeightSnapshot>& snapshot, size_t chunk_bytes, size_t begin = 0,
    size_t end = SIZE_MAX);

// Calls `write` for each chunk in order (as protobuf messages, data copied:
// for tests and small models); stops with UNAVAILABLE if it returns false.
Status WriteWeightChunks(CausalLM& model, int64_t version, size_t chunk_bytes,
                         const std::function<bool(const v1::WeightChunk&)>& write);

class WeightAssembler {
 public:
  // max_total_bytes bounds what a (hostile) stream may make us allocate.
  explicit WeightAssembler(uint64_t max_total_bytes) : max_total_bytes_(max_total_bytes) {}
  // Tensors of an earlier version (e.g. the previous Finish) whose memory
  // the stream's tensors may reuse: the i-th tensor of the stream is written
  // into recycled[i] when name, dtype and shape all match, else allocated.
  // Call before the first Add; the assembler takes the tensors over (nobody
  // else may read or write them any more).
  void Recycle(std::vector<NamedTensor> recycled) { recycled_ = std::move(recycled); }
  Status Add(const v1::WeightChunk& chunk);
  // The same for a chunk whose data arrives as pieces (header.data() is
  // ignored): each byte is copied once, straight into the tensor being
  // rebuilt, and checksummed in the same pass.
  Status Add(const v1::WeightChunk& header, const std::vector<DataPiece>& pieces);
  bool done() const { return done_; }
  int64_t version() const { return version_; }
  uint64_t total_bytes() const { return total_bytes_; }
  // The tensors, once the final chunk has arrived and the checksum matched.
  StatusOr<std::vector<NamedTensor>> Finish();

 private:
  Status StartTensor(const v1::WeightChunk& chunk);

  uint64_t max_total_bytes_;
  std::vector<NamedTensor> recycled_;  // from Recycle; consumed by position
  std::vector<NamedTensor> tensors_;
  uint64_t filled_ = 0;  // bytes of the current tensor received
  uint64_t total_bytes_ = 0;
  StreamChecksum checksum_;
  int64_t version_ = -1;
  bool done_ = false;
};

// Copies tensors into model's parameters/buffers by name (dtype converted to
// the model's); every model tensor must be present exactly once.
Status ApplyWeights(CausalLM& model, const std::vector<NamedTensor>& tensors);

// A rollout worker's assembly tensors kept from one LoadWeights call to the
// next: a call Takes them and gives its WeightAssembler them to Recycle, and
// Puts its own tensors back once they are applied (copied into the model, so
// nothing else refers to them). Costs one model's worth of memory between
// versions, which the worker needed anyway while a version was loading.
// Concurrent calls: the second Take gets nothing (its assembler allocates);
// Put keeps the last tensors given. Thread safety: any thread.
class WeightStagingCache {
 public:
  std::vector<NamedTensor> Take();
  void Put(std::vector<NamedTensor> tensors);

 private:
  std::mutex mu_;
  std::vector<NamedTensor> tensors_;  // guarded by mu_
};

}  // namespace rlzero
