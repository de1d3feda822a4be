// tests/inspect/tfevents_writer_test.cc: CRC32C against published test
// vectors (RFC 3720 B.4 and the "123456789" check value), the event wire
// format against bytes worked out by hand from the protobuf encoding rules,
// and event files read back by an independent TFRecord/protobuf parser.
#include "inspect/tfevents_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "inspect/crc32c.h"
#include "inspect/metrics_log.h"
#include "inspect/metrics_sink.h"
#include "tests/inspect/test_run_dir.h"

namespace rlzero::inspect {
namespace {

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

TEST(Crc32cTest, MatchesPublishedVectors) {
  EXPECT_EQ(Crc32c(std::string("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);    // RFC 3720 B.4
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);  // RFC 3720 B.4
  std::string inc;
  for (int i = 0; i < 32; ++i) inc += static_cast<char>(i);
  EXPECT_EQ(Crc32c(inc), 0x46DD794Eu);  // RFC 3720 B.4
  EXPECT_EQ(Crc32c(std::string()), 0u);
}

TEST(Crc32cTest, MaskMatchesIndependentComputation) {
  // ((0xE3069283 >> 15) | (0xE3069283 << 17)) + 0xa282ead8 mod 2^32, by hand
  // (python) = 0xc78ab0e5.
  EXPECT_EQ(MaskCrc32c(0xE3069283u), 0xc78ab0e5u);
}

TEST(TfEventsTest, ScalarEventHasTheExpectedWireBytes) {
  // Event{wall_time: 1.5, step: 7, summary{value{tag: "a", simple_value: 0.5}}}
  //   09 <1.5 as LE double>  10 07  2a 0a  [0a 08 [0a 01 61  15 <0.5 as LE float>]]
  EXPECT_EQ(Hex(EncodeScalarsEvent(1.5, 7, {{"a", 0.5}})),
            "09000000000000f83f"
            "1007"
            "2a0a"
            "0a08"
            "0a0161"
            "150000003f");
  // Event{wall_time: 1.5, file_version: "brain.Event:2"}
  EXPECT_EQ(Hex(EncodeFileVersionEvent(1.5)),
            "09000000000000f83f"
            "1a0d" +
                Hex("brain.Event:2"));
  // A negative step is a 10-byte varint (int64 two's complement).
  std::string neg = EncodeScalarsEvent(0, -1, {});
  EXPECT_EQ(Hex(neg.substr(9, 11)), "10ffffffffffffffffff01");
}

TEST(TfEventsTest, RecordFramingUsesMaskedCrcs) {
  std::string ev = EncodeScalarsEvent(1.5, 7, {{"a", 0.5}});
  std::string rec = FrameTfRecord(ev);
  ASSERT_EQ(rec.size(), 8 + 4 + ev.size() + 4);
  // length 23 as LE uint64; masked CRCs computed independently (python
  // bitwise CRC32C over the same bytes), written little-endian.
  EXPECT_EQ(Hex(rec.substr(0, 8)), "1700000000000000");
  EXPECT_EQ(Hex(rec.substr(8, 4)), "e7cef81e");
  EXPECT_EQ(rec.substr(12, ev.size()), ev);
  EXPECT_EQ(Hex(rec.substr(12 + ev.size(), 4)), "6fd64f8c");
}

// ---- an independent reader: TFRecord frames, then protobuf fields ----

struct Field {
  int number = 0;
  int wire = 0;
  uint64_t varint = 0;
  std::string bytes;  // length-delimited, fixed32 or fixed64 payload
};

bool ReadVarint(const std::string& s, size_t* p, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && *p < s.size(); shift += 7) {
    unsigned char c = static_cast<unsigned char>(s[(*p)++]);
    *v |= static_cast<uint64_t>(c & 0x7F) << shift;
    if (!(c & 0x80)) return true;
  }
  return false;
}

std::vector<Field> ParseMessage(const std::string& s) {
  std::vector<Field> out;
  size_t p = 0;
  while (p < s.size()) {
    uint64_t key;
    if (!ReadVarint(s, &p, &key)) ADD_FAILURE() << "bad key";
    Field f;
    f.number = static_cast<int>(key >> 3);
    f.wire = static_cast<int>(key & 7);
    if (f.wire == 0) {
      ReadVarint(s, &p, &f.varint);
    } else if (f.wire == 1 || f.wire == 5) {
      size_t n = f.wire == 1 ? 8 : 4;
      f.bytes = s.substr(p, n);
      p += n;
    } else if (f.wire == 2) {
      uint64_t n;
      ReadVarint(s, &p, &n);
      f.bytes = s.substr(p, n);
      p += n;
    } else {
      ADD_FAILURE() << "unexpected wire type " << f.wire;
      break;
    }
    out.push_back(f);
  }
  return out;
}

std::vector<std::string> ReadRecords(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  std::vector<std::string> out;
  size_t p = 0;
  while (p < s.size()) {
    EXPECT_GE(s.size() - p, 12u);
    uint64_t len;
    uint32_t len_crc, data_crc;
    std::memcpy(&len, s.data() + p, 8);
    std::memcpy(&len_crc, s.data() + p + 8, 4);
    EXPECT_EQ(len_crc, MaskCrc32c(Crc32c(s.data() + p, 8)));
    std::string data = s.substr(p + 12, len);
    std::memcpy(&data_crc, s.data() + p + 12 + len, 4);
    EXPECT_EQ(data_crc, MaskCrc32c(Crc32c(data)));
    out.push_back(data);
    p += 12 + len + 4;
  }
  return out;
}

TEST(TfEventsTest, MetricsSinkEventsParseBack) {
  testing::ScratchDir dir("tfevents");
  std::string events;
  {
    auto sink = RunMetricsSink::Open(dir.path());
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    ASSERT_TRUE((*sink)->Write(1, {{"reward/mean", 0.25}, {"kl", 0.125}}).ok());
    ASSERT_TRUE((*sink)->Write(2, {{"reward/mean", 0.75}, {"kl", 0.0625}}).ok());
    events = (*sink)->events_path();
  }
  EXPECT_EQ(std::filesystem::path(events).filename().string().rfind("events.out.tfevents.", 0), 0u);
  auto records = ReadRecords(events);
  ASSERT_EQ(records.size(), 3u);
  auto first = ParseMessage(records[0]);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[1].number, 3);
  EXPECT_EQ(first[1].bytes, "brain.Event:2");
  for (int i = 1; i <= 2; ++i) {
    auto ev = ParseMessage(records[i]);
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(ev[0].number, 1);  // wall_time
    double wt;
    std::memcpy(&wt, ev[0].bytes.data(), 8);
    EXPECT_GT(wt, 1.6e9);
    EXPECT_EQ(ev[1].number, 2);
    EXPECT_EQ(ev[1].varint, static_cast<uint64_t>(i));
    EXPECT_EQ(ev[2].number, 5);
    std::map<std::string, float> values;
    for (const auto& v : ParseMessage(ev[2].bytes)) {
      ASSERT_EQ(v.number, 1);
      auto inner = ParseMessage(v.bytes);
      ASSERT_EQ(inner.size(), 2u);
      float f;
      std::memcpy(&f, inner[1].bytes.data(), 4);
      values[inner[0].bytes] = f;
    }
    EXPECT_EQ(values.at("reward/mean"), i == 1 ? 0.25f : 0.75f);
    EXPECT_EQ(values.at("kl"), i == 1 ? 0.125f : 0.0625f);
  }
  // metrics.jsonl beside it reads back with the same values.
  auto rows = ReadMetricsJsonl(MetricsJsonlPath(dir.path()));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].step, 2);
  EXPECT_EQ((*rows)[1].values.at("reward/mean"), 0.75);
  EXPECT_GT((*rows)[1].wall_time, 1.6e9);
}

