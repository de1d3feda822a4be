// policy/safetensors.h: read and write Hugging Face safetensors files, and
// open a checkpoint dir (model.safetensors, or shards listed by
// model.safetensors.index.json).
//
// File layout (https://huggingface.co/docs/safetensors): 8 bytes little-endian
// u64 N, then N bytes of JSON header {"name": {"dtype": "F32", "shape": [..],
// "data_offsets": [begin, end]}, ..., "__metadata__": {str: str}}, then the
// data buffer; offsets are relative to the buffer start.
//
// Contract: the reader memory-maps the file read-only and never trusts it:
// header length, JSON syntax, dtypes, shapes (overflow), offsets (in range,
// consistent with dtype x shape, not overlapping) are all checked, and every
// failure is a Status naming the file (and tensor). Entries point into the
// mapping, which lives as long as the SafetensorsFile.
// Non-goals: torch types (this unit is torch-free so it is fuzzed and tested
// without LibTorch; policy/model_io.* turns entries into tensors), writing
// anything but a whole file at once.
// Thread safety: a SafetensorsFile is immutable after Open; reads from many
// threads are fine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero {

enum class StDtype { kF64, kF32, kF16, kBF16, kI64, kI32, kI16, kI8, kU8, kBool };

// "F32" <-> kF32 etc. Parse returns false for an unknown name.
bool ParseStDtype(const std::string& name, StDtype* out);
const char* StDtypeName(StDtype dtype);
size_t StDtypeSize(StDtype dtype);

// One tensor of a file: a view into the mapped bytes.
struct StEntry {
  std::string name;
  StDtype dtype = StDtype::kF32;
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;  // into the mapping; may be unaligned
  size_t nbytes = 0;              // == numel * StDtypeSize(dtype)
  size_t offset = 0;              // byte offset of data within the file
  int64_t numel() const;
};

// Largest header accepted (the reference implementation uses 100 MB).
constexpr uint64_t kMaxSafetensorsHeaderBytes = 100ull << 20;

class SafetensorsFile {
 public:
  // Maps `path` and validates the header.
  static StatusOr<std::unique_ptr<SafetensorsFile>> Open(const std::string& path);
  // Validates an in-memory file (the fuzz test's entry point); `where` names it
  // in errors. The bytes are owned by the result.
  static StatusOr<std::unique_ptr<SafetensorsFile>> FromBytes(std::string bytes,
                                                              const std::string& where);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  // In file order of data offsets.
  const std::vector<StEntry>& entries() const { return entries_; }
  const StEntry* Find(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // Tells the kernel the pages of `e` are no longer needed (after they were
  // copied into a parameter), so loading keeps ~1x the checkpoint resident.
  void Release(const StEntry& e) const { ReleaseBytes(e.data, e.nbytes); }
  // The same for any byte range of the mapping (whole pages inside it only),
  // so a large tensor can be released chunk by chunk as it is copied.
  void ReleaseBytes(const uint8_t* data, size_t nbytes) const;

 private:
  SafetensorsFile() = default;
  Status Parse(const uint8_t* bytes, size_t size);

  std::string path_;
  void* map_ = nullptr;  // mmap'd region (or nullptr with owned_ set)
  size_t map_size_ = 0;
  std::string owned_;  // FromBytes storage
  std::vector<StEntry> entries_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

// A tensor to write: raw little-endian bytes of numel * StDtypeSize(dtype).
struct StTensorToWrite {
  std::string name;
  StDtype dtype = StDtype::kF32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  size_t nbytes = 0;
};

// Writes one safetensors file (tensors laid out in the given order, header
// padded with spaces to a multiple of 8 so data stays aligned). Written to a
// temporary name and renamed, so readers never see half a file.
Status WriteSafetensors(const std::string& path, const std::vector<StTensorToWrite>& tensors,
                        const std::map<std::string, std::string>& metadata);

// A checkpoint dir's tensors across one or more files.
class SafetensorsCheckpoint {
 public:
  // dir holds model.safetensors, or model.safetensors.index.json plus the
  // shards its weight_map names (each checked to hold the tensors mapped to it).
  static StatusOr<std::unique_ptr<SafetensorsCheckpoint>> Open(const std::string& dir);

  struct Located {
    const StEntry* entry;
    const SafetensorsFile* file;
  };
  // nullptr-entry if absent.
  Located Find(const std::string& name) const;
  // Every tensor name, sorted.
  std::vector<std::string> Names() const;
  // Sum of the files' sizes in bytes.
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, Located> by_name_;
  uint64_t total_bytes_ = 0;
};

}  // namespace rlzero
