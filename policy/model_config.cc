// policy/model_config.cc: config.json <-> ModelConfig. Torch-free. Every
// access to the untrusted JSON is type-checked first: no exception escapes.
#include "policy/model_config.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "policy/model_family.h"

namespace rlzero {
namespace {

using Json = nlohmann::json;

// Largest accepted size fields: far above real models, low enough that a
// hostile config cannot make the builder multiply its way to overflow.
constexpr int64_t kMaxDim = int64_t{1} << 24;

// Keys this file models (never copied into `extra`).
const std::set<std::string>& ModelledKeys() {
  static const std::set<std::string> k = {"model_type",
                                          "architectures",
                                          "vocab_size",
                                          "hidden_size",
                                          "intermediate_size",
                                          "num_hidden_layers",
                                          "num_attention_heads",
                                          "num_key_value_heads",
                                          "head_dim",
                                          "rms_norm_eps",
                                          "rope_theta",
                                          "rope_scaling",
                                          "max_position_embeddings",
                                          "tie_word_embeddings",
                                          "attention_bias",
                                          "mlp_bias",
                                          "bos_token_id",
                                          "eos_token_id",
                                          "pad_token_id",
                                          "torch_dtype",
                                          "dtype",
                                          "initializer_range",
                                          "hidden_act",
                                          "use_sliding_window",
                                          "transformers_version"};
  return k;
}

class Reader {
 public:
  Reader(const Json& j, std::string where) : j_(j), where_(std::move(where)) {}

  Status Int(const char* key, int64_t* out, bool required, int64_t lo, int64_t hi) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) {
      if (required) return InvalidArgument(where_ + ": missing field " + key);
      return Status::Ok();
    }
    if (!it->is_number_integer())
      return InvalidArgument(where_ + ": field " + key + " must be an integer");
    int64_t v = it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX)
                    ? INT64_MAX
                    : it->get<int64_t>();
    if (v < lo || v > hi) {
      return InvalidArgument(where_ + ": field " + key + " = " + std::to_string(v) +
                             " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                             "]");
    }
    *out = v;
    return Status::Ok();
  }
  Status Double(const char* key, double* out, bool positive) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return Status::Ok();
    if (!it->is_number()) return InvalidArgument(where_ + ": field " + key + " must be a number");
    double v = it->get<double>();
    if (!(v == v) || (positive && !(v > 0)))
      return InvalidArgument(where_ + ": field " + key + " must be > 0");
    *out = v;
    return Status::Ok();
  }
  Status Bool(const char* key, bool* out) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return Status::Ok();
    if (!it->is_boolean()) return InvalidArgument(where_ + ": field " + key + " must be a bool");
    *out = it->get<bool>();
    return Status::Ok();
  }
  Status Str(const char* key, std::string* out) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return Status::Ok();
    if (!it->is_string()) return InvalidArgument(where_ + ": field " + key + " must be a string");
    *out = it->get<std::string>();
    return Status::Ok();
  }

 private:
  const Json& j_;
  std::string where_;
};

Status ParseTokenId(const Json& j, const char* key, const std::string& where,
                    std::vector<int64_t>* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  auto one = [&](const Json& v) -> Status {
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxDim * 64)
      return InvalidArgument(where + ": field " + key + " must be a token id or a list of them");
    out->push_back(v.get<int64_t>());
    return Status::Ok();
  };
  if (it->is_array()) {
    for (const Json& v : *it) RLZ_RETURN_IF_ERROR(one(v));
    return Status::Ok();
  }
  return one(*it);
}

}  // namespace

