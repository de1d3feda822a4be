// inspect/tfevents_writer.cc
#include "inspect/tfevents_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "inspect/crc32c.h"

namespace rlzero::inspect {

namespace {

// Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
void PutTag(std::string* out, int field, int wire_type) {
  PutVarint(out, static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire_type));
}
void PutFixed(std::string* out, const void* p, size_t n) {  // little-endian host
  out->append(static_cast<const char*>(p), n);
}
void PutBytes(std::string* out, int field, const std::string& bytes) {
  PutTag(out, field, 2);
  PutVarint(out, bytes.size());
  out->append(bytes);
}
void PutWallTime(std::string* out, double wall_time) {
  PutTag(out, 1, 1);
  PutFixed(out, &wall_time, 8);
}

}  // namespace

std::string EncodeFileVersionEvent(double wall_time) {
  std::string ev;
  PutWallTime(&ev, wall_time);
  PutBytes(&ev, 3, "brain.Event:2");
  return ev;
}

std::string EncodeScalarsEvent(double wall_time, int64_t step,
                               const std::map<std::string, double>& scalars) {
  std::string summary;
  for (const auto& [tag, value] : scalars) {
    std::string v;
    PutBytes(&v, 1, tag);
    float f = static_cast<float>(value);
    PutTag(&v, 2, 5);
    PutFixed(&v, &f, 4);
    PutBytes(&summary, 1, v);
  }
  std::string ev;
  PutWallTime(&ev, wall_time);
  PutTag(&ev, 2, 0);
  PutVarint(&ev, static_cast<uint64_t>(step));  // int64: two's complement varint
  PutBytes(&ev, 5, summary);
  return ev;
}

std::string FrameTfRecord(const std::string& data) {
  std::string out;
  uint64_t len = data.size();
  std::string len_bytes(reinterpret_cast<const char*>(&len), 8);
  uint32_t len_crc = MaskCrc32c(Crc32c(len_bytes));
  uint32_t data_crc = MaskCrc32c(Crc32c(data));
  out += len_bytes;
  PutFixed(&out, &len_crc, 4);
  out += data;
  PutFixed(&out, &data_crc, 4);
  return out;
}

StatusOr<std::unique_ptr<TfEventsWriter>> TfEventsWriter::Open(const std::string& run_dir,
                                                               double wall_time) {
  char host[256] = "localhost";
  if (gethostname(host, sizeof host) != 0) std::strcpy(host, "localhost");
  host[sizeof host - 1] = '\0';
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  std::string path =
      (std::filesystem::path(run_dir) /
       ("events.out.tfevents." + std::to_string(static_cast<long long>(wall_time)) + "." + host))
          .string();
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (f == nullptr)
    return Unavailable(path + ": cannot create event file: " + std::strerror(errno));
  std::unique_ptr<TfEventsWriter> w(new TfEventsWriter(f, path));
  RLZ_RETURN_IF_ERROR(w->WriteRecord(EncodeFileVersionEvent(wall_time)));
  RLZ_RETURN_IF_ERROR(w->Flush());
  return w;
}

TfEventsWriter::~TfEventsWriter() { std::fclose(f_); }

Status TfEventsWriter::WriteRecord(const std::string& data) {
  std::string rec = FrameTfRecord(data);
  if (std::fwrite(rec.data(), 1, rec.size(), f_) != rec.size()) {
    return Unavailable(path_ + ": write failed: " + std::strerror(errno));
  }
  return Status::Ok();
}

Status TfEventsWriter::WriteScalars(int64_t step, double wall_time,
                                    const std::map<std::string, double>& scalars) {
  return WriteRecord(EncodeScalarsEvent(wall_time, step, scalars));
}

Status TfEventsWriter::Flush() {
  if (std::fflush(f_) != 0) return Unavailable(path_ + ": flush failed: " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace rlzero::inspect
