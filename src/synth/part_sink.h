// A part file being written: plain JSON Lines, gzip (ISA-L igzip, one member)
// or zstd.  Output bytes depend only on the bytes written and on the order
// and sizes of the Write() calls, so a part is reproducible.  Owned by one
// thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "io/status.h"

namespace coopscope::synth {

enum class PartCompression : uint8_t { kNone, kGzip, kZstd };

class PartSink {
 public:
  virtual ~PartSink();
  static Result<std::unique_ptr<PartSink>> Open(const std::string& path, PartCompression compression);

  // Appends uncompressed bytes.
  virtual Status Write(std::string_view bytes) = 0;
  // Flushes the compressor and closes the file; no Write() after.
  virtual Status Finish() = 0;
  // Bytes in the file so far (the manifest's content_length once finished).
  uint64_t file_bytes() const { return file_bytes_; }

 protected:
  PartSink(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  Status WriteFile(const void* data, size_t size);
  Status CloseFile();

  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t file_bytes_ = 0;
};

}  // namespace coopscope::synth
