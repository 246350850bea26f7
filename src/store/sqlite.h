// A thin RAII layer over the SQLite C API for the store's catalog: one
// connection, prepared statements with positional binds, errors as Status.
// A Db is used by one thread at a time (the store serialises its writers).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "io/status.h"

namespace coopscope::store {

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(db_, o.db_);
    std::swap(stmt_, o.stmt_);
    return *this;
  }
  ~Stmt() { sqlite3_finalize(stmt_); }

  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Binds without copying: `v` must stay alive and unchanged until the next
  // Reset (bulk loads bind views into their own buffers).
  Stmt& BindStatic(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Steps once: true when a row is available; *st set on error.
  bool Step(Status* st) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) *st = Status(ErrorCode::kIo, std::string("store catalog: ") + sqlite3_errmsg(db_));
    return false;
  }
  Status Run() {
    Status st;
    while (Step(&st)) {
    }
    sqlite3_reset(stmt_);
    return st;
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  std::string_view Blob(int col) const {
    const void* b = sqlite3_column_blob(stmt_, col);
    return b ? std::string_view(static_cast<const char*>(b), sqlite3_column_bytes(stmt_, col)) : std::string_view();
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  Db() = default;
  ~Db() { sqlite3_close_v2(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status Open(const std::string& path, bool create) {
    int flags = create ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
      return Status(ErrorCode::kNotFound, "cannot open the store catalog " + path + ": " + sqlite3_errmsg(db_));
    sqlite3_busy_timeout(db_, 10000);
    return Status::Ok();
  }
  Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Status(ErrorCode::kIo, "store catalog: " + msg);
    }
    return Status::Ok();
  }
  Result<Stmt> Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      return Status(ErrorCode::kIo, "store catalog: " + std::string(sqlite3_errmsg(db_)) + " in: " + sql);
    return Stmt(db_, s);
  }
  sqlite3* raw() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace coopscope::store
