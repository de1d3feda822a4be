// learner/checkpoint.cc: checkpoint dirs, trainer_state.json, RNG state.
#include "learner/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "policy/torch_compat.h"

namespace rlzero {
namespace fs = std::filesystem;

std::string CheckpointsRoot(const std::string& run_dir) {
  return (fs::path(run_dir) / "checkpoints").string();
}

std::string CheckpointDir(const std::string& run_dir, int64_t step) {
  return (fs::path(CheckpointsRoot(run_dir)) / ("step-" + std::to_string(step))).string();
}

std::vector<int64_t> ListCheckpoints(const std::string& run_dir) {
  std::vector<int64_t> steps;
  std::error_code ec;
  fs::directory_iterator it(CheckpointsRoot(run_dir), ec);
  if (ec) return steps;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("step-", 0) != 0 || !entry.is_directory()) continue;
    const std::string digits = name.substr(5);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    if (!fs::exists(entry.path() / "trainer_state.json")) continue;
    steps.push_back(std::stoll(digits));
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

std::optional<int64_t> LatestCheckpoint(const std::string& run_dir) {
  auto steps = ListCheckpoints(run_dir);
  if (steps.empty()) return std::nullopt;
  return steps.back();
}

Status PruneCheckpoints(const std::string& run_dir, int keep_last) {
  if (keep_last < 1) keep_last = 1;
  std::error_code ec;
  auto steps = ListCheckpoints(run_dir);
  for (size_t i = 0; i + static_cast<size_t>(keep_last) < steps.size(); ++i) {
    fs::remove_all(CheckpointDir(run_dir, steps[i]), ec);
    if (ec) return Internal(CheckpointDir(run_dir, steps[i]) + ": cannot delete: " + ec.message());
  }
  fs::directory_iterator it(CheckpointsRoot(run_dir), ec);
  if (ec) return Status::Ok();
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 4 && name[0] == '.' && name.substr(name.size() - 4) == ".tmp") {
      fs::remove_all(entry.path(), ec);
    }
  }
  return Status::Ok();
}

Status WriteTrainerState(const std::string& dir, const TrainerState& s) {
  Json j = {{"step", s.step},
            {"data_position", s.data_position},
            {"weights_version", s.weights_version},
            {"extra", s.extra}};
  const std::string path = (fs::path(dir) / "trainer_state.json").string();
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  out.close();
  if (!out) return Internal(path + ": cannot write");
  return Status::Ok();
}

StatusOr<TrainerState> ReadTrainerState(const std::string& dir) {
  const std::string path = (fs::path(dir) / "trainer_state.json").string();
  std::ifstream in(path);
  if (!in) return NotFound(path + ": cannot open");
  TrainerState s;
  try {
    Json j = Json::parse(in);
    s.step = j.at("step").get<int64_t>();
    s.data_position = j.at("data_position").get<int64_t>();
    s.weights_version = j.at("weights_version").get<int64_t>();
    if (j.contains("extra")) s.extra = j["extra"];
  } catch (const std::exception& e) {
    return DataLoss(path + ": " + e.what());
  }
  return s;
}

Status SaveRngState(const std::string& dir) {
  const std::string path = (fs::path(dir) / "rng.pt").string();
  try {
    auto gen = at::detail::getDefaultCPUGenerator();
    torch::Tensor state;
    {
      std::lock_guard<std::mutex> lock(gen.mutex());
      state = gen.get_state();
    }
    torch::serialize::OutputArchive archive;
    archive.write("cpu_generator", state);
    archive.save_to(path);
  } catch (const c10::Error& e) {
    return Internal(path + ": cannot save RNG state: " + e.what_without_backtrace());
  }
  return Status::Ok();
}

Status LoadRngState(const std::string& dir) {
  const std::string path = (fs::path(dir) / "rng.pt").string();
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    torch::Tensor state;
    archive.read("cpu_generator", state);
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
  } catch (const c10::Error& e) {
    return DataLoss(path + ": cannot load RNG state: " + e.what_without_backtrace());
  }
  return Status::Ok();
}

}  // namespace rlzero
