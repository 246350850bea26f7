// A read-only memory mapping of a whole file (MAP_POPULATE: the pages of the
// page cache are mapped at once, without copying or zero-filling a buffer).
// Movable, not copyable; the view stays valid while the object lives.
// Thread-safe to read.
#pragma once

#include <string>
#include <string_view>

#include "io/status.h"

namespace coopscope {

class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);
  // The same; a missing file is kNotFound "`what` PATH is missing".
  static Result<MappedFile> Open(const std::string& path, std::string_view what);
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept { *this = std::move(other); }
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view view() const { return std::string_view(data_, size_); }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace coopscope
