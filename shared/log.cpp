// spdlog set up to print pre-rendered JSON lines; see log.hpp.
#include "log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <memory>

namespace slog {
namespace {

struct State {
    std::shared_ptr<spdlog::logger> logger;
    std::string process = "scoreline";
    std::string request_id;
    std::string trace_id;
};

State& state() {
    static State s;
    return s;
}

spdlog::level::level_enum to_spd(Level level) {
    switch (level) {
        case Level::kDebug:
            return spdlog::level::debug;
        case Level::kInfo:
            return spdlog::level::info;
        case Level::kWarn:
            return spdlog::level::warn;
        case Level::kError:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

const char* level_name(Level level) {
    switch (level) {
        case Level::kDebug:
            return "debug";
        case Level::kInfo:
            return "info";
        case Level::kWarn:
            return "warn";
        case Level::kError:
            return "error";
    }
    return "info";
}

std::shared_ptr<spdlog::logger>& logger() {
    State& s = state();
    if (!s.logger) {
        s.logger = std::make_shared<spdlog::logger>(
            "scoreline", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        // The timestamp is rendered by spdlog; the rest of the object by us.
        s.logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ",%v})",
                              spdlog::pattern_time_type::utc);
        s.logger->flush_on(spdlog::level::trace);
    }
    return s.logger;
}

}  // namespace

void init(std::string_view process, Level level) {
    state().process = std::string(process);
    logger()->set_level(to_spd(level));
}

void set_level(Level level) {
    logger()->set_level(to_spd(level));
}

bool parse_level(std::string_view text, Level& out) noexcept {
    if (text == "debug") {
        out = Level::kDebug;
    } else if (text == "info") {
        out = Level::kInfo;
    } else if (text == "warn") {
        out = Level::kWarn;
    } else if (text == "error") {
        out = Level::kError;
    } else {
        return false;
    }
    return true;
}

void set_request_context(std::string request_id, std::string trace_id) {
    state().request_id = std::move(request_id);
    state().trace_id = std::move(trace_id);
}

void clear_request_context() {
    state().request_id.clear();
    state().trace_id.clear();
}

void write(Level level, std::string_view event, const nlohmann::json& fields) {
    auto& log = logger();
    if (!log->should_log(to_spd(level))) {
        return;
    }
    const State& s = state();
    nlohmann::ordered_json line;
    line["level"] = level_name(level);
    line["proc"] = s.process;
    line["pid"] = ::getpid();
    line["event"] = event;
    if (!s.request_id.empty()) {
        line["request_id"] = s.request_id;
    }
    if (!s.trace_id.empty()) {
        line["trace_id"] = s.trace_id;
    }
    if (fields.is_object()) {
        for (const auto& [key, value] : fields.items()) {
            line[key] = value;
        }
    }
    // dump() gives {"level":…}; spdlog's pattern supplies the braces and ts.
    std::string body = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    log->log(to_spd(level), "{}", std::string_view(body).substr(1, body.size() - 2));
}

}  // namespace slog
