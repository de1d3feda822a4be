// inspect/tfevents_writer.h: TensorBoard event files
// (RUN_DIR/events.out.tfevents.<unix seconds>.<host>) written without
// TensorFlow or protobuf: the few fields TensorBoard needs for scalar curves
// are hand-encoded in the protobuf wire format and framed as TFRecords.
//
// Encoded messages (field numbers from tensorflow/core/util/event.proto and
// tensorflow/core/framework/summary.proto):
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3;
//             Summary summary = 5; }
//   Summary { repeated Value value = 1; }
//   Value   { string tag = 1; float simple_value = 2; }
// TFRecord framing, per record: uint64 length (little-endian), uint32
// masked_crc32c(length bytes), data, uint32 masked_crc32c(data).
// The first record of a file is Event{wall_time, file_version="brain.Event:2"}.
// Non-goals: images, histograms, reading. Thread safety: one writer per
// thread (MetricsSink serialises its calls).
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "base/status.h"

namespace rlzero::inspect {

// Wire-format pieces, public for tests.
std::string EncodeFileVersionEvent(double wall_time);
std::string EncodeScalarsEvent(double wall_time, int64_t step,
                               const std::map<std::string, double>& scalars);
std::string FrameTfRecord(const std::string& data);

class TfEventsWriter {
 public:
  // Creates RUN_DIR/events.out.tfevents.<time>.<host> and writes the version
  // record.
  static StatusOr<std::unique_ptr<TfEventsWriter>> Open(const std::string& run_dir,
                                                        double wall_time);
  ~TfEventsWriter();
  Status WriteScalars(int64_t step, double wall_time, const std::map<std::string, double>& scalars);
  Status Flush();
  const std::string& path() const { return path_; }

 private:
  TfEventsWriter(std::FILE* f, std::string path) : f_(f), path_(std::move(path)) {}
  Status WriteRecord(const std::string& data);
  std::FILE* f_;
  std::string path_;
};

}  // namespace rlzero::inspect
