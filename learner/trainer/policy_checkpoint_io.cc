// learner/trainer/policy_checkpoint_io.cc: SaveModel / LoadModel + copy by name.
#include "learner/trainer/policy_checkpoint_io.h"

#include "policy/model_io.h"

namespace rlzero {

Status SavePolicyCheckpoint(const std::string& dir, const ModelConfig& config, CausalLM& model,
                            const std::string& copy_files_from) {
  SaveOptions options;
  options.copy_files_from = copy_files_from;
  return SaveModel(dir, config, model, options);
}

Status LoadPolicyWeightsInPlace(const std::string& dir, CausalLM& model) {
  auto params = model.named_parameters();
  if (params.is_empty()) return InvalidArgument(dir + ": model has no parameters");
  const torch::Tensor& first = params.begin()->value();
  RLZ_ASSIGN_OR_RETURN(LoadedModel loaded, LoadModel(dir, first.device(), first.scalar_type()));
  try {
    torch::NoGradGuard no_grad;
    auto src = loaded.model->named_parameters();
    for (auto& p : params) {
      const torch::Tensor* s = src.find(p.key());
      if (s == nullptr) return DataLoss(dir + ": checkpoint has no parameter " + p.key());
      if (!s->sizes().equals(p.value().sizes())) {
        return DataLoss(dir + ": parameter " + p.key() + " has another shape");
      }
      p.value().copy_(*s);
    }
  } catch (const c10::Error& e) {
    return Internal(dir + ": cannot copy weights: " + e.what_without_backtrace());
  }
  return Status::Ok();
}

}  // namespace rlzero
