// policy/rope_scaling.cc: the rope-type registry (see rope_scaling.h). Every
// access to the untrusted JSON is type-checked first: no exception escapes.
#include "policy/rope_scaling.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace rlzero {
namespace {

using Json = nlohmann::json;

constexpr double kPi = 3.14159265358979323846;
constexpr int64_t kMaxPositions = int64_t{1} << 30;

// What a rope type's frequency function may read besides its own fields.
struct RopeContext {
  int64_t dim;
  double theta;
  int64_t max_position_embeddings;
};

// Optional number field; absent or null leaves *out unchanged.
Status Number(const Json& j, const char* key, const std::string& where, bool positive,
              double* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) return InvalidArgument(where + ": field " + key + " must be a number");
  const double v = it->get<double>();
  if (!std::isfinite(v) || (positive && !(v > 0)) || v < 0)
    return InvalidArgument(where + ": field " + key +
                           (positive ? " must be > 0" : " must be >= 0"));
  *out = v;
  return Status::Ok();
}

Status Positions(const Json& j, const char* key, const std::string& where, bool required,
                 int64_t* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return InvalidArgument(where + ": missing field " + key);
    return Status::Ok();
  }
  if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > kMaxPositions)
    return InvalidArgument(where + ": field " + key + " must be an integer in [1, 2^30]");
  *out = it->get<int64_t>();
  return Status::Ok();
}

// ------------------------------------------------------------------ llama3

Status ParseLlama3(const Json& j, const std::string& w, RopeScaling* rs) {
  RLZ_RETURN_IF_ERROR(Number(j, "factor", w, true, &rs->factor));
  RLZ_RETURN_IF_ERROR(Number(j, "low_freq_factor", w, true, &rs->low_freq_factor));
  RLZ_RETURN_IF_ERROR(Number(j, "high_freq_factor", w, true, &rs->high_freq_factor));
  RLZ_RETURN_IF_ERROR(Positions(j, "original_max_position_embeddings", w, true,
                                &rs->original_max_position_embeddings));
  if (!(rs->high_freq_factor > rs->low_freq_factor))
    return InvalidArgument(w + ": high_freq_factor must be > low_freq_factor");
  return Status::Ok();
}

void WriteLlama3(const RopeScaling& rs, Json* out) {
  (*out)["factor"] = rs.factor;
  (*out)["low_freq_factor"] = rs.low_freq_factor;
  (*out)["high_freq_factor"] = rs.high_freq_factor;
  (*out)["original_max_position_embeddings"] = rs.original_max_position_embeddings;
}

// transformers' _compute_llama3_parameters: wavelengths shorter than
// original/high_freq_factor keep their frequency, longer than
// original/low_freq_factor are divided by factor, a linear blend in between.
void Llama3Frequencies(const RopeScaling& rs, const RopeContext&, RopeFrequencies* f) {
  const double old_len = static_cast<double>(rs.original_max_position_embeddings);
  const double low_wavelen = old_len / rs.low_freq_factor;
  const double high_wavelen = old_len / rs.high_freq_factor;
  for (double& inv : f->inv_freq) {
    const double wavelen = 2 * kPi / inv;
    if (wavelen < high_wavelen) continue;
    if (wavelen > low_wavelen) {
      inv /= rs.factor;
      continue;
    }
    const double smooth =
        (old_len / wavelen - rs.low_freq_factor) / (rs.high_freq_factor - rs.low_freq_factor);
    inv = (1 - smooth) * inv / rs.factor + smooth * inv;
  }
}

// -------------------------------------------------------------------- yarn

Status ParseYarn(const Json& j, const std::string& w, RopeScaling* rs) {
  auto f = j.find("factor");
  if (f == j.end() || f->is_null()) return InvalidArgument(w + ": missing field factor");
  RLZ_RETURN_IF_ERROR(Number(j, "factor", w, true, &rs->factor));
  rs->original_max_position_embeddings = 0;
  RLZ_RETURN_IF_ERROR(Positions(j, "original_max_position_embeddings", w, false,
                                &rs->original_max_position_embeddings));
  // `x or default` in transformers: an explicit 0 means the default too.
  RLZ_RETURN_IF_ERROR(Number(j, "beta_fast", w, false, &rs->beta_fast));
  RLZ_RETURN_IF_ERROR(Number(j, "beta_slow", w, false, &rs->beta_slow));
  if (rs->beta_fast == 0) rs->beta_fast = 32.0;
  if (rs->beta_slow == 0) rs->beta_slow = 1.0;
  RLZ_RETURN_IF_ERROR(Number(j, "mscale", w, false, &rs->mscale));
  RLZ_RETURN_IF_ERROR(Number(j, "mscale_all_dim", w, false, &rs->mscale_all_dim));
  RLZ_RETURN_IF_ERROR(Number(j, "attention_factor", w, false, &rs->attention_factor));
  auto t = j.find("truncate");
  if (t != j.end() && !t->is_null()) {
    if (!t->is_boolean()) return InvalidArgument(w + ": field truncate must be a bool");
    rs->truncate = t->get<bool>();
  }
  return Status::Ok();
}

