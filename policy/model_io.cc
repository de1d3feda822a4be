// policy/model_io.cc: see model_io.h. The loading path is written for memory:
// parameters are allocated once in the target dtype, file bytes are copied in
// bounded chunks, and mapped pages are dropped as soon as they are consumed.
#include "policy/model_io.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "policy/model_family.h"
#include "policy/safetensors.h"

namespace rlzero {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Elements per conversion chunk: bounds temporaries and the file pages
// resident at once to ~16 MB in float32.
constexpr int64_t kCopyChunkElems = int64_t{4} << 20;

// Files transformers keeps beside the weights that a saved model must carry.
const char* const kSideFiles[] = {
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "generation_config.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "tokenizer.model",
    "chat_template.jinja",
};

std::string ShapeText(torch::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

bool ToTorchDtype(StDtype d, torch::ScalarType* out) {
  switch (d) {
    case StDtype::kF64:
      *out = torch::kFloat64;
      return true;
    case StDtype::kF32:
      *out = torch::kFloat32;
      return true;
    case StDtype::kF16:
      *out = torch::kFloat16;
      return true;
    case StDtype::kBF16:
      *out = torch::kBFloat16;
      return true;
    default:
      return false;  // integer / bool tensors never feed a float parameter
  }
}

StatusOr<StDtype> ToStDtype(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat64:
      return StDtype::kF64;
    case torch::kFloat32:
      return StDtype::kF32;
    case torch::kFloat16:
      return StDtype::kF16;
    case torch::kBFloat16:
      return StDtype::kBF16;
    case torch::kInt64:
      return StDtype::kI64;
    case torch::kInt32:
      return StDtype::kI32;
    default:
      return InvalidArgument("dtype " + DtypeName(t) + " cannot be saved");
  }
}

// Sets LibTorch's default dtype for a scope, so modules allocate their
// parameters directly in the target dtype.
class DefaultDtypeScope {
 public:
  explicit DefaultDtypeScope(torch::ScalarType t) : saved_(c10::get_default_dtype()) {
    c10::set_default_dtype(caffe2::TypeMeta::fromScalarType(t));
  }
  ~DefaultDtypeScope() { c10::set_default_dtype(saved_); }

 private:
  caffe2::TypeMeta saved_;
};

// Copies entry `e` into `param` (same numel), converting dtype and device in
// chunks of kCopyChunkElems elements, dropping each chunk's file pages once
// copied.
void CopyEntryInto(const SafetensorsFile& file, const StEntry& e, torch::ScalarType src_type,
                   torch::Tensor& param) {
  torch::NoGradGuard no_grad;
  const size_t elem = StDtypeSize(e.dtype);
  const int64_t n = e.numel();
  auto dst = param.view({-1});
  const bool aligned = reinterpret_cast<uintptr_t>(e.data) % elem == 0;
  for (int64_t i = 0; i < n; i += kCopyChunkElems) {
    const int64_t len = std::min(kCopyChunkElems, n - i);
    const uint8_t* bytes = e.data + static_cast<size_t>(i) * elem;
    torch::Tensor src;
    if (aligned) {
      // A read-only view of the mapping: only ever read from.
      src = torch::from_blob(const_cast<uint8_t*>(bytes), {len},
                             torch::TensorOptions().dtype(src_type));
    } else {
      src = torch::empty({len}, torch::TensorOptions().dtype(src_type));
      std::memcpy(src.data_ptr(), bytes, static_cast<size_t>(len) * elem);
    }
    dst.narrow(0, i, len).copy_(src);
    file.ReleaseBytes(bytes, static_cast<size_t>(len) * elem);
  }
}

Status LoadInto(const std::string& dir, const SafetensorsCheckpoint& ck, CausalLM& model,
                std::vector<std::string>* unused) {
  std::map<std::string, bool> used;
  for (const auto& name : ck.Names()) used[name] = false;
  for (auto& item : model.named_parameters(/*recurse=*/true)) {
    const std::string& name = item.key();
    torch::Tensor& param = item.value();
    auto loc = ck.Find(name);
    if (loc.entry == nullptr) {
      return NotFound(dir + ": tensor " + name +
                      " is missing from the checkpoint (expected shape " +
                      ShapeText(param.sizes()) + ")");
    }
    const StEntry& e = *loc.entry;
    const std::string where = loc.file->path() + ": tensor " + name;
    if (!torch::IntArrayRef(e.shape).equals(param.sizes())) {
      return InvalidArgument(where + ": shape " + ShapeText(e.shape) + " but the model expects " +
                             ShapeText(param.sizes()));
    }
    torch::ScalarType src_type;
    if (!ToTorchDtype(e.dtype, &src_type)) {
      return InvalidArgument(where + ": dtype " + StDtypeName(e.dtype) +
                             " does not match a floating-point parameter (F32, F16, BF16)");
    }
    CopyEntryInto(*loc.file, e, src_type, param);
    loc.file->Release(e);  // pages straddling chunk boundaries
    used[name] = true;
  }
  for (const auto& [name, u] : used)
    if (!u) unused->push_back(name);
  return Status::Ok();
}

Status CopyFile(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (fs::exists(to, ec) && fs::equivalent(from, to, ec)) return Status::Ok();
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Internal(to.string() + ": cannot copy from " + from.string() + ": " + ec.message());
  return Status::Ok();
}

Status CopySideFiles(const std::string& from, const std::string& dir) {
  std::error_code ec;
  if (from.empty()) return Status::Ok();
  if (fs::is_regular_file(from, ec)) return CopyFile(from, fs::path(dir) / "tokenizer.json");
  if (!fs::is_directory(from, ec)) return NotFound(from + ": no such tokenizer file or model dir");
  for (const char* name : kSideFiles) {
    fs::path src = fs::path(from) / name;
    if (fs::is_regular_file(src, ec)) RLZ_RETURN_IF_ERROR(CopyFile(src, fs::path(dir) / name));
  }
  return Status::Ok();
}

Status WriteGenerationConfig(const ModelConfig& c, const std::string& path) {
  Json g = {{"_from_model_config", true}, {"transformers_version", "4.51.0"}};
  if (c.bos_token_id) g["bos_token_id"] = *c.bos_token_id;
  if (c.eos_token_ids.size() == 1) g["eos_token_id"] = c.eos_token_ids[0];
  if (c.eos_token_ids.size() > 1) g["eos_token_id"] = c.eos_token_ids;
  std::ofstream out(path);
  out << g.dump(2) << "\n";
  if (!out) return Internal(path + ": cannot write");
  return Status::Ok();
}

}  // namespace

