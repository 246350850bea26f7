// libzip, loaded when a zip archive is first opened (a ROR dump as .zip, an
// XLSX sheet) rather than at the start of every command: libzip brings
// OpenSSL's libcrypto, bzip2 and zlib with it, about 5 ms of each start
// (docs/architecture.md, "src/io").  The functions are libzip's own, called
// through pointers; the library is never unloaded.
#pragma once

#include <zip.h>

#include "io/status.h"

namespace coopscope {

struct ZipLibrary {
  decltype(&::zip_open) open;
  decltype(&::zip_close) close;
  decltype(&::zip_discard) discard;
  decltype(&::zip_get_num_entries) get_num_entries;
  decltype(&::zip_get_name) get_name;
  decltype(&::zip_stat) stat;
  decltype(&::zip_fopen) fopen;
  decltype(&::zip_fopen_index) fopen_index;
  decltype(&::zip_fread) fread;
  decltype(&::zip_fclose) fclose;
};

// Loads libzip once (thread-safe); an error names the library and why it
// could not be loaded.
Result<const ZipLibrary*> LoadZipLibrary();

}  // namespace coopscope
