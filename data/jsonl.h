// data/jsonl.h: JSON Lines files (one JSON value per line), the dataset
// format of every rlzero tool. Plain or gzip-compressed (.gz) input.
//
// Contract: blank lines are skipped; a line that is not valid JSON is an
// INVALID_ARGUMENT naming the file and the 1-based line number
// ("gsm8k.jsonl: line 17: not valid JSON: ..."). Reading stops at the first
// bad line. Writing emits compact JSON (invalid UTF-8 replaced by U+FFFD) and
// a newline.
// Non-goals: schema checks (converters do those), random access, JSON arrays.
// Thread safety: a JsonlReader is used by one thread; free functions are
// reentrant.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace rlzero::data {

class JsonlReader {
 public:
  // path "-" reads stdin. A path ending in .gz is decompressed.
  static StatusOr<std::unique_ptr<JsonlReader>> Open(const std::string& path);
  ~JsonlReader();
  // Reads the next record into *out. Returns false at end of input.
  StatusOr<bool> Next(Json* out);
  // 1-based number of the line last returned by Next.
  size_t line_number() const { return line_no_; }
  const std::string& path() const { return path_; }
  // "path: line N" for messages about the record last returned.
  std::string Where() const;

 private:
  JsonlReader() = default;
  bool ReadLine(std::string* line);
  std::string path_;
  void* gz_ = nullptr;    // gzFile when compressed
  FILE* file_ = nullptr;  // otherwise
  bool owns_file_ = false;
  size_t line_no_ = 0;
};

// Reads a whole file into records.
StatusOr<std::vector<Json>> ReadJsonl(const std::string& path);

// One line of JSON Lines: compact JSON and '\n'.
std::string ToJsonLine(const Json& record);

}  // namespace rlzero::data
