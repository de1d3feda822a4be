// inspect/internal/rollout_schema.h: the SQL schema of RUN_DIR/rollouts.sqlite
// and the compact encodings of its array columns (private to inspect/).
//
// Table `rollouts`, one row per scored completion; indexes on step,
// (prompt_id, step) and reward. Array columns are BLOBs, little-endian:
//   token_ids      int32[T]
//   token_logprobs float32[T]
//   token_texts    T x (uint32 byte length, bytes)   -- bytes kept verbatim
// `rewards` is a JSON object {component: value}. Table `meta` holds
// schema_version. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero::inspect::internal {

constexpr int kSchemaVersion = 1;
extern const char kCreateSchemaSql[];

std::string EncodeInt32s(const std::vector<int32_t>& v);
std::string EncodeFloat32s(const std::vector<float>& v);
std::string EncodeStrings(const std::vector<std::string>& v);
// Decoders fail (DATA_LOSS) on a blob whose length does not fit the format.
StatusOr<std::vector<int32_t>> DecodeInt32s(const std::string& blob);
StatusOr<std::vector<float>> DecodeFloat32s(const std::string& blob);
StatusOr<std::vector<std::string>> DecodeStrings(const std::string& blob);

}  // namespace rlzero::inspect::internal
