// Part files of the synthetic generator (see part_sink.h).
#include "synth/part_sink.h"

#include <fmt/format.h>
#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace coopscope::synth {
namespace {

constexpr size_t kOutputChunk = 1u << 20;
constexpr int kZstdLevel = 3;

class PlainSink final : public PartSink {
 public:
  using PartSink::PartSink;
  Status Write(std::string_view bytes) override { return WriteFile(bytes.data(), bytes.size()); }
  Status Finish() override { return CloseFile(); }
};

class GzipSink final : public PartSink {
 public:
  GzipSink(std::string path, std::FILE* file)
      : PartSink(std::move(path), file), level_buf_(ISAL_DEF_LVL1_DEFAULT), out_(kOutputChunk) {
    isal_deflate_init(&stream_);
    stream_.level = 1;
    stream_.level_buf = level_buf_.data();
    stream_.level_buf_size = static_cast<uint32_t>(level_buf_.size());
    stream_.gzip_flag = IGZIP_GZIP;
  }

  Status Write(std::string_view bytes) override { return Deflate(bytes, false); }
  Status Finish() override {
    Status st = Deflate({}, true);
    Status closed = CloseFile();
    return st.ok() ? closed : st;
  }

 private:
  Status Deflate(std::string_view bytes, bool end) {
    stream_.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(bytes.data()));
    stream_.avail_in = static_cast<uint32_t>(bytes.size());
    stream_.end_of_stream = end ? 1 : 0;
    stream_.flush = NO_FLUSH;
    do {
      stream_.next_out = out_.data();
      stream_.avail_out = static_cast<uint32_t>(out_.size());
      if (int rc = isal_deflate(&stream_); rc != COMP_OK)
        return Status(ErrorCode::kIo, fmt::format("gzip compression of {} failed (isal_deflate {})", path_, rc));
      Status st = WriteFile(out_.data(), out_.size() - stream_.avail_out);
      if (!st.ok()) return st;
    } while (stream_.avail_in > 0 || stream_.avail_out == 0 || (end && stream_.internal_state.state != ZSTATE_END));
    return Status::Ok();
  }

  isal_zstream stream_{};
  std::vector<uint8_t> level_buf_;
  std::vector<uint8_t> out_;
};

class ZstdSink final : public PartSink {
 public:
  ZstdSink(std::string path, std::FILE* file)
      : PartSink(std::move(path), file), context_(ZSTD_createCCtx()), out_(ZSTD_CStreamOutSize()) {
    ZSTD_CCtx_setParameter(context_, ZSTD_c_compressionLevel, kZstdLevel);
    ZSTD_CCtx_setParameter(context_, ZSTD_c_checksumFlag, 1);
  }
  ~ZstdSink() override { ZSTD_freeCCtx(context_); }

  Status Write(std::string_view bytes) override { return Compress(bytes, ZSTD_e_continue); }
  Status Finish() override {
    Status st = Compress({}, ZSTD_e_end);
    Status closed = CloseFile();
    return st.ok() ? closed : st;
  }

 private:
  Status Compress(std::string_view bytes, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t remaining = ZSTD_compressStream2(context_, &out, &in, mode);
      if (ZSTD_isError(remaining))
        return Status(ErrorCode::kIo,
                      fmt::format("zstd compression of {} failed: {}", path_, ZSTD_getErrorName(remaining)));
      Status st = WriteFile(out_.data(), out.pos);
      if (!st.ok()) return st;
      bool done = mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size;
      if (done) return Status::Ok();
    }
  }

  ZSTD_CCtx* context_;
  std::vector<char> out_;
};

}  // namespace

PartSink::~PartSink() {
  if (file_ != nullptr) std::fclose(file_);
}

Status PartSink::WriteFile(const void* data, size_t size) {
  if (size == 0) return Status::Ok();
  if (std::fwrite(data, 1, size, file_) != size)
    return Status(ErrorCode::kIo, fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
  file_bytes_ += size;
  return Status::Ok();
}

Status PartSink::CloseFile() {
  std::FILE* file = file_;
  file_ = nullptr;
  if (file != nullptr && std::fclose(file) != 0)
    return Status(ErrorCode::kIo, fmt::format("cannot close {}: {}", path_, std::strerror(errno)));
  return Status::Ok();
}

Result<std::unique_ptr<PartSink>> PartSink::Open(const std::string& path, PartCompression compression) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return Status(ErrorCode::kIo, fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  std::unique_ptr<PartSink> sink;
  switch (compression) {
    case PartCompression::kNone:
      sink.reset(new PlainSink(path, file));
      break;
    case PartCompression::kGzip:
      sink.reset(new GzipSink(path, file));
      break;
    case PartCompression::kZstd:
      sink.reset(new ZstdSink(path, file));
      break;
  }
  return sink;
}

}  // namespace coopscope::synth
