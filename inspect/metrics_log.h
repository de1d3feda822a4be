// inspect/metrics_log.h: reads RUN_DIR/metrics.jsonl back for the inspector
// and the report.
// Contract: one JSON object per line with an integer "step"; numeric fields
// are kept, null (non-finite) and non-numeric fields are dropped, as is
// "wall_time" (kept separately). A missing file gives no rows. A last line
// without its newline that does not parse is skipped (a run writing it, or
// killed mid-write); any other bad line is an error naming file:line.
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero::inspect {

struct MetricsRow {
  int64_t step = 0;
  double wall_time = 0.0;
  std::map<std::string, double> values;
};

StatusOr<std::vector<MetricsRow>> ReadMetricsJsonl(const std::string& path);

}  // namespace rlzero::inspect
