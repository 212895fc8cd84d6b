// The worker's database observer; see db_observer.hpp.
#include "observability/db_observer.hpp"

#include "db/error.hpp"
#include "metrics/store.hpp"
#include "observability/metrics.hpp"

namespace api::obs {
namespace {

// The `class` label: the SQLSTATE's first two characters. libpq reports a
// connection that died under a statement without a SQLSTATE: class 08, the
// connection exceptions. Any other failure without one is `unknown`.
std::string_view error_class(const db::Error& e) noexcept {
    const std::string& state = e.sqlstate();
    if (state.size() >= 2) {
        return std::string_view(state).substr(0, 2);
    }
    if (dynamic_cast<const db::ConnectionLost*>(&e) != nullptr) {
        return "08";
    }
    return "unknown";
}

}  // namespace

DbObserver::DbObserver() {
    listed_.reserve(kMaxListed);
}

void DbObserver::on_statement(std::string_view name, std::chrono::nanoseconds elapsed,
                              const db::Error* error) noexcept {
    metrics::observe(kDbQueryDuration, {name}, std::chrono::duration<double>(elapsed).count());
    if (error != nullptr) {
        metrics::inc(kDbErrors, {error_class(*error)});
    }
    if (!keep_) {
        return;
    }
    if (listed_.size() < kMaxListed) {
        try {
            listed_.push_back({std::string(name), elapsed});
            return;
        } catch (...) {
            // Out of memory: the statement is counted below instead.
        }
    }
    ++unlisted_;
    unlisted_elapsed_ += elapsed;
}

void DbObserver::on_reconnect() noexcept {
    metrics::inc(kDbReconnects);
}

void DbObserver::on_retry() noexcept {
    metrics::inc(kDbTxRetries);
}

void DbObserver::begin_request(bool keep) noexcept {
    listed_.clear();
    unlisted_ = 0;
    unlisted_elapsed_ = std::chrono::nanoseconds{0};
    keep_ = keep;
}

DbObserver& db_observer() {
    static DbObserver observer;
    return observer;
}

}  // namespace api::obs
