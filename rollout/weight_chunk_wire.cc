// rollout/weight_chunk_wire.cc
#include "rollout/weight_chunk_wire.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <climits>
#include <string>

namespace rlzero {
namespace {

using google::protobuf::internal::WireFormatLite;

constexpr int kDataField = 6;  // WeightChunk.data

void ReleaseOwner(void* owner) { delete static_cast<std::shared_ptr<const void>*>(owner); }

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

Status Malformed(const std::string& what) {
  return InvalidArgument("weight chunk: malformed frame (" + what + ")");
}

}  // namespace

grpc::ByteBuffer EncodeWeightChunk(const v1::WeightChunk& header, const void* data, size_t size,
                                   std::shared_ptr<const void> owner) {
  std::string head = header.SerializeAsString();
  if (size == 0) {
    grpc::Slice only(head);
    return grpc::ByteBuffer(&only, 1);
  }
  AppendVarint(WireFormatLite::MakeTag(kDataField, WireFormatLite::WIRETYPE_LENGTH_DELIMITED),
               &head);
  AppendVarint(size, &head);
  // gRPC never writes through a slice it sends; the const_cast only fits the
  // slice constructor's signature.
  grpc::Slice slices[2] = {grpc::Slice(head),
                           grpc::Slice(const_cast<void*>(data), size, &ReleaseOwner,
                                       new std::shared_ptr<const void>(std::move(owner)))};
  return grpc::ByteBuffer(slices, 2);
}

Status DecodeWeightChunk(const grpc::ByteBuffer& buffer, DecodedWeightChunk* out) {
  out->header.Clear();
  out->pieces.clear();
  out->slices.clear();
  out->data_size = 0;
  if (!buffer.Valid()) return Malformed("empty buffer");
  if (!buffer.Dump(&out->slices).ok()) return Malformed("unreadable buffer");

  // Pass 1: copy every field but `data` into header_bytes (for protobuf's own
  // parser) and note where `data` lies in the frame.
  std::string header_bytes;
  bool have_data = false;
  size_t data_begin = 0;
  {
    grpc::ByteBuffer frame(buffer);  // shares the slices; ProtoBufferReader wants non-const
    grpc::ProtoBufferReader reader(&frame);
    google::protobuf::io::CodedInputStream in(&reader);
    google::protobuf::io::StringOutputStream header_stream(&header_bytes);
    google::protobuf::io::CodedOutputStream header_out(&header_stream);
    for (;;) {
      const uint32_t tag = in.ReadTag();
      if (tag == 0) {
        if (!in.ConsumedEntireMessage()) return Malformed("bad field tag");
        break;
      }
      if (WireFormatLite::GetTagFieldNumber(tag) == kDataField &&
          WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
        if (have_data) return Malformed("more than one data field");
        uint32_t size = 0;
        if (!in.ReadVarint32(&size) || size > static_cast<uint32_t>(INT_MAX))
          return Malformed("bad data length");
        data_begin = static_cast<size_t>(in.CurrentPosition());
        if (!in.Skip(static_cast<int>(size))) return Malformed("data runs past the end");
        out->data_size = size;
        have_data = true;
        continue;
      }
      if (!WireFormatLite::SkipField(&in, tag, &header_out)) return Malformed("truncated field");
    }
  }  // header_out flushed into header_bytes here
  if (!out->header.ParseFromString(header_bytes)) return Malformed("bad header fields");

  // Pass 2: the data's pieces inside the slices.
  size_t skip = data_begin, left = out->data_size;
  for (const auto& s : out->slices) {
    if (left == 0) break;
    if (skip >= s.size()) {
      skip -= s.size();
      continue;
    }
    const size_t take = std::min(left, s.size() - skip);
    out->pieces.push_back({reinterpret_cast<const char*>(s.begin()) + skip, take});
    left -= take;
    skip = 0;
  }
  if (left != 0) return Malformed("data runs past the end");
  return Status::Ok();
}

}  // namespace rlzero
