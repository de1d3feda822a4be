// policy/safetensors.cc: safetensors reading (mmap + strict header checks),
// writing, and sharded checkpoint dirs. Torch-free on purpose (see header).
#include "policy/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

namespace rlzero {
namespace {

using Json = nlohmann::json;

struct DtypeInfo {
  StDtype dtype;
  const char* name;
  size_t size;
};
constexpr DtypeInfo kDtypes[] = {
    {StDtype::kF64, "F64", 8},   {StDtype::kF32, "F32", 4}, {StDtype::kF16, "F16", 2},
    {StDtype::kBF16, "BF16", 2}, {StDtype::kI64, "I64", 8}, {StDtype::kI32, "I32", 4},
    {StDtype::kI16, "I16", 2},   {StDtype::kI8, "I8", 1},   {StDtype::kU8, "U8", 1},
    {StDtype::kBool, "BOOL", 1},
};

std::string ErrnoText() { return std::strerror(errno); }

// a*b into *out unless it overflows size_t.
bool MulNoOverflow(size_t a, size_t b, size_t* out) {
  if (a != 0 && b > std::numeric_limits<size_t>::max() / a) return false;
  *out = a * b;
  return true;
}

}  // namespace

bool ParseStDtype(const std::string& name, StDtype* out) {
  for (const auto& d : kDtypes) {
    if (name == d.name) {
      *out = d.dtype;
      return true;
    }
  }
  return false;
}

const char* StDtypeName(StDtype dtype) {
  for (const auto& d : kDtypes)
    if (d.dtype == dtype) return d.name;
  return "?";
}

size_t StDtypeSize(StDtype dtype) {
  for (const auto& d : kDtypes)
    if (d.dtype == dtype) return d.size;
  return 0;
}

int64_t StEntry::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

// ---------------------------------------------------------------- reading

StatusOr<std::unique_ptr<SafetensorsFile>> SafetensorsFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound(path + ": cannot open: " + ErrnoText());
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    std::string e = ErrnoText();
    ::close(fd);
    return Internal(path + ": cannot stat: " + e);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument(path + ": not a regular file");
  }
  std::unique_ptr<SafetensorsFile> f(new SafetensorsFile());
  f->path_ = path;
  f->map_size_ = static_cast<size_t>(st.st_size);
  if (f->map_size_ > 0) {
    void* p = ::mmap(nullptr, f->map_size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      std::string e = ErrnoText();
      ::close(fd);
      return Internal(path + ": cannot mmap: " + e);
    }
    f->map_ = p;
  }
  ::close(fd);  // the mapping stays valid
  RLZ_RETURN_IF_ERROR(f->Parse(static_cast<const uint8_t*>(f->map_), f->map_size_));
  return f;
}

StatusOr<std::unique_ptr<SafetensorsFile>> SafetensorsFile::FromBytes(std::string bytes,
                                                                      const std::string& where) {
  std::unique_ptr<SafetensorsFile> f(new SafetensorsFile());
  f->path_ = where;
  f->owned_ = std::move(bytes);
  RLZ_RETURN_IF_ERROR(
      f->Parse(reinterpret_cast<const uint8_t*>(f->owned_.data()), f->owned_.size()));
  return f;
}

SafetensorsFile::~SafetensorsFile() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
}

const StEntry* SafetensorsFile::Find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

