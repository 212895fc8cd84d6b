// metrics::Family: the declaration of one metric — name, help, type, label
// names and, for a histogram, its bucket bounds. Declared once, as a constexpr
// object next to the code that counts it:
//
//   inline constexpr metrics::Family kLogins =
//       metrics::counter("scoreline_logins_total", "Login attempts by result.", {"result"});
//   …
//   metrics::inc(kLogins, {"success"});
//
// Names follow Prometheus' conventions: the `scoreline_` prefix, base units
// (`_seconds`, `_bytes`), `_total` on counters, `_info` on build facts. Label
// values must come from a bounded set (a route pattern, never a path).
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>

namespace metrics {

enum class Type { kCounter, kGauge, kHistogram };

inline constexpr std::size_t kMaxLabels = 4;
// Bucket bounds of a histogram, +Inf excluded.
inline constexpr std::size_t kMaxBuckets = 15;

struct Family {
    std::string_view name;
    std::string_view help;
    Type type = Type::kCounter;
    std::array<std::string_view, kMaxLabels> labels{};
    std::size_t label_count = 0;
    std::span<const double> buckets{};  // histograms: ascending upper bounds
};

namespace detail {
constexpr Family make(std::string_view name, std::string_view help, Type type,
                      std::initializer_list<std::string_view> labels,
                      std::span<const double> buckets = {}) {
    Family f{name, help, type, {}, 0, buckets};
    for (std::string_view l : labels) {
        f.labels[f.label_count++] = l;  // more than kMaxLabels fails to compile
    }
    return f;
}
}  // namespace detail

// Request and query latencies, in seconds; 0.2 is there for the p95 alert.
inline constexpr std::array<double, 12> kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.2,
                                                           0.25,  0.5,  1,     2.5,  5,   10};

constexpr Family counter(std::string_view name, std::string_view help,
                         std::initializer_list<std::string_view> labels = {}) {
    return detail::make(name, help, Type::kCounter, labels);
}

constexpr Family gauge(std::string_view name, std::string_view help,
                       std::initializer_list<std::string_view> labels = {}) {
    return detail::make(name, help, Type::kGauge, labels);
}

// A histogram of seconds (its sum is kept in nanoseconds).
constexpr Family histogram(std::string_view name, std::string_view help,
                           std::initializer_list<std::string_view> labels,
                           std::span<const double> buckets = kLatencyBuckets) {
    return detail::make(name, help, Type::kHistogram, labels, buckets);
}

}  // namespace metrics
