// Byte streams over files: plain (a byte range of a file), gzip (ISA-L igzip,
// in process, multi-member) and zstd.  The compression is detected from the
// file's first bytes, not its name.  A stream is owned by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "io/status.h"

namespace coopscope {

enum class Compression : uint8_t { kNone, kGzip, kZstd, kZip };

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to n bytes into buf; 0 means the end.  A damaged or truncated
  // compressed stream returns kCorrupt.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Bytes consumed from the underlying file so far (for progress).
  virtual uint64_t file_bytes_consumed() const = 0;

  // The crc32 (gzip polynomial) of the whole file as stored (compressed
  // bytes for .gz/.zst), when the stream saw all of it; false otherwise
  // (read the file again to check it).
  virtual bool FileCrc(uint32_t* /*crc*/) { return false; }
};

// Detects the compression of a file from its magic bytes.
Result<Compression> DetectCompression(const std::string& path);

// Opens the whole file, decompressing if needed; for a zip archive, its JSON
// entry (preferring "*schema_v2*").
Result<std::unique_ptr<ByteStream>> OpenByteStream(const std::string& path);

// Opens bytes [begin, end) of an uncompressed file.
Result<std::unique_ptr<ByteStream>> OpenFileRange(const std::string& path, uint64_t begin, uint64_t end);

// Reads a whole file (decompressed, or a zip's JSON entry) into memory.
Result<std::string> ReadWholeFile(const std::string& path);

// Writes `bytes` to `path` so that a crash leaves the old file or the new one,
// never a part: path + kTempSuffix written and fsynced, renamed over `path`,
// then the folder fsynced so that the rename survives too.
inline constexpr const char* kTempSuffix = ".tmp";
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

Result<uint64_t> FileSize(const std::string& path);

}  // namespace coopscope