void WriteYarn(const RopeScaling& rs, Json* out) {
  (*out)["factor"] = rs.factor;
  if (rs.original_max_position_embeddings > 0)
    (*out)["original_max_position_embeddings"] = rs.original_max_position_embeddings;
  (*out)["beta_fast"] = rs.beta_fast;
  (*out)["beta_slow"] = rs.beta_slow;
  if (rs.mscale != 0) (*out)["mscale"] = rs.mscale;
  if (rs.mscale_all_dim != 0) (*out)["mscale_all_dim"] = rs.mscale_all_dim;
  if (rs.attention_factor != 0) (*out)["attention_factor"] = rs.attention_factor;
  if (!rs.truncate) (*out)["truncate"] = false;
}

// transformers' _compute_yarn_parameters (the current form: `factor` as
// given, the correction range over original_max_position_embeddings or else
// max_position_embeddings). Some 4.5x releases replaced factor by
// max_position_embeddings / original_max_position_embeddings; DeepSeek-V3's
// released config (163840 / 4096 = 40 = factor) gives the same numbers.
void YarnFrequencies(const RopeScaling& rs, const RopeContext& ctx, RopeFrequencies* f) {
  const double factor = rs.factor;
  const double original = static_cast<double>(rs.original_max_position_embeddings > 0
                                                  ? rs.original_max_position_embeddings
                                                  : ctx.max_position_embeddings);
  if (rs.attention_factor > 0) {
    f->attention_factor = rs.attention_factor;
  } else if (rs.mscale != 0 && rs.mscale_all_dim != 0) {
    f->attention_factor =
        YarnGetMscale(factor, rs.mscale) / YarnGetMscale(factor, rs.mscale_all_dim);
  } else {
    f->attention_factor = YarnGetMscale(factor, 1.0);
  }
  const double dim = static_cast<double>(ctx.dim);
  // The dimension whose wavelength fits `rotations` times into the original
  // context: solve original / (2 pi base^(2d/D)) = rotations for d.
  auto correction_dim = [&](double rotations) {
    return dim * std::log(original / (rotations * 2 * kPi)) / (2 * std::log(ctx.theta));
  };
  double low = correction_dim(rs.beta_fast);
  double high = correction_dim(rs.beta_slow);
  if (rs.truncate) {
    low = std::floor(low);
    high = std::ceil(high);
  }
  low = std::max(low, 0.0);
  high = std::min(high, dim - 1);
  if (low == high) high += 0.001;  // no zero-width ramp
  for (size_t i = 0; i < f->inv_freq.size(); ++i) {
    const double extrapolation = f->inv_freq[i];  // base^(-2i/D), unchanged
    const double interpolation = extrapolation / factor;
    const double ramp = std::clamp((static_cast<double>(i) - low) / (high - low), 0.0, 1.0);
    // ramp 0 (high frequencies): extrapolate; ramp 1 (low ones): interpolate.
    f->inv_freq[i] = interpolation * ramp + extrapolation * (1 - ramp);
  }
}

struct RopeType {
  const char* name;
  Status (*parse)(const Json& rope_scaling, const std::string& where, RopeScaling* out);
  void (*write)(const RopeScaling& rs, Json* out);
  // Rescales f->inv_freq (filled with the default table) and may set the
  // attention factor.
  void (*frequencies)(const RopeScaling& rs, const RopeContext& ctx, RopeFrequencies* f);
};

const RopeType kRopeTypes[] = {
    {"llama3", ParseLlama3, WriteLlama3, Llama3Frequencies},
    {"yarn", ParseYarn, WriteYarn, YarnFrequencies},
};

const RopeType* FindRopeType(const std::string& name) {
  for (const RopeType& t : kRopeTypes)
    if (name == t.name) return &t;
  return nullptr;
}

}  // namespace

double YarnGetMscale(double scale, double mscale) {
  if (scale <= 1.0) return 1.0;
  return 0.1 * mscale * std::log(scale) + 1.0;
}

std::vector<std::string> RopeScalingTypeNames() {
  std::vector<std::string> out;
  for (const RopeType& t : kRopeTypes) out.push_back(t.name);
  return out;
}

