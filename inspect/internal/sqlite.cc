// inspect/internal/sqlite.cc
#include "inspect/internal/sqlite.h"

namespace rlzero::inspect::internal {

StatusOr<Db> Db::Open(const std::string& path, bool read_only) {
  Db db;
  db.path_ = path;
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  int rc = sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db.db_ ? sqlite3_errmsg(db.db_) : sqlite3_errstr(rc);
    return Unavailable(path + ": cannot open rollout store: " + msg);
  }
  sqlite3_busy_timeout(db.db_, 5000);
  return db;
}

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close_v2(db_);
    db_ = o.db_;
    path_ = std::move(o.path_);
    o.db_ = nullptr;
  }
  return *this;
}

Db::~Db() {
  if (db_) sqlite3_close_v2(db_);
}

Status Db::Error(const std::string& what) const {
  return Internal(path_ + ": " + what + ": " + (db_ ? sqlite3_errmsg(db_) : "no database"));
}

Status Db::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Internal(path_ + ": " + msg + " (in: " + sql.substr(0, 80) + ")");
  }
  return Status::Ok();
}

StatusOr<Stmt> Db::Prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    return Error("prepare \"" + sql.substr(0, 80) + "\"");
  }
  return Stmt(s, this);
}

bool Stmt::Step(Status* st) {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) *st = db_->Error("step");
  return false;
}

Status Stmt::Run() {
  Status st;
  while (Step(&st)) {
  }
  Reset();
  return st;
}

std::string Stmt::Text(int c) const {
  const unsigned char* p = sqlite3_column_text(s_, c);
  int n = sqlite3_column_bytes(s_, c);
  return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
}

std::string Stmt::Blob(int c) const {
  const void* p = sqlite3_column_blob(s_, c);
  int n = sqlite3_column_bytes(s_, c);
  return p ? std::string(static_cast<const char*>(p), n) : std::string();
}

}  // namespace rlzero::inspect::internal
