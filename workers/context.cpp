// The worker's on-demand database connection.
#include "context.hpp"

#include "log.hpp"

namespace api {

db::Connection& Database::get() {
    if (conn_ && !broken_ && conn_->alive()) {
        return *conn_;
    }
    broken_ = false;
    if (conn_) {
        try {
            conn_->reconnect();
        } catch (...) {
            conn_.reset();
            throw;
        }
    } else {
        conn_.emplace(db::Connection::open(options_));
    }
    slog::info("db_connected", {{"backend_pid", conn_->backend_pid()}});
    return *conn_;
}

}  // namespace api
