// obs::DbObserver: the db::Observer of a scoreline-api worker (installed by
// run_worker). It counts the database metrics — statement durations by name,
// errors by SQLSTATE class, reconnects, transaction retries
// (observability/metrics.hpp) — and keeps the statements of the request in
// hand, in order, for the slow-request log (slow_request.hpp). Worker thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "db/observer.hpp"

namespace api::obs {

struct StatementTime {
    std::string name;  // the db::Statement's name, or "script"
    std::chrono::nanoseconds elapsed{0};
};

class DbObserver final : public db::Observer {
  public:
    // Statements listed per request; later ones are only counted and timed.
    static constexpr std::size_t kMaxListed = 64;

    DbObserver();

    void on_statement(std::string_view name, std::chrono::nanoseconds elapsed,
                      const db::Error* error) noexcept override;
    void on_reconnect() noexcept override;
    void on_retry() noexcept override;

    // Starts the list of a new request; with `keep` false (slow log off)
    // nothing is listed.
    void begin_request(bool keep) noexcept;
    // The request's first kMaxListed statements, in order.
    [[nodiscard]] const std::vector<StatementTime>& statements() const noexcept { return listed_; }
    // Statements past the list, and their total time.
    [[nodiscard]] std::size_t unlisted() const noexcept { return unlisted_; }
    [[nodiscard]] std::chrono::nanoseconds unlisted_elapsed() const noexcept {
        return unlisted_elapsed_;
    }

  private:
    std::vector<StatementTime> listed_;
    std::size_t unlisted_ = 0;
    std::chrono::nanoseconds unlisted_elapsed_{0};
    bool keep_ = false;
};

// The process's one DbObserver.
[[nodiscard]] DbObserver& db_observer();

}  // namespace api::obs
