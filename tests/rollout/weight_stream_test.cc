// Weight sync stream: round trip, and every way a hostile or broken stream
// can be wrong is refused with a Status.
#include "rollout/weight_stream.h"

#include <gtest/gtest.h>

#include "policy/model_io.h"
#include "rollout/weight_chunk_wire.h"

namespace rlzero {
namespace {

ModelConfig TinyQwen3Config() {
  ModelConfig c;
  c.model_type = "qwen3";
  c.vocab_size = 40;
  c.hidden_size = 32;
  c.intermediate_size = 64;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = 8;
  c.max_position_embeddings = 64;
  return c;
}

std::vector<v1::WeightChunk> Chunks(CausalLM& m, int64_t version, size_t chunk) {
  std::vector<v1::WeightChunk> out;
  Status s = WriteWeightChunks(m, version, chunk, [&](const v1::WeightChunk& c) {
    out.push_back(c);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

Status Feed(const std::vector<v1::WeightChunk>& chunks, std::vector<NamedTensor>* out) {
  WeightAssembler a(1 << 30);
  for (const auto& c : chunks) RLZ_RETURN_IF_ERROR(a.Add(c));
  RLZ_ASSIGN_OR_RETURN(*out, a.Finish());
  return Status::Ok();
}

TEST(WeightStreamTest, RoundTripMakesIdenticalWeights) {
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  auto b = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 2);
  ASSERT_TRUE(a.ok() && b.ok());
  auto chunks = Chunks(**a, 7, 100);  // small chunks: tensors span many
  EXPECT_GT(chunks.size(), (*a)->parameters().size());
  EXPECT_TRUE(chunks.back().last());
  std::vector<NamedTensor> tensors;
  ASSERT_TRUE(Feed(chunks, &tensors).ok());
  ASSERT_TRUE(ApplyWeights(**b, tensors).ok());
  auto pa = (*a)->named_parameters(), pb = (*b)->named_parameters();
  for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
}

TEST(WeightStreamTest, CorruptedByteFailsChecksum) {
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  auto chunks = Chunks(**a, 1, 256);
  std::string d = chunks[3].data();
  d[0] ^= 1;
  chunks[3].set_data(d);
  std::vector<NamedTensor> t;
  Status s = Feed(chunks, &t);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
}

TEST(WeightStreamTest, MissingFinalChunkIsDataLoss) {
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  auto chunks = Chunks(**a, 1, 256);
  chunks.pop_back();
  std::vector<NamedTensor> t;
  EXPECT_EQ(Feed(chunks, &t).code(), StatusCode::kDataLoss);
}

TEST(WeightStreamTest, OutOfOrderAndOversizedChunksAreRefused) {
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  auto chunks = Chunks(**a, 1, 64);
  std::swap(chunks[1], chunks[2]);
  std::vector<NamedTensor> t;
  EXPECT_EQ(Feed(chunks, &t).code(), StatusCode::kInvalidArgument);

  chunks = Chunks(**a, 1, 64);
  chunks[0].set_data(chunks[0].data() + std::string(1000000, 'x'));
  EXPECT_EQ(Feed(chunks, &t).code(), StatusCode::kInvalidArgument);

  chunks = Chunks(**a, 1, 64);
  chunks[0].clear_shape();
  chunks[0].add_shape(1ll << 20);
  chunks[0].add_shape(1ll << 20);
  WeightAssembler small(1 << 20);
  EXPECT_EQ(small.Add(chunks[0]).code(), StatusCode::kResourceExhausted);

  chunks = Chunks(**a, 1, 64);
  chunks[0].set_dtype("complex128");
  EXPECT_EQ(Feed(chunks, &t).code(), StatusCode::kInvalidArgument);

  chunks = Chunks(**a, 1, 64);
  chunks[1].set_version(2);
  EXPECT_EQ(Feed(chunks, &t).code(), StatusCode::kInvalidArgument);
}

TEST(WeightStreamTest, ApplyRefusesMismatchedModels) {
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  ModelConfig other = TinyQwen3Config();
  other.hidden_size = 48;
  other.head_dim = 12;
  auto b = BuildModel(other, torch::kCPU, torch::kFloat32, 1);
  std::vector<NamedTensor> t;
  ASSERT_TRUE(Feed(Chunks(**a, 1, 4096), &t).ok());
  Status s = ApplyWeights(**b, t);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("wrong shape"), std::string::npos) << s.message();
  t.pop_back();
  EXPECT_FALSE(ApplyWeights(**a, t).ok());
}

std::string Flatten(const grpc::ByteBuffer& b) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(b.Dump(&slices).ok());
  std::string out;
  for (const auto& x : slices) out.append(reinterpret_cast<const char*>(x.begin()), x.size());
  return out;
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice s(bytes);
  return grpc::ByteBuffer(&s, 1);
}

TEST(WeightChunkWireTest, ZeroCopyFramesRoundTripAndParseAsWeightChunks) {
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  auto b = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 2);
  ASSERT_TRUE(a.ok() && b.ok());
  auto snap = SnapshotWeights(**a, 3);
  ASSERT_TRUE(snap.ok());
  auto frames = EncodeWeightFrames(*snap, 100);
  ASSERT_TRUE(frames.ok());
  auto chunks = Chunks(**a, 3, 100);  // the protobuf path: same stream
  ASSERT_EQ(frames->size(), chunks.size());
  WeightAssembler assembler(1 << 30);
  for (size_t i = 0; i < frames->size(); ++i) {
    v1::WeightChunk parsed;  // a generated parser reads the frame as a WeightChunk
    ASSERT_TRUE(parsed.ParseFromString(Flatten((*frames)[i])));
    EXPECT_EQ(parsed.SerializeAsString(), chunks[i].SerializeAsString()) << i;
    DecodedWeightChunk d;
    ASSERT_TRUE(DecodeWeightChunk((*frames)[i], &d).ok());
    ASSERT_TRUE(assembler.Add(d.header, d.pieces).ok());
  }
  auto tensors = assembler.Finish();
  ASSERT_TRUE(tensors.ok());
  ASSERT_TRUE(ApplyWeights(**b, *tensors).ok());
  auto pa = (*a)->named_parameters(), pb = (*b)->named_parameters();
  for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
}

TEST(WeightChunkWireTest, DecodesGeneratedEncodingsAndRefusesMalformedFrames) {
  v1::WeightChunk c;
  c.set_version(4);
  c.set_name("w");
  c.set_dtype("float32");
  c.add_shape(2);
  c.set_data(std::string(8, 'z'));
  c.set_last(true);
  DecodedWeightChunk d;
  ASSERT_TRUE(DecodeWeightChunk(Buffer(c.SerializeAsString()), &d).ok());
  EXPECT_EQ(d.header.name(), "w");
  EXPECT_TRUE(d.header.last());
  EXPECT_TRUE(d.header.data().empty());
  ASSERT_EQ(d.data_size, 8u);
  std::string data;
  for (const auto& p : d.pieces) data.append(p.data, p.size);
  EXPECT_EQ(data, std::string(8, 'z'));

  const std::string good = c.SerializeAsString();
  Status truncated = DecodeWeightChunk(Buffer(good.substr(0, good.size() - 3)), &d);
  EXPECT_EQ(truncated.code(), StatusCode::kInvalidArgument) << truncated.ToString();
  v1::WeightChunk second_data;
  second_data.set_data("yy");
  Status twice = DecodeWeightChunk(Buffer(good + second_data.SerializeAsString()), &d);
  EXPECT_EQ(twice.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(twice.message().find("more than one data"), std::string::npos) << twice.message();
  Status garbage = DecodeWeightChunk(Buffer(std::string("\xff\xff\xff", 3)), &d);
  EXPECT_EQ(garbage.code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rlzero
