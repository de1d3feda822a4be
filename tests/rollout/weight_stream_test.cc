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

// The tiny config with other tensor shapes (hidden 48, head_dim 12).
ModelConfig WideQwen3Config() {
  ModelConfig wide = TinyQwen3Config();
  wide.hidden_size = 48;
  wide.head_dim = 12;
  return wide;
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

// Adds `delta` to every parameter: the model's next version.
void Step(CausalLM& m, float delta) {
  torch::NoGradGuard no_grad;
  for (auto& p : m.parameters()) p.add_(delta);
}

void ExpectSameWeights(CausalLM& a, CausalLM& b) {
  auto pa = a.named_parameters(), pb = b.named_parameters();
  for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
}

TEST(WeightStreamTest, FillSnapshotReusesMemoryAndMatchesAFreshSnapshot) {
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  ASSERT_TRUE(a.ok());
  WeightSnapshot snap;
  ASSERT_TRUE(FillSnapshot(**a, 1, &snap).ok());
  std::vector<void*> first;
  for (const auto& t : snap.tensors) first.push_back(t.tensor.data_ptr());
  Step(**a, 0.5f);
  ASSERT_TRUE(FillSnapshot(**a, 2, &snap).ok());
  auto fresh = SnapshotWeights(**a, 2);
  ASSERT_TRUE(fresh.ok());
  ASSERT_EQ(snap.tensors.size(), (*fresh)->tensors.size());
  EXPECT_EQ(snap.version, 2);
  EXPECT_EQ(snap.checksum, (*fresh)->checksum);
  EXPECT_EQ(snap.total_bytes, (*fresh)->total_bytes);
  for (size_t i = 0; i < snap.tensors.size(); ++i) {
    EXPECT_EQ(snap.tensors[i].tensor.data_ptr(), first[i]) << snap.tensors[i].name;
    EXPECT_EQ(snap.tensors[i].name, (*fresh)->tensors[i].name);
    EXPECT_TRUE(torch::equal(snap.tensors[i].tensor, (*fresh)->tensors[i].tensor));
  }
}

TEST(WeightStreamTest, FillSnapshotReallocatesTensorsWhoseShapeChanged) {
  const ModelConfig wide = WideQwen3Config();
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  auto b = BuildModel(wide, torch::kCPU, torch::kFloat32, 1);
  ASSERT_TRUE(a.ok() && b.ok());
  WeightSnapshot snap;
  ASSERT_TRUE(FillSnapshot(**b, 1, &snap).ok());
  ASSERT_TRUE(FillSnapshot(**a, 2, &snap).ok());
  auto fresh = SnapshotWeights(**a, 2);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(snap.checksum, (*fresh)->checksum);
  ASSERT_EQ(snap.tensors.size(), (*fresh)->tensors.size());
  for (size_t i = 0; i < snap.tensors.size(); ++i)
    EXPECT_TRUE(torch::equal(snap.tensors[i].tensor, (*fresh)->tensors[i].tensor))
        << snap.tensors[i].name;
}

TEST(WeightStreamTest, RecycledTensorsAreReusedAndHoldTheNewVersion) {
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  auto b = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 2);
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<NamedTensor> v1;
  ASSERT_TRUE(Feed(Chunks(**a, 1, 100), &v1).ok());
  std::vector<void*> memory;
  for (const auto& t : v1) memory.push_back(t.tensor.data_ptr());
  Step(**a, 0.25f);
  WeightAssembler assembler(1 << 30);
  assembler.Recycle(std::move(v1));
  for (const auto& c : Chunks(**a, 2, 100)) ASSERT_TRUE(assembler.Add(c).ok());
  auto v2 = assembler.Finish();
  ASSERT_TRUE(v2.ok());
  ASSERT_EQ(v2->size(), memory.size());
  for (size_t i = 0; i < memory.size(); ++i)
    EXPECT_EQ((*v2)[i].tensor.data_ptr(), memory[i]) << (*v2)[i].name;
  ASSERT_TRUE(ApplyWeights(**b, *v2).ok());
  ExpectSameWeights(**a, **b);
}

TEST(WeightStreamTest, RecycledTensorsOfAnotherShapeAreNotReused) {
  const ModelConfig wide = WideQwen3Config();
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  auto w = BuildModel(wide, torch::kCPU, torch::kFloat32, 1);
  auto b = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 2);
  ASSERT_TRUE(a.ok() && w.ok() && b.ok());
  std::vector<NamedTensor> wide_tensors;
  ASSERT_TRUE(Feed(Chunks(**w, 1, 4096), &wide_tensors).ok());
  WeightAssembler assembler(1 << 30);
  assembler.Recycle(wide_tensors);  // shares memory with wide_tensors: must stay untouched
  for (const auto& c : Chunks(**a, 2, 4096)) ASSERT_TRUE(assembler.Add(c).ok());
  auto tensors = assembler.Finish();
  ASSERT_TRUE(tensors.ok());
  for (size_t i = 0; i < tensors->size(); ++i) {
    if ((*tensors)[i].tensor.sizes() != wide_tensors[i].tensor.sizes())
      EXPECT_NE((*tensors)[i].tensor.data_ptr(), wide_tensors[i].tensor.data_ptr());
  }
  ASSERT_TRUE(ApplyWeights(**b, *tensors).ok());
  ExpectSameWeights(**a, **b);
}

TEST(WeightStreamTest, CorruptOrShortStreamIntoRecycledTensorsIsStillRefused) {
  auto a = BuildModel(TinyQwen3Config(), torch::kCPU, torch::kFloat32, 1);
  ASSERT_TRUE(a.ok());
  std::vector<NamedTensor> v1;
  ASSERT_TRUE(Feed(Chunks(**a, 1, 256), &v1).ok());
  // The recycled tensors already hold every byte of the next stream: only
  // the bytes that arrive may count, so a stream that stops early or sends a
  // flipped byte fails exactly as it does into fresh memory.
  auto chunks = Chunks(**a, 2, 256);
  std::string d = chunks[3].data();
  d[0] ^= 1;
  chunks[3].set_data(d);
  WeightAssembler corrupt(1 << 30);
  corrupt.Recycle(v1);
  Status s;
  for (const auto& c : chunks)
    if (s = corrupt.Add(c); !s.ok()) break;
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();

  chunks = Chunks(**a, 2, 256);
  chunks.erase(chunks.begin() + 2);  // a hole in the first tensor
  WeightAssembler holed(1 << 30);
  holed.Recycle(v1);
  for (const auto& c : chunks)
    if (s = holed.Add(c); !s.ok()) break;
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(holed.done());

  chunks = Chunks(**a, 2, 256);
  chunks.pop_back();
  WeightAssembler cut(1 << 30);
  cut.Recycle(v1);
  for (const auto& c : chunks) ASSERT_TRUE(cut.Add(c).ok());
  EXPECT_EQ(cut.Finish().status().code(), StatusCode::kDataLoss);
}

TEST(WeightStagingCacheTest, TakeEmptiesAndPutKeepsTheLast) {
  WeightStagingCache cache;
  EXPECT_TRUE(cache.Take().empty());
  cache.Put({{"a", torch::zeros({2})}});
  cache.Put({{"b", torch::zeros({3})}});
  auto got = cache.Take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].name, "b");
  EXPECT_TRUE(cache.Take().empty());  // a concurrent second call gets nothing
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
