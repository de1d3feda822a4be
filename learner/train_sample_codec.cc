// learner/train_sample_codec.cc: see header. Every read checks the bytes left
// before it copies or allocates, so a hostile length cannot allocate more
// than the payload holds.
#include "learner/train_sample_codec.h"

#include <cstdint>
#include <cstring>

namespace rlzero {
namespace {

constexpr char kMagic[] = "RLZTS1";
constexpr size_t kMagicLen = sizeof(kMagic) - 1;

template <typename T>
void Put(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
void PutVector(std::string* out, const std::vector<T>& v) {
  Put(out, static_cast<uint32_t>(v.size()));
  if (!v.empty()) out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

class Reader {
 public:
  Reader(const std::string& bytes, size_t start) : bytes_(bytes), pos_(start) {}

  template <typename T>
  Status Get(T* v, const std::string& what) {
    if (bytes_.size() - pos_ < sizeof(T)) return Truncated(what);
    std::memcpy(v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::Ok();
  }

  template <typename T>
  Status GetVector(std::vector<T>* v, const std::string& what) {
    uint32_t n = 0;
    RLZ_RETURN_IF_ERROR(Get(&n, what + " length"));
    if ((bytes_.size() - pos_) / sizeof(T) < n) return Truncated(what);
    v->resize(n);
    if (n > 0) std::memcpy(v->data(), bytes_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return Status::Ok();
  }

  size_t left() const { return bytes_.size() - pos_; }

 private:
  Status Truncated(const std::string& what) const {
    return DataLoss("train-sample batch: truncated at byte " + std::to_string(pos_) + " of " +
                    std::to_string(bytes_.size()) + " reading " + what);
  }
  const std::string& bytes_;
  size_t pos_;
};

}  // namespace

std::string EncodeTrainSamples(const std::vector<TrainSample>& samples) {
  std::string out(kMagic, kMagicLen);
  Put(&out, static_cast<uint32_t>(samples.size()));
  for (const TrainSample& s : samples) {
    PutVector(&out, s.prompt_ids);
    PutVector(&out, s.completion_ids);
    PutVector(&out, s.behaviour_logprobs);
    PutVector(&out, s.old_logprobs);
    PutVector(&out, s.ref_logprobs);
    Put(&out, s.advantage);
    Put(&out, static_cast<uint8_t>(s.loss_masked ? 1 : 0));
  }
  return out;
}

StatusOr<std::vector<TrainSample>> DecodeTrainSamples(const std::string& bytes) {
  if (bytes.size() < kMagicLen || bytes.compare(0, kMagicLen, kMagic) != 0) {
    return DataLoss("train-sample batch: bad magic (expected " + std::string(kMagic) + ")");
  }
  Reader r(bytes, kMagicLen);
  uint32_t count = 0;
  RLZ_RETURN_IF_ERROR(r.Get(&count, "the sample count"));
  // Each sample takes at least 5 lengths, an advantage and a flag.
  constexpr size_t kMinSampleBytes = 5 * sizeof(uint32_t) + sizeof(double) + 1;
  if (r.left() / kMinSampleBytes < count) {
    return DataLoss("train-sample batch: " + std::to_string(count) + " samples cannot fit in " +
                    std::to_string(r.left()) + " bytes");
  }
  std::vector<TrainSample> samples(count);
  for (uint32_t i = 0; i < count; ++i) {
    TrainSample& s = samples[i];
    const std::string at = "sample " + std::to_string(i) + " ";
    RLZ_RETURN_IF_ERROR(r.GetVector(&s.prompt_ids, at + "prompt_ids"));
    RLZ_RETURN_IF_ERROR(r.GetVector(&s.completion_ids, at + "completion_ids"));
    RLZ_RETURN_IF_ERROR(r.GetVector(&s.behaviour_logprobs, at + "behaviour_logprobs"));
    RLZ_RETURN_IF_ERROR(r.GetVector(&s.old_logprobs, at + "old_logprobs"));
    RLZ_RETURN_IF_ERROR(r.GetVector(&s.ref_logprobs, at + "ref_logprobs"));
    RLZ_RETURN_IF_ERROR(r.Get(&s.advantage, at + "advantage"));
    uint8_t masked = 0;
    RLZ_RETURN_IF_ERROR(r.Get(&masked, at + "loss_masked"));
    if (masked > 1) return DataLoss("train-sample batch: " + at + "loss_masked is not 0 or 1");
    s.loss_masked = masked == 1;
  }
  if (r.left() != 0) {
    return DataLoss("train-sample batch: " + std::to_string(r.left()) + " trailing bytes after " +
                    std::to_string(count) + " samples");
  }
  return samples;
}

}  // namespace rlzero
