#include "io/reject.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <tuple>

#include "io/csv.h"

namespace coopscope {

std::string Reject::ToString() const {
  return fmt::format("{}:{}:{}: {}: {}", file, line, offset, ErrorCodeName(code), reason);
}

bool RejectBefore(const Reject& a, const Reject& b) {
  return std::tie(a.file, a.line, a.offset, a.reason) < std::tie(b.file, b.line, b.offset, b.reason);
}

void RejectLog::Add(Reject reject) {
  std::lock_guard lock(mu_);
  rejects_.push_back(std::move(reject));
}

size_t RejectLog::size() const {
  std::lock_guard lock(mu_);
  return rejects_.size();
}

std::vector<Reject> RejectLog::Sorted() const {
  std::vector<Reject> copy;
  {
    std::lock_guard lock(mu_);
    copy = rejects_;
  }
  std::sort(copy.begin(), copy.end(), RejectBefore);
  return copy;
}

Status RejectLog::WriteTsv(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status(ErrorCode::kIo, fmt::format("cannot write rejects file {}", path));
  out << "file\tline\toffset\tkind\treason\n";
  for (const Reject& r : Sorted())
    out << TsvCell(r.file) << '\t' << r.line << '\t' << r.offset << '\t' << ErrorCodeName(r.code) << '\t'
        << TsvCell(r.reason) << '\n';
  if (!out) return Status(ErrorCode::kIo, fmt::format("write failed on {}", path));
  return Status::Ok();
}

}  // namespace coopscope