void SafetensorsFile::ReleaseBytes(const uint8_t* data, size_t nbytes) const {
  if (map_ == nullptr || nbytes == 0) return;
  const uint8_t* map_begin = static_cast<const uint8_t*>(map_);
  if (data < map_begin || data + nbytes > map_begin + map_size_) return;
  // Only whole pages strictly inside the range: neighbours may still be needed.
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  uintptr_t begin = reinterpret_cast<uintptr_t>(data);
  uintptr_t end = begin + nbytes;
  begin = (begin + page - 1) / page * page;
  end = end / page * page;
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

Status SafetensorsFile::Parse(const uint8_t* bytes, size_t size) {
  const std::string& p = path_;
  if (size < 8) {
    return DataLoss(p + ": truncated: " + std::to_string(size) +
                    " bytes, fewer than the 8-byte header length");
  }
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
  if (n > kMaxSafetensorsHeaderBytes) {
    return InvalidArgument(p + ": header length " + std::to_string(n) + " exceeds the limit of " +
                           std::to_string(kMaxSafetensorsHeaderBytes) + " bytes");
  }
  if (n > size - 8) {
    return DataLoss(p + ": truncated: header length " + std::to_string(n) + " but only " +
                    std::to_string(size - 8) + " bytes follow");
  }
  const char* hbegin = reinterpret_cast<const char*>(bytes + 8);
  Json header;
  try {
    header = Json::parse(hbegin, hbegin + n);
  } catch (const std::exception& e) {
    return InvalidArgument(p + ": header is not valid JSON: " + e.what());
  }
  if (!header.is_object()) return InvalidArgument(p + ": header is not a JSON object");
  const size_t data_start = 8 + static_cast<size_t>(n);
  const size_t data_size = size - data_start;

  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const Json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) return InvalidArgument(p + ": __metadata__ is not an object");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string())
          return InvalidArgument(p + ": __metadata__." + m.key() + " is not a string");
        metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = p + ": tensor " + name;
    if (!v.is_object()) return InvalidArgument(where + ": entry is not an object");
    auto dt = v.find("dtype");
    auto sh = v.find("shape");
    auto off = v.find("data_offsets");
    if (dt == v.end() || !dt->is_string()) return InvalidArgument(where + ": missing dtype");
    if (sh == v.end() || !sh->is_array()) return InvalidArgument(where + ": missing shape");
    if (off == v.end() || !off->is_array() || off->size() != 2)
      return InvalidArgument(where + ": data_offsets must be [begin, end]");
    StEntry e;
    e.name = name;
    if (!ParseStDtype(dt->get<std::string>(), &e.dtype))
      return InvalidArgument(where + ": unsupported dtype " + dt->get<std::string>());
    size_t numel = 1;
    for (const Json& d : *sh) {
      if (!d.is_number_unsigned())
        return InvalidArgument(where + ": shape entries must be non-negative integers");
      uint64_t dim = d.get<uint64_t>();
      if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
          !MulNoOverflow(numel, static_cast<size_t>(dim), &numel))
        return InvalidArgument(where + ": shape overflows");
      e.shape.push_back(static_cast<int64_t>(dim));
    }
    size_t nbytes = 0;
    if (!MulNoOverflow(numel, StDtypeSize(e.dtype), &nbytes) ||
        nbytes > static_cast<size_t>(std::numeric_limits<int64_t>::max()))
      return InvalidArgument(where + ": shape overflows");
    const Json& b = (*off)[0];
    const Json& en = (*off)[1];
    if (!b.is_number_unsigned() || !en.is_number_unsigned())
      return InvalidArgument(where + ": data_offsets must be non-negative integers");
    uint64_t begin = b.get<uint64_t>(), end = en.get<uint64_t>();
    if (end < begin) return InvalidArgument(where + ": data_offsets end < begin");
    if (end > data_size) {
      return DataLoss(where + ": data_offsets [" + std::to_string(begin) + ", " +
                      std::to_string(end) + "] out of range (data is " + std::to_string(data_size) +
                      " bytes; truncated file?)");
    }
    if (end - begin != nbytes) {
      return InvalidArgument(where + ": data_offsets span " + std::to_string(end - begin) +
                             " bytes but dtype x shape needs " + std::to_string(nbytes));
    }
    e.offset = data_start + static_cast<size_t>(begin);
    e.data = bytes + e.offset;
    e.nbytes = nbytes;
    entries_.push_back(std::move(e));
  }
  std::sort(entries_.begin(), entries_.end(), [](const StEntry& a, const StEntry& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.nbytes < b.nbytes;
  });
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i > 0) {
      const StEntry& prev = entries_[i - 1];
      const StEntry& cur = entries_[i];
      // Zero-size tensors may share an offset; any byte shared is an overlap.
      if (cur.nbytes > 0 && prev.offset + prev.nbytes > cur.offset) {
        return InvalidArgument(p + ": tensors " + prev.name + " and " + cur.name +
                               " overlap in the data buffer");
      }
    }
    index_[entries_[i].name] = i;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- writing

