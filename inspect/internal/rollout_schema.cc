// inspect/internal/rollout_schema.cc
#include "inspect/internal/rollout_schema.h"

#include <cstring>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "rollout store blobs are written little-endian with memcpy; add byte swaps for this host"
#endif

namespace rlzero::inspect::internal {

const char kCreateSchemaSql[] = R"SQL(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS rollouts(
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  step INTEGER NOT NULL,
  weights_version INTEGER NOT NULL,
  prompt_id TEXT NOT NULL,
  prompt TEXT NOT NULL,
  sample_index INTEGER NOT NULL,
  completion TEXT NOT NULL,
  num_tokens INTEGER NOT NULL,
  token_ids BLOB,
  token_texts BLOB,
  token_logprobs BLOB,
  rewards TEXT NOT NULL,
  reward REAL NOT NULL,
  advantage REAL NOT NULL,
  correct INTEGER NOT NULL,
  finish_reason TEXT NOT NULL,
  extracted_answer TEXT NOT NULL,
  verifier_reason TEXT NOT NULL,
  generate_ms REAL NOT NULL,
  verify_ms REAL NOT NULL,
  wall_time REAL NOT NULL);
CREATE INDEX IF NOT EXISTS rollouts_step ON rollouts(step);
CREATE INDEX IF NOT EXISTS rollouts_prompt ON rollouts(prompt_id, step);
CREATE INDEX IF NOT EXISTS rollouts_reward ON rollouts(reward);
)SQL";

namespace {
template <typename T>
std::string EncodePod(const std::vector<T>& v) {
  std::string out(v.size() * sizeof(T), '\0');
  if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}
template <typename T>
StatusOr<std::vector<T>> DecodePod(const std::string& blob, const char* what) {
  if (blob.size() % sizeof(T) != 0) {
    return DataLoss(std::string(what) + " blob of " + std::to_string(blob.size()) +
                    " bytes is not a multiple of " + std::to_string(sizeof(T)));
  }
  std::vector<T> v(blob.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), blob.data(), blob.size());
  return v;
}
}  // namespace

std::string EncodeInt32s(const std::vector<int32_t>& v) { return EncodePod(v); }
std::string EncodeFloat32s(const std::vector<float>& v) { return EncodePod(v); }
StatusOr<std::vector<int32_t>> DecodeInt32s(const std::string& b) {
  return DecodePod<int32_t>(b, "token_ids");
}
StatusOr<std::vector<float>> DecodeFloat32s(const std::string& b) {
  return DecodePod<float>(b, "token_logprobs");
}

std::string EncodeStrings(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    uint32_t n = static_cast<uint32_t>(s.size());
    out.append(reinterpret_cast<const char*>(&n), 4);
    out.append(s);
  }
  return out;
}

StatusOr<std::vector<std::string>> DecodeStrings(const std::string& b) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < b.size()) {
    if (b.size() - pos < 4)
      return DataLoss("token_texts blob: truncated length at byte " + std::to_string(pos));
    uint32_t n;
    std::memcpy(&n, b.data() + pos, 4);
    pos += 4;
    if (b.size() - pos < n)
      return DataLoss("token_texts blob: token of " + std::to_string(n) +
                      " bytes overruns the blob at byte " + std::to_string(pos));
    out.emplace_back(b.data() + pos, n);
    pos += n;
  }
  return out;
}

}  // namespace rlzero::inspect::internal
