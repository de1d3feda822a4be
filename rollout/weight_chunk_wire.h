// rollout/weight_chunk_wire.h: rlzero.v1.WeightChunk on the wire without
// copying its `data` bytes, for weight sync at memory speed.
//
// Sender: EncodeWeightChunk lays out a valid WeightChunk encoding as a
// grpc::ByteBuffer of two slices: a small one with every field but `data`
// (serialised by protobuf) followed by the tag and length of field 6, and one
// that aliases the caller's memory for the data itself (kept alive through
// `owner` until gRPC drops the slice). Protobuf accepts fields in any order,
// so a generated WeightChunk parser reads these frames like any other.
//
// Receiver: DecodeWeightChunk reads any WeightChunk encoding (from this
// encoder or from a generated stub) out of a received grpc::ByteBuffer: every
// field but `data` into `header` (parsed by protobuf), and `data` as a list
// of pieces that point into the buffer's slices, so the caller copies each
// byte once, straight to its destination. A malformed frame, or one with
// several `data` fields, is INVALID_ARGUMENT; never a crash.
//
// Thread safety: free functions; a DecodedWeightChunk belongs to one thread.
#pragma once

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "base/status.h"
#include "rlzero/v1/rollout.pb.h"

namespace rlzero {

// `header` must have an empty data field. [data, data + size) must stay
// valid and unchanged while `owner` is alive; the returned buffer (and any
// copy gRPC makes of it) holds a reference to `owner`.
grpc::ByteBuffer EncodeWeightChunk(const v1::WeightChunk& header, const void* data, size_t size,
                                   std::shared_ptr<const void> owner);

// A contiguous piece of a chunk's data inside a received buffer.
struct DataPiece {
  const char* data;
  size_t size;
};

struct DecodedWeightChunk {
  v1::WeightChunk header;         // every field but data (data is empty)
  std::vector<DataPiece> pieces;  // the data, in order; valid while `slices` lives
  size_t data_size = 0;           // sum of the pieces' sizes
  std::vector<grpc::Slice> slices;
};

Status DecodeWeightChunk(const grpc::ByteBuffer& buffer, DecodedWeightChunk* out);

}  // namespace rlzero
