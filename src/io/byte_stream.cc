#include "io/byte_stream.h"
#include "io/zip_library.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace coopscope {
namespace {

constexpr size_t kCompressedChunk = 1u << 20;

Status IoError(const std::string& what, const std::string& path) {
  return Status(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

class File {
 public:
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return IoError("cannot open", path);
    struct stat st;
    if (::fstat(fd_, &st) != 0) return IoError("cannot stat", path);
    if (S_ISDIR(st.st_mode)) return Status(ErrorCode::kIo, fmt::format("{} is a directory", path));
    size_ = static_cast<uint64_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    return Status::Ok();
  }
  Result<size_t> PRead(char* buf, size_t n, uint64_t offset) {
    for (;;) {
      ssize_t got = ::pread(fd_, buf, n, static_cast<off_t>(offset));
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return IoError("cannot read", path_);
    }
  }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
};

uint32_t CrcOf(const void* data, size_t size, uint32_t seed) {
  return crc32_gzip_refl(seed, static_cast<const unsigned char*>(data), size);
}

class PlainStream final : public ByteStream {
 public:
  PlainStream(std::unique_ptr<File> file, uint64_t begin, uint64_t end)
      : file_(std::move(file)), begin_(begin), pos_(begin), end_(std::min(end, file_->size())) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ >= end_) return size_t{0};
    n = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
    auto got = file_->PRead(buf, n, pos_);
    if (!got.ok()) return got.status();
    pos_ += got.value();
    if (begin_ == 0) crc_ = CrcOf(buf, got.value(), crc_);
    return got.value();
  }
  uint64_t file_bytes_consumed() const override { return pos_; }
  bool FileCrc(uint32_t* crc) override {
    if (begin_ != 0 || pos_ != file_->size()) return false;
    *crc = crc_;
    return true;
  }

 private:
  std::unique_ptr<File> file_;
  uint64_t begin_, pos_, end_;
  uint32_t crc_ = 0;
};

// Refills a compressed input buffer from a file.
class CompressedInput {
 public:
  explicit CompressedInput(std::unique_ptr<File> file) : file_(std::move(file)), buf_(kCompressedChunk) {}
  // Makes more input available; returns false at end of file.
  Result<bool> Refill() {
    auto got = file_->PRead(buf_.data(), buf_.size(), pos_);
    if (!got.ok()) return got.status();
    pos_ += got.value();
    len_ = got.value();
    crc_ = CrcOf(buf_.data(), len_, crc_);
    return got.value() > 0;
  }
  // The file's crc32, once every byte of it was read.
  bool FileCrc(uint32_t* crc) const {
    if (pos_ != file_->size()) return false;
    *crc = crc_;
    return true;
  }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(buf_.data()); }
  size_t len() const { return len_; }
  uint64_t pos() const { return pos_; }
  const std::string& path() const { return file_->path(); }

 private:
  std::unique_ptr<File> file_;
  std::vector<char> buf_;
  uint64_t pos_ = 0;
  size_t len_ = 0;
  uint32_t crc_ = 0;
};

class GzipStream final : public ByteStream {
 public:
  explicit GzipStream(std::unique_ptr<File> file) : in_(std::move(file)) {
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;
  }
  Result<size_t> Read(char* buf, size_t n) override {
    if (!pending_.ok()) return pending_;
    auto got = Inflate(buf, n);
    if (!got.ok()) {
      // Hand out what was decoded before the damage; report it on the next call.
      size_t produced = n - state_.avail_out;
      if (produced > 0) {
        pending_ = got.status();
        return produced;
      }
    }
    return got;
  }
  uint64_t file_bytes_consumed() const override { return in_.pos(); }
  bool FileCrc(uint32_t* crc) override { return in_.FileCrc(crc); }