namespace {

// One rope_scaling-style object (rope_type or legacy type, and the type's
// fields); `w` names it in errors. rope_type "default": no scaling.
StatusOr<std::optional<RopeScaling>> ParseScalingObject(const Json& obj, const std::string& w) {
  std::optional<RopeScaling> none;
  if (!obj.is_object()) return InvalidArgument(w + " must be an object or null");
  // transformers reads rope_type, falling back to the legacy `type`.
  std::string type;
  for (const char* k : {"type", "rope_type"}) {
    auto t = obj.find(k);
    if (t == obj.end() || t->is_null()) continue;
    if (!t->is_string()) return InvalidArgument(w + ": field " + k + " must be a string");
    type = t->get<std::string>();
  }
  if (type == "default") return none;
  const RopeType* rope_type = FindRopeType(type);
  if (rope_type == nullptr) {
    std::string known;
    for (const auto& n : RopeScalingTypeNames()) known += (known.empty() ? "" : ", ") + n;
    return Unimplemented(w + ": rope_type '" + type + "' is not supported (supported: " + known +
                         ")");
  }
  RopeScaling rs;
  rs.rope_type = rope_type->name;
  RLZ_RETURN_IF_ERROR(rope_type->parse(obj, w, &rs));
  return std::optional<RopeScaling>(rs);
}

}  // namespace

StatusOr<std::optional<RopeScaling>> ParseRopeScaling(const Json& config,
                                                      const std::string& where) {
  auto it = config.find("rope_scaling");
  if (it == config.end() || it->is_null()) return std::optional<RopeScaling>();
  return ParseScalingObject(*it, where + ": rope_scaling");
}

Status ApplyRopeParameters(const Json& config, const std::string& where, double* theta,
                           std::optional<RopeScaling>* scaling) {
  auto it = config.find("rope_parameters");
  if (it == config.end() || it->is_null()) return Status::Ok();
  const std::string w = where + ": rope_parameters";
  if (!it->is_object()) return InvalidArgument(w + " must be an object or null");
  Json fields = *it;  // the scaling fields, without the two that are not
  if (auto p = fields.find("partial_rotary_factor"); p != fields.end()) {
    if (!p->is_null() && (!p->is_number() || p->get<double>() != 1.0)) {
      return Unimplemented(w + ": partial_rotary_factor " + p->dump() +
                           " is not supported (rotary over the whole head only)");
    }
    fields.erase(p);
  }
  if (auto t = fields.find("rope_theta"); t != fields.end()) {
    if (!t->is_number() || !(t->get<double>() > 0))
      return InvalidArgument(w + ": rope_theta must be a number > 0");
    const double v = t->get<double>();
    auto top = config.find("rope_theta");
    if (top != config.end() && top->is_number() && top->get<double>() != v) {
      return InvalidArgument(where + ": rope_theta " + top->dump() +
                             " and rope_parameters.rope_theta " + t->dump() + " disagree");
    }
    *theta = v;
    fields.erase(t);
  }
  if (fields.empty()) return Status::Ok();  // only rope_theta: no scaling
  RLZ_ASSIGN_OR_RETURN(std::optional<RopeScaling> s, ParseScalingObject(fields, w));
  if (s) {
    // Both forms may be written for older readers; they must then agree.
    if (*scaling && RopeScalingToJson(*scaling) != RopeScalingToJson(s)) {
      return InvalidArgument(where + ": both rope_scaling and rope_parameters scale RoPE, " +
                             "differently");
    }
    *scaling = s;
  }
  return Status::Ok();
}

Json RopeScalingToJson(const std::optional<RopeScaling>& scaling) {
  if (!scaling) return nullptr;
  Json out = {{"rope_type", scaling->rope_type}};
  if (const RopeType* t = FindRopeType(scaling->rope_type)) t->write(*scaling, &out);
  return out;
}

RopeFrequencies ComputeRopeFrequencies(int64_t dim, double theta, int64_t max_position_embeddings,
                                       const std::optional<RopeScaling>& scaling) {
  RopeFrequencies f;
  const int64_t half = dim / 2;
  f.inv_freq.resize(half);
  for (int64_t i = 0; i < half; ++i)
    f.inv_freq[i] = 1.0 / std::pow(theta, static_cast<double>(2 * i) / static_cast<double>(dim));
  if (!scaling) return f;
  // A RopeScaling only comes from ParseRopeScaling or code naming a
  // registered type; an unregistered one is a programmer error.
  const RopeType* t = FindRopeType(scaling->rope_type);
  if (t == nullptr) std::abort();
  t->frequencies(*scaling, RopeContext{dim, theta, max_position_embeddings}, &f);
  return f;
}

}  // namespace rlzero
