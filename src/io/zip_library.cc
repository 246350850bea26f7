#include "io/zip_library.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <mutex>

namespace coopscope {
namespace {

// The soname the build found (CMakeLists.txt), e.g. libzip.so.4.
#ifndef COOPSCOPE_LIBZIP_SONAME
#error "COOPSCOPE_LIBZIP_SONAME must name libzip's shared library (set by CMakeLists.txt)"
#endif

template <typename F>
bool Resolve(void* handle, const char* name, F* out) {
  *out = reinterpret_cast<F>(::dlsym(handle, name));
  return *out != nullptr;
}

}  // namespace

Result<const ZipLibrary*> LoadZipLibrary() {
  static ZipLibrary lib;
  static Status status;
  static std::once_flag once;
  std::call_once(once, [] {
    void* handle = ::dlopen(COOPSCOPE_LIBZIP_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      status = Status(ErrorCode::kIo, fmt::format("cannot load {} to read zip archives: {} (install libzip)",
                                                  COOPSCOPE_LIBZIP_SONAME, why ? why : "unknown error"));
      return;
    }
    const char* missing = nullptr;
    auto need = [&](const char* name, auto* fn) {
      if (missing == nullptr && !Resolve(handle, name, fn)) missing = name;
    };
    need("zip_open", &lib.open);
    need("zip_close", &lib.close);
    need("zip_discard", &lib.discard);
    need("zip_get_num_entries", &lib.get_num_entries);
    need("zip_get_name", &lib.get_name);
    need("zip_stat", &lib.stat);
    need("zip_fopen", &lib.fopen);
    need("zip_fopen_index", &lib.fopen_index);
    need("zip_fread", &lib.fread);
    need("zip_fclose", &lib.fclose);
    if (missing != nullptr)
      status = Status(ErrorCode::kIo, fmt::format("{} has no function {}", COOPSCOPE_LIBZIP_SONAME, missing));
  });
  if (!status.ok()) return status;
  return &lib;
}

}  // namespace coopscope
