// metrics::Store: the values of every series, in one fixed table that a
// process may map shared before it forks. scoreline-api's master creates it
// (create_shared) before the first worker starts, so every worker — respawned
// ones included — adds to the same atomics: no lock on the hot path, and a
// counter never goes backwards because a worker died. scoreline-sse uses a
// private one. A series is a Family plus its label values; it takes a slot the
// first time it is counted and keeps it.
//
// The table holds Family pointers: it is shared only between a process and
// its forks, which see the same addresses.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string_view>

#include "metrics/family.hpp"

namespace metrics {

using Labels = std::initializer_list<std::string_view>;

// What render() sees of one series.
struct SeriesView {
    const Family* family = nullptr;
    std::string_view labels;  // rendered label pairs: method="GET",route="/x"
    // Counter: value(0). Gauge: signed value(0). Histogram: per-bucket counts
    // (not cumulative, +Inf last), then count, then the sum in nanoseconds.
    const std::atomic<std::uint64_t>* values = nullptr;
    [[nodiscard]] std::uint64_t value(std::size_t i) const noexcept {
        return values[i].load(std::memory_order_relaxed);
    }
};

class Store {
  public:
    // A table of `series` slots in anonymous memory, MAP_SHARED when `shared`
    // (inherited by fork), private otherwise. Throws std::runtime_error.
    Store(std::size_t series, bool shared);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    void add(const Family& f, Labels values, std::uint64_t by) noexcept;
    void set(const Family& f, Labels values, std::int64_t value) noexcept;
    void observe(const Family& f, Labels values, double seconds) noexcept;
    // Creates the series with value 0 if it does not exist yet, so that a
    // labelled series is exported before its first event.
    void touch(const Family& f, Labels values) noexcept;

    // Calls fn for every series, in slot order.
    void for_each(const std::function<void(const SeriesView&)>& fn) const;
    // Series that found no free slot (the table is full) or whose labels
    // were too long; their counts are lost.
    [[nodiscard]] std::uint64_t dropped() const noexcept;
    [[nodiscard]] std::size_t capacity() const noexcept { return slots_; }

  private:
    struct Slot;
    Slot* find(const Family& f, Labels values) noexcept;

    Slot* table_ = nullptr;
    std::size_t slots_ = 0;
    std::size_t bytes_ = 0;
    std::atomic<std::uint64_t>* dropped_ = nullptr;
};

// The store the free functions below write to. Until install() is called, a
// private store of this process (created on first use).
void install(Store* store) noexcept;
[[nodiscard]] Store& store();

inline void inc(const Family& f, Labels values = {}, std::uint64_t by = 1) noexcept {
    store().add(f, values, by);
}
inline void touch(const Family& f, Labels values) noexcept {
    store().touch(f, values);
}
inline void set(const Family& f, Labels values, std::int64_t value) noexcept {
    store().set(f, values, value);
}
inline void observe(const Family& f, Labels values, double seconds) noexcept {
    store().observe(f, values, seconds);
}

}  // namespace metrics