Status WriteSafetensors(const std::string& path, const std::vector<StTensorToWrite>& tensors,
                        const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) {
    Json m = Json::object();
    for (const auto& [k, v] : metadata) m[k] = v;
    header["__metadata__"] = m;
  }
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    if (header.contains(t.name)) return InvalidArgument(path + ": duplicate tensor " + t.name);
    size_t numel = 1;
    for (int64_t d : t.shape) {
      if (d < 0) return InvalidArgument(path + ": tensor " + t.name + ": negative dim");
      numel *= static_cast<size_t>(d);
    }
    if (numel * StDtypeSize(t.dtype) != t.nbytes) {
      return InvalidArgument(path + ": tensor " + t.name + ": " + std::to_string(t.nbytes) +
                             " bytes do not match dtype x shape");
    }
    header[t.name] = {{"dtype", StDtypeName(t.dtype)},
                      {"shape", t.shape},
                      {"data_offsets", {offset, offset + t.nbytes}}};
    offset += t.nbytes;
  }
  std::string text = header.dump();
  while (text.size() % 8 != 0) text.push_back(' ');
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Internal(tmp + ": cannot create: " + ErrnoText());
  uint8_t len[8];
  uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(n >> (8 * i));
  bool ok = std::fwrite(len, 1, 8, f) == 8 && std::fwrite(text.data(), 1, n, f) == n;
  for (size_t i = 0; ok && i < tensors.size(); ++i) {
    const auto& t = tensors[i];
    ok = t.nbytes == 0 || std::fwrite(t.data, 1, t.nbytes, f) == t.nbytes;
  }
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    return Internal(path + ": write failed: " + ErrnoText());
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Internal(path + ": cannot rename from " + tmp + ": " + ErrnoText());
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- checkpoints

StatusOr<std::unique_ptr<SafetensorsCheckpoint>> SafetensorsCheckpoint::Open(
    const std::string& dir) {
  namespace fs = std::filesystem;
  auto ck = std::make_unique<SafetensorsCheckpoint>();
  const std::string index_path = dir + "/model.safetensors.index.json";
  const std::string single_path = dir + "/model.safetensors";
  std::error_code ec;
  auto add_file = [&](const std::string& path) -> StatusOr<SafetensorsFile*> {
    RLZ_ASSIGN_OR_RETURN(auto f, SafetensorsFile::Open(path));
    ck->total_bytes_ += fs::file_size(path, ec);
    ck->files_.push_back(std::move(f));
    return ck->files_.back().get();
  };
  if (fs::exists(index_path, ec)) {
    std::ifstream in(index_path);
    Json index;
    try {
      index = Json::parse(in);
    } catch (const std::exception& e) {
      return InvalidArgument(index_path + ": not valid JSON: " + e.what());
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
      return InvalidArgument(index_path + ": missing object weight_map");
    std::map<std::string, SafetensorsFile*> opened;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
      if (!it.value().is_string())
        return InvalidArgument(index_path + ": weight_map." + it.key() + " is not a string");
      std::string shard = it.value().get<std::string>();
      if (shard.empty() || shard.find('/') != std::string::npos || shard == "..")
        return InvalidArgument(index_path + ": weight_map." + it.key() + ": bad shard file name '" +
                               shard + "'");
      if (!opened.count(shard)) {
        RLZ_ASSIGN_OR_RETURN(opened[shard], add_file(dir + "/" + shard));
      }
      SafetensorsFile* f = opened[shard];
      const StEntry* e = f->Find(it.key());
      if (e == nullptr) {
        return NotFound(f->path() + ": tensor " + it.key() + " is missing (" + index_path +
                        " maps it to this shard)");
      }
      ck->by_name_[it.key()] = Located{e, f};
    }
    return ck;
  }
  if (!fs::exists(single_path, ec)) {
    return NotFound(dir + ": no model.safetensors or model.safetensors.index.json");
  }
  RLZ_ASSIGN_OR_RETURN(SafetensorsFile * f, add_file(single_path));
  for (const auto& e : f->entries()) ck->by_name_[e.name] = Located{&e, f};
  return ck;
}

SafetensorsCheckpoint::Located SafetensorsCheckpoint::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? Located{nullptr, nullptr} : it->second;
}

std::vector<std::string> SafetensorsCheckpoint::Names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : by_name_) out.push_back(k);
  return out;
}

}  // namespace rlzero
