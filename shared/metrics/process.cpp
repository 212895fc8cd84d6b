// /proc readings; see process.hpp.
#include "metrics/process.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace metrics {
namespace {

double boot_time_seconds() {
    std::ifstream in("/proc/stat");
    std::string key;
    double value = 0;
    while (in >> key) {
        if (key == "btime") {
            in >> value;
            return value;
        }
        in.ignore(1 << 20, '\n');
    }
    return 0;
}

std::uint64_t count_fds(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/fd";
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) {
        return 0;
    }
    std::uint64_t n = 0;
    while (const dirent* e = ::readdir(d)) {
        if (e->d_name[0] != '.') {
            ++n;
        }
    }
    ::closedir(d);
    return n > 0 && pid == ::getpid() ? n - 1 : n;  // not the one opendir holds
}

}  // namespace

std::optional<ProcessSample> sample_process(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) {
        return std::nullopt;
    }
    // The command name may hold spaces and ')': fields start after the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(line.substr(close + 2));
    std::string f;
    unsigned long long utime = 0, stime = 0, start = 0;
    long long rss_pages = 0;
    // Fields 3.. of proc_pid_stat(5): utime is 14, stime 15, starttime 22, rss 24.
    for (int i = 3; i <= 24 && fields >> f; ++i) {
        if (i == 14) {
            utime = std::stoull(f);
        } else if (i == 15) {
            stime = std::stoull(f);
        } else if (i == 22) {
            start = std::stoull(f);
        } else if (i == 24) {
            rss_pages = std::stoll(f);
        }
    }
    static const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    static const long page = ::sysconf(_SC_PAGESIZE);
    static const double boot = boot_time_seconds();
    ProcessSample s;
    s.cpu_seconds = static_cast<double>(utime + stime) / ticks;
    s.rss_bytes = static_cast<std::uint64_t>(rss_pages > 0 ? rss_pages : 0) *
                  static_cast<std::uint64_t>(page);
    s.start_time_seconds = boot + static_cast<double>(start) / ticks;
    s.open_fds = count_fds(pid);
    return s;
}

std::uint64_t max_open_fds() noexcept {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        return 0;
    }
    return static_cast<std::uint64_t>(rl.rlim_cur);
}

void render_process(TextWriter& w, const ProcessSample& total, std::uint64_t max_fds,
                    std::string_view scope) {
    const std::string of = " (" + std::string(scope) + ").";
    w.scalar("process_cpu_seconds_total", Type::kCounter,
             "Total user and system CPU time spent in seconds" + of, total.cpu_seconds);
    w.scalar("process_resident_memory_bytes", Type::kGauge, "Resident memory size in bytes" + of,
             static_cast<double>(total.rss_bytes));
    w.scalar("process_open_fds", Type::kGauge, "Number of open file descriptors" + of,
             static_cast<double>(total.open_fds));
    w.scalar("process_max_fds", Type::kGauge,
             "Maximum number of open file descriptors of one process.",
             static_cast<double>(max_fds));
    w.scalar("process_start_time_seconds", Type::kGauge,
             "Start time of the process since unix epoch in seconds" + of,
             total.start_time_seconds);
}

}  // namespace metrics
