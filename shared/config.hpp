// Configuration from SCORELINE_* environment variables and an optional file
// (SCORELINE_CONFIG_FILE, lines of NAME=value; the environment wins). Every
// getter validates its setting; a bad value throws config::Error whose message
// names the setting and what is allowed, and the process stops with it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace config {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Every setting any Scoreline binary reads, with its default as text and a
// one-line description; docs/configuration.md is written from this table.
struct Setting {
    std::string_view name;
    std::string_view default_text;
    std::string_view description;
};
[[nodiscard]] const std::vector<Setting>& known_settings();

class Source {
  public:
    // Reads `environ` and, when SCORELINE_CONFIG_FILE is set there, that file.
    [[nodiscard]] static Source load(char** environ);
    // For tests: exactly these values, no environment, no file.
    [[nodiscard]] static Source from_map(std::map<std::string, std::string> values);

    [[nodiscard]] std::optional<std::string> find(std::string_view name) const;
    [[nodiscard]] std::string get_string(std::string_view name, std::string_view fallback) const;
    [[nodiscard]] std::string require_string(std::string_view name) const;
    [[nodiscard]] std::int64_t get_int(std::string_view name, std::int64_t fallback,
                                       std::int64_t min, std::int64_t max) const;
    [[nodiscard]] std::chrono::milliseconds get_ms(std::string_view name,
                                                   std::chrono::milliseconds fallback,
                                                   std::chrono::milliseconds min,
                                                   std::chrono::milliseconds max) const;
    [[nodiscard]] bool get_bool(std::string_view name, bool fallback) const;
    [[nodiscard]] std::string get_enum(std::string_view name, std::string_view fallback,
                                       const std::vector<std::string_view>& allowed) const;
    // SCORELINE_* names that were given but are not in known_settings().
    [[nodiscard]] std::vector<std::string> unknown_names() const;

  private:
    std::map<std::string, std::string, std::less<>> values_;
};

// Where a server listens: a unix socket path or a loopback/TCP host:port.
struct ListenAddress {
    enum class Kind { kUnix, kTcp } kind = Kind::kUnix;
    std::string path;  // kUnix
    std::string host;  // kTcp
    std::uint16_t port = 0;
};
// Parses "unix:/abs/path" or "HOST:PORT"; throws Error naming `setting`.
[[nodiscard]] ListenAddress parse_listen(std::string_view setting, std::string_view text);

}  // namespace config