StatusOr<ModelConfig> ParseModelConfig(const Json& j, const std::string& where) {
  if (!j.is_object()) return InvalidArgument(where + ": config is not a JSON object");
  ModelConfig c;
  Reader r(j, where);
  RLZ_RETURN_IF_ERROR(r.Str("model_type", &c.model_type));
  if (c.model_type.empty()) return InvalidArgument(where + ": missing field model_type");
  const ModelFamily* family = FindModelFamily(c.model_type);
  if (family == nullptr) {
    std::string known;
    for (const auto& n : ModelFamilyNames()) known += (known.empty() ? "" : ", ") + n;
    return InvalidArgument(where + ": unknown model_type '" + c.model_type +
                           "' (supported: " + known + ")");
  }
  c.rope_theta = family->default_rope_theta;
  c.max_position_embeddings = family->default_max_position_embeddings;
  RLZ_RETURN_IF_ERROR(r.Int("vocab_size", &c.vocab_size, true, 1, kMaxDim));
  RLZ_RETURN_IF_ERROR(r.Int("hidden_size", &c.hidden_size, true, 1, kMaxDim));
  RLZ_RETURN_IF_ERROR(r.Int("intermediate_size", &c.intermediate_size, true, 1, kMaxDim));
  RLZ_RETURN_IF_ERROR(r.Int("num_hidden_layers", &c.num_hidden_layers, true, 1, 4096));
  RLZ_RETURN_IF_ERROR(r.Int("num_attention_heads", &c.num_attention_heads, true, 1, 65536));
  c.num_key_value_heads = c.num_attention_heads;
  RLZ_RETURN_IF_ERROR(r.Int("num_key_value_heads", &c.num_key_value_heads, false, 1, 65536));
  if (c.num_attention_heads % c.num_key_value_heads != 0) {
    return InvalidArgument(
        where + ": num_attention_heads " + std::to_string(c.num_attention_heads) +
        " is not a multiple of num_key_value_heads " + std::to_string(c.num_key_value_heads));
  }
  c.head_dim = family->default_head_dim;
  if (c.head_dim == 0) {
    if (c.hidden_size % c.num_attention_heads != 0)
      return InvalidArgument(where + ": hidden_size is not a multiple of num_attention_heads");
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  RLZ_RETURN_IF_ERROR(r.Int("head_dim", &c.head_dim, false, 2, 65536));
  if (c.head_dim % 2 != 0) return InvalidArgument(where + ": head_dim must be even (RoPE)");
  if (c.head_dim * c.num_attention_heads > kMaxDim)
    return InvalidArgument(where + ": head_dim x num_attention_heads is too large");
  RLZ_RETURN_IF_ERROR(r.Double("rms_norm_eps", &c.rms_norm_eps, true));
  RLZ_RETURN_IF_ERROR(r.Double("rope_theta", &c.rope_theta, true));
  RLZ_ASSIGN_OR_RETURN(c.rope_scaling, ParseRopeScaling(j, where));
  RLZ_RETURN_IF_ERROR(ApplyRopeParameters(j, where, &c.rope_theta, &c.rope_scaling));
  RLZ_RETURN_IF_ERROR(
      r.Int("max_position_embeddings", &c.max_position_embeddings, false, 1, kMaxDim * 64));
  RLZ_RETURN_IF_ERROR(r.Bool("tie_word_embeddings", &c.tie_word_embeddings));
  RLZ_RETURN_IF_ERROR(r.Bool("attention_bias", &c.attention_bias));
  RLZ_RETURN_IF_ERROR(r.Bool("mlp_bias", &c.mlp_bias));
  std::vector<int64_t> ids;
  RLZ_RETURN_IF_ERROR(ParseTokenId(j, "bos_token_id", where, &ids));
  if (ids.size() > 1) return InvalidArgument(where + ": bos_token_id must be one id");
  if (!ids.empty()) c.bos_token_id = ids[0];
  ids.clear();
  RLZ_RETURN_IF_ERROR(ParseTokenId(j, "pad_token_id", where, &ids));
  if (ids.size() > 1) return InvalidArgument(where + ": pad_token_id must be one id");
  if (!ids.empty()) c.pad_token_id = ids[0];
  RLZ_RETURN_IF_ERROR(ParseTokenId(j, "eos_token_id", where, &c.eos_token_ids));
  std::string dtype;
  RLZ_RETURN_IF_ERROR(r.Str("dtype", &dtype));  // newer transformers
  RLZ_RETURN_IF_ERROR(r.Str("torch_dtype", &dtype));
  if (!dtype.empty()) {
    if (dtype != "float32" && dtype != "bfloat16" && dtype != "float16")
      return InvalidArgument(where + ": torch_dtype '" + dtype +
                             "' is not float32, bfloat16 or float16");
    c.torch_dtype = dtype;
  }
  RLZ_RETURN_IF_ERROR(r.Double("initializer_range", &c.initializer_range, true));
  std::string act = "silu";
  RLZ_RETURN_IF_ERROR(r.Str("hidden_act", &act));
  if (act != "silu") return Unimplemented(where + ": hidden_act '" + act + "' (only silu)");
  bool sliding = false;
  RLZ_RETURN_IF_ERROR(r.Bool("use_sliding_window", &sliding));
  if (sliding) return Unimplemented(where + ": use_sliding_window=true is not supported");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!ModelledKeys().count(it.key())) c.extra[it.key()] = it.value();
  }
  return c;
}

