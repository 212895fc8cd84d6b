// The status page of the pool; see status.hpp.
#include "handlers/status.hpp"

#include <sys/statvfs.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/problem.hpp"
#include "metrics/text.hpp"
#include "observability/metrics.hpp"
#include "observability/pool_status.hpp"
#include "version.hpp"

namespace api {
namespace {

constexpr std::string_view kPoolName = "scoreline-api";

constexpr db::Statement kSelectOne{"status_select_one", "SELECT 1"};
constexpr db::Statement kSchemaVersion{"status_schema_version",
                                       "SELECT coalesce(max(version), 0) FROM schema_migrations"};

enum class Format { kText, kJson, kOpenMetrics };

struct Options {
    Format format = Format::kText;
    bool full = false;
};

// The query is a set of bare words, as php-fpm's: json, openmetrics, full.
Options parse_options(const http::Request& req) {
    Options o;
    bool json = false;
    bool openmetrics = false;
    std::string_view q(req.query);
    for (int i = 0; i < 16 && !q.empty(); ++i) {
        const auto amp = q.find('&');
        std::string_view word = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        if (const auto eq = word.find('='); eq != std::string_view::npos) {
            word = word.substr(0, eq);  // php-fpm accepts ?json=1 alike
        }
        if (word == "json") {
            json = true;
        } else if (word == "openmetrics") {
            openmetrics = true;
        } else if (word == "full") {
            o.full = true;
        } else if (!word.empty()) {
            throw http::Problem(400, "unknown /status parameter; use json, openmetrics or full");
        }
    }
    if (!q.empty()) {
        throw http::Problem(400, "too many /status parameters");
    }
    if (json && openmetrics) {
        throw http::Problem(400, "choose one of json and openmetrics");
    }
    o.format = json ? Format::kJson : openmetrics ? Format::kOpenMetrics : Format::kText;
    return o;
}

struct Disk {
    std::string path;
    std::optional<std::uint64_t> free_bytes;  // nullopt: statvfs failed (error says why)
    std::uint64_t total_bytes = 0;
    std::string error;
};

struct Health {
    bool database_ok = false;
    double round_trip_seconds = 0;
    std::int64_t schema_version = 0;
    std::optional<Disk> data_dir;
    std::optional<Disk> log_dir;
    std::uint64_t mem_total_bytes = 0;
    std::uint64_t mem_available_bytes = 0;
};

std::optional<Disk> disk_of(const std::string& path) {
    if (path.empty()) {
        return std::nullopt;
    }
    Disk d;
    d.path = path;
    struct statvfs fs {};
    if (::statvfs(path.c_str(), &fs) != 0) {
        d.error = std::strerror(errno);
        return d;
    }
    d.free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
    d.total_bytes = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize;
    return d;
}

void read_meminfo(Health& h) {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    for (int i = 0; i < 200 && in >> key >> kib; ++i) {
        std::getline(in, unit);
        if (key == "MemTotal:") {
            h.mem_total_bytes = kib * 1024;
        } else if (key == "MemAvailable:") {
            h.mem_available_bytes = kib * 1024;
        }
    }
}

// One timed SELECT 1 (a connection lost since the last statement gets one
// fresh attempt, like /readyz), then the schema version.
void check_database(Context& ctx, Health& h) {
    const auto round_trip = [&] {
        const auto started = std::chrono::steady_clock::now();
        (void)ctx.db().exec(kSelectOne);
        h.round_trip_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    try {
        try {
            round_trip();
        } catch (const db::ConnectionLost&) {
            ctx.database.mark_broken();
            round_trip();
        }
        h.database_ok = true;
        try {
            h.schema_version = ctx.db().exec(kSchemaVersion).get<std::int64_t>(0, 0);
        } catch (const db::QueryError&) {
            h.schema_version = 0;  // no schema_migrations table yet
        }
    } catch (const db::ConnectionLost&) {
        ctx.database.mark_broken();
    } catch (const db::Error&) {
        h.database_ok = false;
    }
}

Health read_health(Context& ctx) {
    Health h;
    check_database(ctx, h);
    h.data_dir = disk_of(ctx.config.status_data_dir);
    h.log_dir = disk_of(ctx.config.status_log_dir);
    read_meminfo(h);
    return h;
}

// php-fpm's "start time" format, in UTC.
std::string clf_time(std::int64_t unix_ms) {
    const time_t t = static_cast<time_t>(unix_ms / 1000);
    tm parts{};
    ::gmtime_r(&t, &parts);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%d/%b/%Y:%H:%M:%S +0000", &parts);
    return std::string(buf, n);
}

std::int64_t seconds_between(std::int64_t from_ms, std::int64_t to_ms) {
    return from_ms > 0 && to_ms > from_ms ? (to_ms - from_ms) / 1000 : 0;
}

std::uint64_t rss_of(const obs::PoolStatus& s, pid_t pid) {
    const auto it = s.by_pid.find(pid);
    return it == s.by_pid.end() ? 0 : it->second.rss_bytes;
}

// The status as JSON with php-fpm's keys; the text format prints the same
// object line by line.
nlohmann::ordered_json to_json(const obs::PoolStatus& s, const Health& h, bool full) {
    const int idle =
        s.pool.count(obs::WorkerState::kIdle) + s.pool.count(obs::WorkerState::kStarting);
    const int active = s.pool.count(obs::WorkerState::kBusy);
    nlohmann::ordered_json j;
    j["pool"] = kPoolName;
    j["process manager"] = "static";
    j["start time"] = s.pool.started_unix_ms / 1000;
    j["start since"] = seconds_between(s.pool.started_unix_ms, s.now_unix_ms);
    j["accepted conn"] = s.accepted;
    j["listen queue"] = s.queue ? s.queue->queued : 0;
    j["max listen queue"] = s.listen_queue_max;
    j["listen queue len"] = s.queue ? s.queue->backlog : 0;
    j["idle processes"] = idle;
    j["active processes"] = active;
    j["total processes"] = idle + active;
    j["max active processes"] = s.pool.max_active;
    j["max children reached"] = s.max_children_reached;
    j["slow requests"] = s.slow_requests;
    j["max processes"] = s.pool.workers_max;
    nlohmann::ordered_json health;
    health["database"] = h.database_ok ? "ok" : "unreachable";
    if (h.database_ok) {
        health["database round trip seconds"] = h.round_trip_seconds;
        health["schema version"] = h.schema_version;
    }
    health["expected schema version"] = kExpectedSchema;
    for (const auto& [name, disk] : {std::pair{"data dir", &h.data_dir}, {"log dir", &h.log_dir}}) {
        if (!*disk) {
            continue;
        }
        nlohmann::ordered_json d;
        d["path"] = (*disk)->path;
        if ((*disk)->free_bytes) {
            d["free bytes"] = *(*disk)->free_bytes;
            d["total bytes"] = (*disk)->total_bytes;
        } else {
            d["error"] = (*disk)->error;
        }
        health[name] = d;
    }
    health["memory total bytes"] = h.mem_total_bytes;
    health["memory available bytes"] = h.mem_available_bytes;
    health["pool rss bytes"] = s.processes.rss_bytes;
    health["open fds"] = s.processes.open_fds;
    health["most open fds in one process"] = s.most_fds_in_one_process;
    health["max fds per process"] = metrics::max_open_fds();
    j["health"] = health;
    if (full) {
        nlohmann::ordered_json processes = nlohmann::ordered_json::array();
        for (const obs::WorkerView& w : s.pool.workers) {
            nlohmann::ordered_json p;
            p["pid"] = w.pid;
            p["state"] = obs::to_string(w.state);
            p["start time"] = w.started_unix_ms / 1000;
            p["start since"] = seconds_between(w.started_unix_ms, s.now_unix_ms);
            p["requests"] = w.requests;
            p["request duration"] = w.request_duration_us;  // microseconds, as php-fpm
            p["request method"] = w.method.empty() ? "-" : w.method;
            p["route"] = w.route.empty() ? "-" : w.route;
            p["request id"] = w.request_id.empty() ? "-" : w.request_id;
            p["request start time"] = w.request_started_unix_ms / 1000;
            p["database"] = obs::to_string(w.db);
            p["rss bytes"] = rss_of(s, w.pid);
            processes.push_back(p);
        }
        j["processes"] = processes;
    }
    return j;
}

// php-fpm's plain text: `key: value`, values from column 23.
void text_line(std::string& out, std::string_view key, const nlohmann::ordered_json& value) {
    std::string line(key);
    line += ':';
    line.resize(std::max<std::size_t>(line.size() + 1, 22), ' ');
    out += line;
    out += value.is_string() ? value.get<std::string>() : value.dump();
    out += '\n';
}

std::string to_text(const nlohmann::ordered_json& j) {
    std::string out;
    for (const auto& [key, value] : j.items()) {
        if (key == "health") {
            for (const auto& [hkey, hvalue] : value.items()) {
                if (hvalue.is_object()) {
                    for (const auto& [dkey, dvalue] : hvalue.items()) {
                        text_line(out, hkey + " " + dkey, dvalue);
                    }
                } else {
                    text_line(out, hkey, hvalue);
                }
            }
        } else if (key == "processes") {
            for (const auto& p : value) {
                out += "\n************************\n";
                for (const auto& [pkey, pvalue] : p.items()) {
                    text_line(out, pkey, pvalue);
                }
            }
        } else if (key == "start time") {
            text_line(out, key, clf_time(value.get<std::int64_t>() * 1000));
        } else {
            text_line(out, key, value);
        }
    }
    return out;
}

void counter(metrics::TextWriter& w, std::string_view name, std::string_view help,
             std::uint64_t value) {
    w.family(name, metrics::Type::kCounter, help);
    w.sample(name, {}, value);
}

// The pool families of /metrics, the php-fpm counters, one series per worker
// (pids are bounded by the pool size) and the health figures.
std::string to_openmetrics(const obs::PoolStatus& s, const Health& h) {
    std::string out;
    metrics::TextWriter w(out, metrics::Format::kOpenMetrics);
    counter(w, obs::kPoolAccepted.name, obs::kPoolAccepted.help, s.accepted);
    counter(w, obs::kPoolMaxChildrenReached.name, obs::kPoolMaxChildrenReached.help,
            s.max_children_reached);
    counter(w, obs::kPoolSlowRequests.name, obs::kPoolSlowRequests.help, s.slow_requests);
    obs::render_pool_metrics(w, s);
    w.scalar("scoreline_pool_workers_busy_max", metrics::Type::kGauge,
             "Most workers busy at once since the master started (php-fpm's max active "
             "processes).",
             static_cast<double>(s.pool.max_active));
    struct PerWorker {
        std::string_view name;
        metrics::Type type;
        std::string_view help;
        double (*value)(const obs::WorkerView&, const obs::PoolStatus&);
    };
    static constexpr PerWorker kPerWorker[] = {
        {"scoreline_pool_worker_busy", metrics::Type::kGauge,
         "1 while the worker serves a request.",
         [](const obs::WorkerView& v, const obs::PoolStatus&) {
             return v.state == obs::WorkerState::kBusy ? 1.0 : 0.0;
         }},
        {"scoreline_pool_worker_requests_total", metrics::Type::kCounter,
         "Requests the worker served.",
         [](const obs::WorkerView& v, const obs::PoolStatus&) {
             return static_cast<double>(v.requests);
         }},
        {"scoreline_pool_worker_request_duration_seconds", metrics::Type::kGauge,
         "The current request's time so far, or the last request's duration when idle.",
         [](const obs::WorkerView& v, const obs::PoolStatus&) {
             return static_cast<double>(v.request_duration_us) / 1e6;
         }},
        {"scoreline_pool_worker_resident_memory_bytes", metrics::Type::kGauge,
         "Resident memory of the worker.",
         [](const obs::WorkerView& v, const obs::PoolStatus& pool) {
             return static_cast<double>(rss_of(pool, v.pid));
         }},
        {"scoreline_pool_worker_start_time_seconds", metrics::Type::kGauge,
         "Start of the worker, unix time.",
         [](const obs::WorkerView& v, const obs::PoolStatus&) {
             return static_cast<double>(v.started_unix_ms) / 1000.0;
         }},
    };
    for (const PerWorker& family : kPerWorker) {
        w.family(family.name, family.type, family.help);
        for (const obs::WorkerView& worker : s.pool.workers) {
            w.sample(family.name, metrics::label("pid", std::to_string(worker.pid)),
                     family.value(worker, s));
        }
    }
    w.scalar("scoreline_db_up", metrics::Type::kGauge,
             "1 when the answering worker's SELECT 1 succeeded.", h.database_ok ? 1 : 0);
    if (h.database_ok) {
        w.scalar("scoreline_db_round_trip_seconds", metrics::Type::kGauge,
                 "Round trip of one SELECT 1 from the answering worker.", h.round_trip_seconds);
        w.scalar("scoreline_schema_version", metrics::Type::kGauge,
                 "Highest migration applied to the database.",
                 static_cast<double>(h.schema_version));
    }
    w.scalar("scoreline_schema_version_expected", metrics::Type::kGauge,
             "Migration this build expects.", static_cast<double>(kExpectedSchema));
    const bool any_disk =
        (h.data_dir && h.data_dir->free_bytes) || (h.log_dir && h.log_dir->free_bytes);
    if (any_disk) {
        for (const auto& [name, help, total] :
             {std::tuple{"scoreline_folder_free_bytes",
                         "Free disk of a folder, for unprivileged users.", false},
              std::tuple{"scoreline_folder_size_bytes", "Size of the file system holding a folder.",
                         true}}) {
            w.family(name, metrics::Type::kGauge, help);
            for (const auto& [folder, disk] :
                 {std::pair{"data", &h.data_dir}, {"log", &h.log_dir}}) {
                if (*disk && (*disk)->free_bytes) {
                    w.sample(name, metrics::label("folder", folder),
                             total ? (*disk)->total_bytes : *(*disk)->free_bytes);
                }
            }
        }
    }
    w.finish();
    return out;
}

}  // namespace

http::Response status_page(Context& ctx) {
    const Options options = parse_options(ctx.req);
    const obs::PoolStatus status = obs::read_pool_status();
    const Health health = read_health(ctx);
    http::Response r;
    r.status = 200;
    switch (options.format) {
        case Format::kOpenMetrics:
            r.body = to_openmetrics(status, health);
            r.set_header("Content-Type",
                         std::string(metrics::content_type(metrics::Format::kOpenMetrics)));
            break;
        case Format::kJson:
            r.body = to_json(status, health, options.full).dump();
            r.set_header("Content-Type", "application/json");
            break;
        case Format::kText:
            r.body = to_text(to_json(status, health, options.full));
            r.set_header("Content-Type", "text/plain; charset=utf-8");
            break;
    }
    r.set_header("Cache-Control", "no-store");
    return r;
}

}  // namespace api