 private:
  Result<size_t> Inflate(char* buf, size_t n) {
    state_.next_out = reinterpret_cast<uint8_t*>(buf);
    state_.avail_out = static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX));
    while (state_.avail_out > 0) {
      if (state_.block_state == ISAL_BLOCK_FINISH) {
        // End of one gzip member: another may follow (multi-member files).
        if (state_.avail_in == 0) {
          auto more = in_.Refill();
          if (!more.ok()) return more.status();
          if (!more.value()) break;  // the last member ended with the file
          state_.next_in = in_.data();
          state_.avail_in = static_cast<uint32_t>(in_.len());
        }
        isal_inflate_reset(&state_);
        state_.crc_flag = ISAL_GZIP;
      }
      if (state_.avail_in == 0) {
        auto more = in_.Refill();
        if (!more.ok()) return more.status();
        if (!more.value()) {
          return Status(ErrorCode::kCorrupt,
                        fmt::format("truncated gzip stream: the file ends at byte {} inside a member", in_.pos()));
        }
        state_.next_in = in_.data();
        state_.avail_in = static_cast<uint32_t>(in_.len());
      }
      int rc = isal_inflate(&state_);
      if (rc < 0) {
        return Status(ErrorCode::kCorrupt, fmt::format("damaged gzip stream near compressed byte {} (igzip error {})",
                                                       in_.pos() - state_.avail_in, rc));
      }
    }
    return n - state_.avail_out;
  }

  CompressedInput in_;
  inflate_state state_{};
  Status pending_;
};

class ZstdStream final : public ByteStream {
 public:
  explicit ZstdStream(std::unique_ptr<File> file) : in_(std::move(file)), ctx_(ZSTD_createDStream()) {
    ZSTD_initDStream(ctx_);
  }
  ~ZstdStream() override { ZSTD_freeDStream(ctx_); }
  Result<size_t> Read(char* buf, size_t n) override {
    if (!pending_.ok()) return pending_;
    ZSTD_outBuffer out{buf, n, 0};
    auto got = Decompress(out);
    if (!got.ok() && out.pos > 0) {
      pending_ = got.status();
      return out.pos;
    }
    return got;
  }
  uint64_t file_bytes_consumed() const override { return in_.pos(); }
  bool FileCrc(uint32_t* crc) override { return in_.FileCrc(crc); }

 private:
  Result<size_t> Decompress(ZSTD_outBuffer& out) {
    while (out.pos < out.size) {
      if (input_.pos == input_.size) {
        auto more = in_.Refill();
        if (!more.ok()) return more.status();
        if (!more.value()) {
          if (last_hint_ != 0)
            return Status(ErrorCode::kCorrupt,
                          fmt::format("truncated zstd stream: the file ends at byte {} inside a frame", in_.pos()));
          break;
        }
        input_ = ZSTD_inBuffer{in_.data(), in_.len(), 0};
      }
      size_t hint = ZSTD_decompressStream(ctx_, &out, &input_);
      if (ZSTD_isError(hint))
        return Status(ErrorCode::kCorrupt, fmt::format("damaged zstd stream near compressed byte {}: {}", in_.pos(),
                                                       ZSTD_getErrorName(hint)));
      last_hint_ = hint;
    }
    return out.pos;
  }

  Status pending_;
  CompressedInput in_;
  ZSTD_DStream* ctx_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  size_t last_hint_ = 0;
};

// The JSON entry of a zip archive (ROR dumps: prefer "*schema_v2*.json"),
// decompressed by libzip as it is read.
class ZipStream final : public ByteStream {
 public:
  ~ZipStream() override {
    if (entry_ != nullptr) zip_->fclose(entry_);
    if (archive_ != nullptr) zip_->close(archive_);
  }
  Status Open(const std::string& path) {
    auto lib = LoadZipLibrary();
    if (!lib.ok()) return lib.status();
    zip_ = lib.value();
    int err = 0;
    archive_ = zip_->open(path.c_str(), ZIP_RDONLY, &err);
    if (archive_ == nullptr)
      return Status(ErrorCode::kCorrupt, fmt::format("cannot open zip archive {} (libzip error {})", path, err));
    zip_int64_t chosen = -1;
    zip_int64_t entries = zip_->get_num_entries(archive_, 0);
    for (zip_int64_t i = 0; i < entries; ++i) {
      std::string name = zip_->get_name(archive_, static_cast<zip_uint64_t>(i), 0);
      if (!name.ends_with(".json")) continue;
      if (chosen < 0 || name.find("schema_v2") != std::string::npos) chosen = i;
    }
    if (chosen < 0) return Status(ErrorCode::kNotFound, fmt::format("zip archive {} holds no .json file", path));
    entry_ = zip_->fopen_index(archive_, static_cast<zip_uint64_t>(chosen), 0);
    if (entry_ == nullptr)
      return Status(ErrorCode::kCorrupt, fmt::format("cannot open entry {} of zip archive {}", chosen, path));
    path_ = path;
    return Status::Ok();
  }
  Result<size_t> Read(char* buf, size_t n) override {
    zip_int64_t got = zip_->fread(entry_, buf, n);
    if (got < 0) return Status(ErrorCode::kCorrupt, fmt::format("damaged zip archive {}", path_));
    consumed_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
  uint64_t file_bytes_consumed() const override { return consumed_; }

 private:
  const ZipLibrary* zip_ = nullptr;
  zip_t* archive_ = nullptr;
  zip_file_t* entry_ = nullptr;
  std::string path_;
  uint64_t consumed_ = 0;
};

Result<std::unique_ptr<File>> OpenFile(const std::string& path) {
  auto file = std::make_unique<File>();
  Status st = file->Open(path);
  if (!st.ok()) return st;
  return file;
}

}  // namespace

