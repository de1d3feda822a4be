// data/jsonl.cc: see jsonl.h.
#include "data/jsonl.h"

#include <zlib.h>

namespace rlzero::data {

StatusOr<std::unique_ptr<JsonlReader>> JsonlReader::Open(const std::string& path) {
  std::unique_ptr<JsonlReader> r(new JsonlReader());
  r->path_ = path == "-" ? "<stdin>" : path;
  if (path == "-") {
    r->file_ = stdin;
    return r;
  }
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) return NotFound(path + ": cannot open");
    r->gz_ = gz;
    return r;
  }
  r->file_ = std::fopen(path.c_str(), "rb");
  if (r->file_ == nullptr) return NotFound(path + ": cannot open");
  r->owns_file_ = true;
  return r;
}

JsonlReader::~JsonlReader() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
  if (owns_file_ && file_ != nullptr) std::fclose(file_);
}

bool JsonlReader::ReadLine(std::string* line) {
  line->clear();
  char buf[8192];
  bool any = false;
  while (true) {
    const char* got = gz_ != nullptr ? gzgets(static_cast<gzFile>(gz_), buf, sizeof(buf))
                                     : std::fgets(buf, sizeof(buf), file_);
    if (got == nullptr) return any;
    any = true;
    size_t n = std::char_traits<char>::length(buf);
    // fgets stops at NUL bytes too; a line with NULs is not valid JSON anyway.
    line->append(buf, n);
    if (n > 0 && buf[n - 1] == '\n') {
      line->pop_back();
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return true;
    }
  }
}

StatusOr<bool> JsonlReader::Next(Json* out) {
  std::string line;
  while (ReadLine(&line)) {
    ++line_no_;
    bool blank = true;
    for (char c : line)
      if (c != ' ' && c != '\t') {
        blank = false;
        break;
      }
    if (blank) continue;
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return InvalidArgument(Where() + ": not valid JSON");
    *out = std::move(j);
    return true;
  }
  if (gz_ != nullptr) {
    int err = 0;
    gzerror(static_cast<gzFile>(gz_), &err);
    if (err != Z_OK && err != Z_STREAM_END)
      return DataLoss(path_ + ": gzip stream corrupt after line " + std::to_string(line_no_));
  }
  return false;
}

std::string JsonlReader::Where() const { return path_ + ": line " + std::to_string(line_no_); }

StatusOr<std::vector<Json>> ReadJsonl(const std::string& path) {
  RLZ_ASSIGN_OR_RETURN(auto reader, JsonlReader::Open(path));
  std::vector<Json> out;
  Json j;
  while (true) {
    RLZ_ASSIGN_OR_RETURN(bool more, reader->Next(&j));
    if (!more) break;
    out.push_back(std::move(j));
  }
  return out;
}

std::string ToJsonLine(const Json& record) {
  std::string s = record.dump(-1, ' ', false, Json::error_handler_t::replace);
  s.push_back('\n');
  return s;
}

}  // namespace rlzero::data