StatusOr<ModelConfig> ParseModelConfigText(const std::string& text, const std::string& where) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const std::exception& e) {
    return InvalidArgument(where + ": not valid JSON: " + e.what());
  }
  return ParseModelConfig(j, where);
}

StatusOr<ModelConfig> LoadModelConfig(const std::string& path) {
  std::error_code ec;
  std::string file = std::filesystem::is_directory(path, ec) ? path + "/config.json" : path;
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFound(file + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseModelConfigText(ss.str(), file);
}

Json ModelConfigToJson(const ModelConfig& c) {
  Json out = c.extra.is_object() ? c.extra : Json::object();
  const ModelFamily* family = FindModelFamily(c.model_type);
  out["architectures"] = Json::array({family ? family->architecture : c.model_type});
  out["model_type"] = c.model_type;
  out["vocab_size"] = c.vocab_size;
  out["hidden_size"] = c.hidden_size;
  out["intermediate_size"] = c.intermediate_size;
  out["num_hidden_layers"] = c.num_hidden_layers;
  out["num_attention_heads"] = c.num_attention_heads;
  out["num_key_value_heads"] = c.num_key_value_heads;
  out["head_dim"] = c.head_dim;
  out["hidden_act"] = "silu";
  out["rms_norm_eps"] = c.rms_norm_eps;
  out["rope_theta"] = c.rope_theta;
  out["rope_scaling"] = RopeScalingToJson(c.rope_scaling);
  out["max_position_embeddings"] = c.max_position_embeddings;
  out["tie_word_embeddings"] = c.tie_word_embeddings;
  out["attention_bias"] = c.attention_bias;
  out["initializer_range"] = c.initializer_range;
  out["bos_token_id"] = c.bos_token_id ? Json(*c.bos_token_id) : Json(nullptr);
  if (c.eos_token_ids.size() == 1) {
    out["eos_token_id"] = c.eos_token_ids[0];
  } else if (c.eos_token_ids.empty()) {
    out["eos_token_id"] = nullptr;
  } else {
    out["eos_token_id"] = c.eos_token_ids;
  }
  if (c.pad_token_id) out["pad_token_id"] = *c.pad_token_id;
  out["torch_dtype"] = c.torch_dtype;
  if (!out.contains("use_cache")) out["use_cache"] = true;
  if (!out.contains("attention_dropout")) out["attention_dropout"] = 0.0;
  // The transformers release whose config layout this follows.
  out["transformers_version"] = "4.51.0";
  if (family != nullptr && family->write_extra_fields != nullptr)
    family->write_extra_fields(c, &out);
  return out;
}

Status WriteModelConfig(const ModelConfig& config, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << ModelConfigToJson(config).dump(2) << "\n";
    if (!out) return Internal(tmp + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Internal(path + ": cannot rename: " + ec.message());
  return Status::Ok();
}

}  // namespace rlzero