Result<uint64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return IoError("cannot stat", path);
  return static_cast<uint64_t>(st.st_size);
}

Result<Compression> DetectCompression(const std::string& path) {
  auto file = OpenFile(path);
  if (!file.ok()) return file.status();
  unsigned char magic[4] = {0, 0, 0, 0};
  auto got = file.value()->PRead(reinterpret_cast<char*>(magic), 4, 0);
  if (!got.ok()) return got.status();
  if (got.value() >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return Compression::kGzip;
  if (got.value() == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
    return Compression::kZstd;
  if (got.value() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)
    return Compression::kZip;
  return Compression::kNone;
}

Result<std::unique_ptr<ByteStream>> OpenByteStream(const std::string& path) {
  auto kind = DetectCompression(path);
  if (!kind.ok()) return kind.status();
  auto file = OpenFile(path);
  if (!file.ok()) return file.status();
  switch (kind.value()) {
    case Compression::kGzip:
      return std::unique_ptr<ByteStream>(new GzipStream(std::move(file.value())));
    case Compression::kZstd:
      return std::unique_ptr<ByteStream>(new ZstdStream(std::move(file.value())));
    case Compression::kZip: {
      auto zip = std::make_unique<ZipStream>();
      Status st = zip->Open(path);
      if (!st.ok()) return st;
      return std::unique_ptr<ByteStream>(std::move(zip));
    }
    case Compression::kNone:
      break;
  }
  uint64_t size = file.value()->size();
  return std::unique_ptr<ByteStream>(new PlainStream(std::move(file.value()), 0, size));
}

Result<std::unique_ptr<ByteStream>> OpenFileRange(const std::string& path, uint64_t begin, uint64_t end) {
  auto file = OpenFile(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<ByteStream>(new PlainStream(std::move(file.value()), begin, end));
}


Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + kTempSuffix;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status(ErrorCode::kIo, fmt::format("cannot create {}", tmp));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return Status(ErrorCode::kIo, fmt::format("cannot write {} (disk full?)", tmp));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Status(ErrorCode::kIo, fmt::format("cannot sync {}", tmp));
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return Status(ErrorCode::kIo, fmt::format("cannot rename {} to {}", tmp, path));
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Status(ErrorCode::kIo, fmt::format("cannot open folder {}", dir));
  const int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return Status(ErrorCode::kIo, fmt::format("cannot sync folder {}", dir));
  return Status::Ok();
}

Result<std::string> ReadWholeFile(const std::string& path) {
  auto kind = DetectCompression(path);
  if (!kind.ok()) return kind.status();
  auto stream = OpenByteStream(path);
  if (!stream.ok()) return stream.status();
  // Size the buffer once: the file size, or a gzip member's ISIZE trailer.
  auto size = FileSize(path);
  if (!size.ok()) return size.status();
  uint64_t expected = size.value();
  if (kind.value() == Compression::kGzip && size.value() >= 4) {
    auto file = OpenFile(path);
    unsigned char trailer[4] = {0, 0, 0, 0};
    if (file.ok() && file.value()->PRead(reinterpret_cast<char*>(trailer), 4, size.value() - 4).ok())
      expected =
          std::max<uint64_t>(expected, trailer[0] | trailer[1] << 8 | trailer[2] << 16 | uint64_t{trailer[3]} << 24);
  }
  constexpr size_t kSlack = 64;  // room for a parser's padding after the text
  std::string out;
  size_t used = 0;
  out.resize(static_cast<size_t>(expected) + kSlack + 1);
  for (;;) {
    if (used + kSlack >= out.size()) out.resize(out.size() * 2);
    auto got = stream.value()->Read(out.data() + used, out.size() - kSlack - used);
    if (!got.ok()) return got.status();
    if (got.value() == 0) break;
    used += got.value();
  }
  out.resize(used);
  return out;
}

}  // namespace coopscope