StatusOr<torch::ScalarType> ParseDtype(const std::string& name) {
  if (name == "float32" || name == "fp32" || name == "float") return torch::kFloat32;
  if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
  if (name == "float16" || name == "fp16" || name == "half") return torch::kFloat16;
  return InvalidArgument("dtype '" + name + "' is not float32, bfloat16 or float16");
}

std::string DtypeName(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat32:
      return "float32";
    case torch::kBFloat16:
      return "bfloat16";
    case torch::kFloat16:
      return "float16";
    case torch::kFloat64:
      return "float64";
    default:
      return c10::toString(dtype);
  }
}

StatusOr<torch::Device> ParseDevice(const std::string& name) {
  try {
    torch::Device d(name);
    if (d.is_cuda() && !torch::cuda::is_available())
      return FailedPrecondition("device '" + name + "': this build or machine has no CUDA device");
    if (!d.is_cpu() && !d.is_cuda())
      return InvalidArgument("device '" + name + "': use cpu or cuda");
    return d;
  } catch (const std::exception&) {
    return InvalidArgument("device '" + name + "' is not cpu, cuda or cuda:N");
  }
}

void InitParameters(torch::nn::Module& module, double initializer_range, uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto gen = at::detail::createCPUGenerator(seed);
  for (auto& item : module.named_parameters(true)) {
    const std::string& name = item.key();
    torch::Tensor& p = item.value();
    auto ends_with = [&](const std::string& suffix) {
      return name.size() >= suffix.size() &&
             name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with("norm.weight")) {
      p.fill_(1.0);
    } else if (ends_with(".bias") || ends_with("_bias")) {  // incl. MoE e_score_correction_bias
      p.zero_();
    } else {
      p.copy_(torch::empty(p.sizes(), torch::kFloat32).normal_(0.0, initializer_range, gen));
    }
  }
}

void InitWeights(CausalLM& model, const ModelConfig& config, uint64_t seed) {
  InitParameters(model, config.initializer_range, seed);
  if (config.pad_token_id && *config.pad_token_id < config.vocab_size) {
    torch::NoGradGuard no_grad;
    for (auto& item : model.named_parameters(true))
      if (item.key() == "model.embed_tokens.weight") item.value()[*config.pad_token_id].zero_();
  }
}

StatusOr<std::shared_ptr<CausalLM>> BuildModel(const ModelConfig& config, torch::Device device,
                                               torch::ScalarType dtype, uint64_t seed) {
  const ModelFamily* family = FindModelFamily(config.model_type);
  if (family == nullptr) return InvalidArgument("unknown model_type '" + config.model_type + "'");
  try {
    std::shared_ptr<CausalLM> model;
    {
      DefaultDtypeScope scope(dtype);
      model = family->build(config);
    }
    model->to(device, dtype);
    InitWeights(*model, config, seed);
    return model;
  } catch (const std::exception& e) {
    return Internal(std::string("building a ") + config.model_type + " model: " + e.what());
  }
}

