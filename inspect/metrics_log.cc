// inspect/metrics_log.cc
#include "inspect/metrics_log.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rlzero::inspect {

StatusOr<std::vector<MetricsRow>> ReadMetricsJsonl(const std::string& path) {
  std::vector<MetricsRow> rows;
  std::ifstream in(path, std::ios::binary);
  if (!in) return rows;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    bool complete = nl != std::string::npos;
    std::string line = text.substr(pos, complete ? nl - pos : std::string::npos);
    pos = complete ? nl + 1 : text.size();
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      if (!complete) break;  // torn last line
      return InvalidArgument(path + ":" + std::to_string(line_no) + ": not a JSON object");
    }
    auto step = j.find("step");
    if (step == j.end() || !step->is_number_integer()) {
      return InvalidArgument(path + ":" + std::to_string(line_no) + ": missing integer \"step\"");
    }
    MetricsRow row;
    row.step = step->get<int64_t>();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "step") continue;
      if (!it.value().is_number()) continue;
      if (it.key() == "wall_time")
        row.wall_time = it.value().get<double>();
      else
        row.values[it.key()] = it.value().get<double>();
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace rlzero::inspect
