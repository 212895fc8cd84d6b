// The worker's on-demand database connection and the shared database health.
#include "context.hpp"

#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <new>
#include <system_error>

#include "log.hpp"
#include "observability/request_trace.hpp"

namespace api {

// Milliseconds of CLOCK_MONOTONIC (steady_clock), which every process of the
// machine reads alike; 0 = never.
struct DatabaseHealth::Page {
    std::atomic<std::int64_t> disk_full_at_ms{0};
};
static_assert(std::atomic<std::int64_t>::is_always_lock_free, "shared across processes");

namespace {

std::int64_t steady_ms() noexcept {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

DatabaseHealth::DatabaseHealth() {
    void* p =
        ::mmap(nullptr, sizeof(Page), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        throw std::system_error(errno, std::generic_category(), "mmap of the database health page");
    }
    page_ = new (p) Page();
}

DatabaseHealth::~DatabaseHealth() {
    ::munmap(page_, sizeof(Page));
}

void DatabaseHealth::record_disk_full() noexcept {
    page_->disk_full_at_ms.store(steady_ms(), std::memory_order_relaxed);
}

bool DatabaseHealth::disk_full_within(std::chrono::seconds window) const noexcept {
    const std::int64_t at = page_->disk_full_at_ms.load(std::memory_order_relaxed);
    return at != 0 && steady_ms() - at < std::chrono::milliseconds(window).count();
}

db::Connection& Database::get() {
    if (conn_ && !broken_ && conn_->alive()) {
        name_session();
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
        // Connection::reconnect reports its own re-opens; this one stands in
        // for a connection lost (and dropped) earlier.
        if (db::Observer* o = db::observer(); o != nullptr && opened_) {
            o->on_reconnect();
        }
        opened_ = true;
    }
    slog::info("db_connected", {{"backend_pid", conn_->backend_pid()}});
    name_session();
    return *conn_;
}

// The name goes out with the request's first statement (db::Connection::
// set_application_name): no round trip of its own.
void Database::name_session() {
    if (!trace_sessions_) {
        return;
    }
    const std::string& tag = obs::request_trace().session_tag;
    conn_->set_application_name(tag.empty() ? options_.application_name
                                            : options_.application_name + "/" + tag);
}

}  // namespace api