StatusOr<LoadedModel> LoadModel(const std::string& dir, torch::Device device,
                                torch::ScalarType dtype) {
  LoadedModel out;
  RLZ_ASSIGN_OR_RETURN(out.config, LoadModelConfig(dir));
  RLZ_ASSIGN_OR_RETURN(auto ck, SafetensorsCheckpoint::Open(dir));
  const ModelFamily* family = FindModelFamily(out.config.model_type);
  try {
    {
      DefaultDtypeScope scope(dtype);
      out.model = family->build(out.config);
    }
    out.model->to(device, dtype);
    RLZ_RETURN_IF_ERROR(LoadInto(dir, *ck, *out.model, &out.unused_tensors));
  } catch (const std::exception& e) {
    return Internal(dir + ": loading the model: " + e.what());
  }
  out.config.torch_dtype = DtypeName(dtype);
  return out;
}

Status SaveModel(const std::string& dir, const ModelConfig& config, CausalLM& model,
                 const SaveOptions& options) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Internal(dir + ": cannot create: " + ec.message());
  try {
    torch::NoGradGuard no_grad;
    struct Item {
      std::string name;
      torch::Tensor param;
      StDtype dtype;
      uint64_t nbytes;
    };
    std::vector<Item> items;
    torch::ScalarType saved_dtype = torch::kFloat32;
    for (auto& p : model.named_parameters(true)) {
      torch::ScalarType t = options.dtype.value_or(p.value().scalar_type());
      saved_dtype = t;
      RLZ_ASSIGN_OR_RETURN(StDtype st, ToStDtype(t));
      items.push_back(
          {p.key(), p.value(), st, static_cast<uint64_t>(p.value().numel()) * StDtypeSize(st)});
    }
    // Greedy sharding in parameter order, as transformers does.
    std::vector<std::vector<const Item*>> shards(1);
    uint64_t shard_bytes = 0, total_bytes = 0;
    for (const Item& it : items) {
      if (!shards.back().empty() && shard_bytes + it.nbytes > options.max_shard_bytes) {
        shards.emplace_back();
        shard_bytes = 0;
      }
      shards.back().push_back(&it);
      shard_bytes += it.nbytes;
      total_bytes += it.nbytes;
    }
    // Drop weights of an earlier save in another layout.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string f = entry.path().filename().string();
      if (f == "model.safetensors.index.json" ||
          (f.rfind("model", 0) == 0 && entry.path().extension() == ".safetensors"))
        fs::remove(entry.path(), ec);
    }
    Json weight_map = Json::object();
    char name_buf[64];
    for (size_t s = 0; s < shards.size(); ++s) {
      std::string file = "model.safetensors";
      if (shards.size() > 1) {
        std::snprintf(name_buf, sizeof(name_buf), "model-%05zu-of-%05zu.safetensors", s + 1,
                      shards.size());
        file = name_buf;
      }
      std::vector<torch::Tensor> keep;  // CPU copies alive until written
      std::vector<StTensorToWrite> writes;
      for (const Item* it : shards[s]) {
        torch::ScalarType t = options.dtype.value_or(it->param.scalar_type());
        torch::Tensor cpu = it->param.detach().to(torch::kCPU, t).contiguous();
        keep.push_back(cpu);
        writes.push_back({it->name, it->dtype,
                          std::vector<int64_t>(cpu.sizes().begin(), cpu.sizes().end()),
                          cpu.data_ptr(), static_cast<size_t>(it->nbytes)});
        weight_map[it->name] = file;
      }
      RLZ_RETURN_IF_ERROR(WriteSafetensors(dir + "/" + file, writes, {{"format", "pt"}}));
    }
    if (shards.size() > 1) {
      Json index = {{"metadata", {{"total_size", total_bytes}}}, {"weight_map", weight_map}};
      std::ofstream out(dir + "/model.safetensors.index.json");
      out << index.dump(2) << "\n";
      if (!out) return Internal(dir + "/model.safetensors.index.json: cannot write");
    }
    ModelConfig c = config;
    c.torch_dtype = DtypeName(saved_dtype);
    RLZ_RETURN_IF_ERROR(WriteModelConfig(c, dir + "/config.json"));
    RLZ_RETURN_IF_ERROR(CopySideFiles(options.copy_files_from, dir));
    if (!fs::exists(dir + "/generation_config.json", ec))
      RLZ_RETURN_IF_ERROR(WriteGenerationConfig(c, dir + "/generation_config.json"));
  } catch (const std::exception& e) {
    return Internal(dir + ": saving the model: " + e.what());
  }
  return Status::Ok();
}

}  // namespace rlzero
