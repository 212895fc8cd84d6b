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

namespace {

// set_config rather than SET: the value is a parameter, and a named statement
// is prepared once per session.
constexpr db::Statement kSetApplicationName{"set_application_name",
                                            "SELECT set_config('application_name', $1, false)"};

}  // namespace

// Best effort: a session that cannot be named still serves the request; a
// lost connection shows in the request's own next statement.
void Database::name_session() {
    const int pid = conn_->backend_pid();
    if (pid != named_pid_) {
        named_pid_ = pid;  // a new session starts with options_.application_name
        named_tag_.clear();
    }
    const std::string& tag = obs::request_trace().session_tag;
    if (tag == named_tag_) {
        return;
    }
    try {
        const std::string name =
            tag.empty() ? options_.application_name : options_.application_name + "/" + tag;
        (void)conn_->exec(kSetApplicationName, name);
        named_tag_ = tag;
    } catch (const std::exception& e) {
        slog::warn("db_session_name_failed", {{"error", e.what()}});
    }
}

}  // namespace api
