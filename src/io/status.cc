#include "io/status.h"

namespace coopscope {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kParse:
      return "parse";
    case ErrorCode::kInvalidUtf8:
      return "invalid_utf8";
    case ErrorCode::kTooLong:
      return "too_long";
    case ErrorCode::kMismatch:
      return "manifest_mismatch";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kAmbiguous:
      return "ambiguous";
  }
  return "unknown";
}

}  // namespace coopscope
