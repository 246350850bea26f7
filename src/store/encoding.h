// Little-endian fixed-width and LEB128 variable-length integer coding, texts
// and zstd frames for the store's files and catalog blobs
// (docs/store-format.md).  Decoders are bounds-checked: they never read past
// `end` and report a failure instead, so a damaged file cannot crash a
// reader.  Header-only; pure functions.
#pragma once

#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace coopscope::store {

inline void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

template <typename T>
inline void PutFixed(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));  // the store is written and read on little-endian machines only
  out->append(buf, sizeof(T));
}

template <typename T>
inline T LoadFixed(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// A bounds-checked cursor over encoded bytes.  After any failed read, ok()
// stays false and every further read returns 0.
class Cursor {
 public:
  Cursor(const char* begin, const char* end) : p_(begin), end_(end) {}
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return Fail();
      uint8_t byte = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) return v;
    }
    return Fail();
  }
  template <typename T>
  T Fixed() {
    if (end_ - p_ < static_cast<ptrdiff_t>(sizeof(T))) return static_cast<T>(Fail());
    T v = LoadFixed<T>(p_);
    p_ += sizeof(T);
    return v;
  }
  std::string_view Bytes(uint64_t n) {
    if (static_cast<uint64_t>(end_ - p_) < n) {
      Fail();
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }
  const char* position() const { return p_; }

 private:
  uint64_t Fail() {
    ok_ = false;
    p_ = end_;
    return 0;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

// A text: its byte length (varint), then its UTF-8 bytes.
inline void PutText(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}
inline std::string ReadText(Cursor* in) { return std::string(in->Bytes(in->Varint())); }

// Appends `raw` as one zstd frame (its content size in the frame header) and
// returns the frame's size.
inline size_t PutZstdFrame(std::string* out, std::string_view raw, int level) {
  const size_t at = out->size();
  out->resize(at + ZSTD_compressBound(raw.size()));
  const size_t packed = ZSTD_compress(out->data() + at, out->size() - at, raw.data(), raw.size(), level);
  out->resize(at + packed);  // ZSTD_compress cannot fail with a bound-sized buffer
  return packed;
}

// Decompresses `frame` into `into` (raw_bytes long): false unless the frame
// declares and holds exactly raw_bytes.
inline bool ReadZstdFrame(std::string_view frame, uint64_t raw_bytes, char* into) {
  if (ZSTD_getFrameContentSize(frame.data(), frame.size()) != raw_bytes) return false;
  const size_t got = ZSTD_decompress(into, raw_bytes, frame.data(), frame.size());
  return !ZSTD_isError(got) && got == raw_bytes;
}

}  // namespace coopscope::store
