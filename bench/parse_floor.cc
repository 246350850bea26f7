// The floor of reading JSON Lines with simdjson, as the store build reads
// them: the files in 4 MiB chunks into one reused buffer, each line given to
// the On-Demand parser (its stage 1 indexes the whole line) and opened as an
// object, and nothing else: no field read, nothing stored. What `store build`
// spends above this is field extraction, segment writing and the settle
// (docs/benchmarks.md, "Targets of issue 3"). The other modes add one step:
//   --field NAME  reads one top-level string field;
//   --walk        steps over every top-level field (each value skipped, as
//                 On-Demand skips it): the least any reader of fields spread
//                 over the whole record pays;
//   --works       reads each line as `store build` does (WorkParser::Parse):
//                 the build's reading without its storing.
//
// A .gz (or .zst) file is decompressed in process as the build does, so that
// two processes over the two halves of the .gz parts, next to two `igzip -dc`
// processes, give the least the build can take against decompression alone.
//
//   build/release/bench/parse_floor [--field NAME | --walk | --works] FILE.jsonl[.gz]...
#include <simdjson.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>
#include <vector>

#include "io/byte_stream.h"
#include "model/work.h"
#include "sources/openalex/work_parser.h"

int main(int argc, char** argv) {
  constexpr size_t kChunk = size_t{4} << 20;
  std::vector<char> buffer(2 * kChunk + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::parser parser(kChunk);
  const char* field = nullptr;
  bool walk = false, works = false;
  coopscope::WorkParser work_parser;
  coopscope::Work work;
  uint64_t lines = 0, bytes = 0, field_bytes = 0, fields = 0, authorships = 0;
  const double cpu_start = static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--field" && i + 1 < argc) {
      field = argv[++i];
      continue;
    }
    if (std::string_view(argv[i]) == "--walk") {
      walk = true;
      continue;
    }
    if (std::string_view(argv[i]) == "--works") {
      works = true;
      continue;
    }
    auto stream = coopscope::OpenByteStream(argv[i]);  // plain, or decompressed as the build does (.gz: ISA-L)
    if (!stream.ok()) {
      std::fprintf(stderr, "parse_floor: %s\n", stream.status().message().c_str());
      return 4;
    }
    size_t held = 0;  // bytes of an unfinished line at the buffer's start
    for (bool eof = false; !eof;) {
      if (held >= kChunk) {  // no room left for a whole chunk after the unfinished line
        std::fprintf(stderr, "parse_floor: %s: a line longer than %zu bytes\n", argv[i], kChunk);
        return 3;
      }
      auto read = stream.value()->Read(buffer.data() + held, kChunk);
      if (!read.ok()) {
        std::fprintf(stderr, "parse_floor: %s: %s\n", argv[i], read.status().message().c_str());
        return 4;
      }
      const size_t got = read.value();
      eof = got == 0;
      bytes += got;
      const char* p = buffer.data();
      const char* end = p + held + got;
      while (p < end) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
        if (nl == nullptr) {
          if (!eof) break;  // the rest comes with the next chunk
          nl = end;
        }
        simdjson::ondemand::document doc;
        simdjson::ondemand::object object;  // as the build asks: each line one object
        const auto view = simdjson::padded_string_view(p, static_cast<size_t>(nl - p),
                                                       static_cast<size_t>(buffer.data() + buffer.size() - p));
        auto error = parser.iterate(view).get(doc);
        if (error == simdjson::SUCCESS) error = doc.get_object().get(object);
        if (error != simdjson::SUCCESS) {
          std::fprintf(stderr, "parse_floor: %s: line %llu: %s\n", argv[i], static_cast<unsigned long long>(lines + 1),
                       simdjson::error_message(error));
          return 3;
        }
        if (field != nullptr) {
          std::string_view value;
          if (object[field].get_string().get(value) == simdjson::SUCCESS) field_bytes += value.size();
        } else if (walk) {
          for (auto f : object) {
            simdjson::ondemand::raw_json_string key;
            if (f.key().get(key) == simdjson::SUCCESS) ++fields;
          }
        } else if (works) {
          if (coopscope::Status st = work_parser.Parse(object, &work); !st.ok()) {
            std::fprintf(stderr, "parse_floor: %s: line %llu: %s\n", argv[i],
                         static_cast<unsigned long long>(lines + 1), st.message().c_str());
            return 3;
          }
          authorships += work.authorships.size();
        }
        ++lines;
        p = nl + 1;
      }
      held = p < end ? static_cast<size_t>(end - p) : 0;
      std::memmove(buffer.data(), p, held);
    }
  }
  const double cpu = static_cast<double>(std::clock()) / CLOCKS_PER_SEC - cpu_start;
  const char* mode = field != nullptr ? ", one field read"
                     : walk           ? ", every top-level field stepped over"
                     : works          ? ", read as works"
                                      : "";
  std::printf("%llu lines, %llu bytes, %.3f CPU s: %.2f GB/s per core (simdjson %s)%s",
              static_cast<unsigned long long>(lines), static_cast<unsigned long long>(bytes), cpu,
              cpu > 0 ? static_cast<double>(bytes) / cpu / 1e9 : 0.0,
              simdjson::get_active_implementation()->name().c_str(), mode);
  if (field != nullptr) std::printf(" (%llu bytes of \"%s\")", static_cast<unsigned long long>(field_bytes), field);
  if (walk) std::printf(" (%llu fields)", static_cast<unsigned long long>(fields));
  if (works) std::printf(" (%llu authorships)", static_cast<unsigned long long>(authorships));
  std::printf("\n");
  return 0;
}
