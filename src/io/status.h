// Expected failures as values.  A Status names what failed, where (file, line,
// byte offset) and why.  Exceptions are for bugs only.  Thread-safe value type.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace coopscope {

enum class ErrorCode : uint8_t {
  kOk = 0,
  kNotFound,  // a file or an organisation that does not exist
  kIo,        // read/write failure
  kCorrupt,   // truncated or damaged compressed stream
  kParse,     // malformed JSON, CSV or TOML
  kInvalidUtf8,
  kTooLong,   // a record over Limits::max_record_bytes
  kMismatch,  // a manifest count that does not match
  kInvalidArgument,
  kAmbiguous,  // a name matching several organisations
};

const char* ErrorCodeName(ErrorCode code);

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// A value or an error.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T* operator->() { return &value_; }
  T& operator*() { return value_; }

 private:
  Status status_;
  T value_{};
};

}  // namespace coopscope