TEST(MetricsLogTest, SkipsATornLastLineButRejectsBadMiddleLines) {
  testing::ScratchDir dir("metricslog");
  std::string path = dir.file("metrics.jsonl");
  {
    std::ofstream f(path);
    f << "{\"step\": 1, \"loss\": 2.5, \"note\": \"text\", \"kl\": null}\n\n{\"step\": 2, \"lo";
  }
  auto rows = ReadMetricsJsonl(path);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].values.size(), 1u);
  EXPECT_EQ((*rows)[0].values.at("loss"), 2.5);
  {
    std::ofstream f(path);
    f << "{\"step\": 1}\nnot json\n{\"step\": 3}\n";
  }
  auto bad = ReadMetricsJsonl(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("metrics.jsonl:2"), std::string::npos)
      << bad.status().message();
  EXPECT_TRUE(ReadMetricsJsonl(dir.file("absent.jsonl"))->empty());
}

TEST(MetricsSinkTest, NonFiniteValuesBecomeNullAndReservedKeysAreRejected) {
  testing::ScratchDir dir("sink");
  auto sink = RunMetricsSink::Open(dir.path());
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(1, {{"loss", std::nan("")}, {"kl", 1.0}}).ok());
  EXPECT_EQ((*sink)->Write(2, {{"step", 1.0}}).code(), StatusCode::kInvalidArgument);
  std::ifstream in(MetricsJsonlPath(dir.path()));
  std::string line;
  std::getline(in, line);
  EXPECT_NE(line.find("\"loss\":null"), std::string::npos) << line;
}

}  // namespace
}  // namespace rlzero::inspect
