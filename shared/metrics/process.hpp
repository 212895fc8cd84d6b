// metrics::ProcessSample: what /proc says of one process (CPU, RSS, open
// fds, start time), and the standard process_* families rendered from a sum
// of them — the names every Prometheus client library exports.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "metrics/text.hpp"

namespace metrics {

struct ProcessSample {
    double cpu_seconds = 0;         // user + system
    std::uint64_t rss_bytes = 0;    // resident set
    std::uint64_t open_fds = 0;     // entries of /proc/PID/fd
    double start_time_seconds = 0;  // unix time
};

// Reads /proc/PID; nullopt when the process is gone or /proc unreadable.
[[nodiscard]] std::optional<ProcessSample> sample_process(pid_t pid);
// RLIMIT_NOFILE (soft) of this process.
[[nodiscard]] std::uint64_t max_open_fds() noexcept;

// process_cpu_seconds_total, process_resident_memory_bytes, process_open_fds,
// process_max_fds, process_start_time_seconds of `total`.
void render_process(TextWriter& w, const ProcessSample& total, std::uint64_t max_fds,
                    std::string_view scope);

}  // namespace metrics
