// inspect/internal/sqlite.h: a thin RAII layer over the SQLite C API for the
// rollout store (private to inspect/). Errors come back as Status values that
// name the database path and the SQL that failed.
// Non-goals: a general ORM. Thread safety: one Db per thread (SQLite handles
// are opened in multi-thread mode; the writer and each reader own theirs).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace rlzero::inspect::internal {

class Stmt;

class Db {
 public:
  // read_only: opens SQLITE_OPEN_READONLY (the file must exist).
  static StatusOr<Db> Open(const std::string& path, bool read_only);
  Db() = default;
  Db(Db&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  Status Exec(const std::string& sql);
  StatusOr<Stmt> Prepare(const std::string& sql);
  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }
  Status Error(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  Stmt(sqlite3_stmt* s, const Db* db) : s_(s), db_(db) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_), db_(o.db_) { o.s_ = nullptr; }
  Stmt(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }

  // Binds are 1-based like SQLite's; Index(":name") finds a named parameter.
  int Index(const char* name) const { return sqlite3_bind_parameter_index(s_, name); }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
  void Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, const void* data, size_t n) {
    sqlite3_bind_blob(s_, i, n ? data : "", static_cast<int>(n), SQLITE_TRANSIENT);
  }
  // Returns true while a row is available, false when done; errors set *st.
  bool Step(Status* st);
  Status Run();  // Step to completion, then Reset.
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  int64_t Int(int c) const { return sqlite3_column_int64(s_, c); }
  double Real(int c) const { return sqlite3_column_double(s_, c); }
  std::string Text(int c) const;
  std::string Blob(int c) const;  // raw bytes
  bool IsNull(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_;
  const Db* db_;
};

}  // namespace rlzero::inspect::internal
