// Structured logging: one JSON object per line on stderr through spdlog.
// Every line carries ts, level, proc, pid and, inside a request, request_id.
// Callers pass fields as JSON; values that are secrets must never be passed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace slog {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets up the process-wide logger. `process` names the binary in every line.
void init(std::string_view process, Level level);
void set_level(Level level);
[[nodiscard]] bool parse_level(std::string_view text, Level& out) noexcept;

// The request id (and W3C trace id) stamped on every line until cleared.
void set_request_context(std::string request_id, std::string trace_id = {});
void clear_request_context();

void write(Level level, std::string_view event,
           const nlohmann::json& fields = nlohmann::json::object());
inline void debug(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
    write(Level::kDebug, event, fields);
}
inline void info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
    write(Level::kInfo, event, fields);
}
inline void warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
    write(Level::kWarn, event, fields);
}
inline void error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
    write(Level::kError, event, fields);
}

}  // namespace slog
