// Parsing SCORELINE_INTEGRITY; see integrity_config.hpp.
#include "integrity_config.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "config.hpp"

namespace api {
namespace {

struct Number {
    const char* name;
    std::variant<double*, int*, std::int64_t*> target;
    double min;
    double max;
};

[[noreturn]] void fail(const std::string& what) {
    throw config::Error("SCORELINE_INTEGRITY: " + what);
}

void set_number(const Number& n, const nlohmann::json& v) {
    const bool whole =
        std::holds_alternative<int*>(n.target) || std::holds_alternative<std::int64_t*>(n.target);
    if (!v.is_number() || (whole && !v.is_number_integer())) {
        fail(std::string(n.name) + " must be " + (whole ? "an integer" : "a number"));
    }
    const double d = v.get<double>();
    if (!(d >= n.min && d <= n.max)) {
        fail(std::string(n.name) + " must be from " + nlohmann::json(n.min).dump() + " to " +
             nlohmann::json(n.max).dump());
    }
    std::visit([&](auto* p) { *p = static_cast<std::remove_reference_t<decltype(*p)>>(d); },
               n.target);
}

std::vector<domain::integrity::SportLimit> parse_limits(const nlohmann::json& v) {
    if (!v.is_array()) {
        fail("limits must be an array of {sport, max_side, max_total}");
    }
    std::vector<domain::integrity::SportLimit> limits;
    for (const nlohmann::json& item : v) {
        if (!item.is_object() || item.size() != 3 || !item.contains("sport") ||
            !item["sport"].is_string() || item["sport"].get<std::string>().empty() ||
            !item.contains("max_side") || !item["max_side"].is_number_integer() ||
            !item.contains("max_total") || !item["max_total"].is_number_integer()) {
            fail(
                "each limit must be {\"sport\": text, \"max_side\": integer, \"max_total\": "
                "integer}");
        }
        domain::integrity::SportLimit l;
        l.sport = item["sport"].get<std::string>();
        const auto side = item["max_side"].get<std::int64_t>();
        const auto total = item["max_total"].get<std::int64_t>();
        if (side < 0 || side > 999 || total < 0 || total > 1998) {
            fail("limits of " + l.sport + ": max_side must be 0..999 and max_total 0..1998");
        }
        l.max_side = static_cast<int>(side);
        l.max_total = static_cast<int>(total);
        limits.push_back(std::move(l));
    }
    return limits;
}

}  // namespace

domain::integrity::Thresholds parse_integrity_thresholds(std::string_view text) {
    domain::integrity::Thresholds t;
    if (text.empty()) {
        return t;
    }
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        fail("must be a JSON object");
    }
    constexpr double kDay = 86400.0;
    const Number numbers[] = {
        {"margin_z", &t.margin_z, 0.5, 100},
        {"margin_min_sample", &t.margin_min_sample, 1, 1e6},
        {"elo_k", &t.elo_k, 0, 200},
        {"elo_home_advantage", &t.elo_home_advantage, -400, 400},
        {"elo_max_expected", &t.elo_max_expected, 0, 0.5},
        {"elo_min_margin", &t.elo_min_margin, 1, 999},
        {"elo_min_games", &t.elo_min_games, 0, 1000},
        {"corrections_max", &t.corrections_max, 1, 1000},
        {"corrections_window_s", &t.corrections_window_s, 1, 365 * kDay},
        {"burst_writes", &t.burst_writes, 1, 64},
        {"burst_events", &t.burst_events, 1, 1000},
        {"burst_window_s", &t.burst_window_s, 1, 7 * kDay},
        {"early_grace_s", &t.early_grace_s, 0, 365 * kDay},
        {"late_after_s", &t.late_after_s, 60, 365 * kDay},
    };
    for (const auto& [name, value] : j.items()) {
        if (name == "limits") {
            t.limits = parse_limits(value);
            continue;
        }
        if (name == "timing_checks" || name == "burst_check") {
            if (!value.is_boolean()) {
                fail(name + " must be true or false");
            }
            (name == "timing_checks" ? t.timing_checks : t.burst_check) = value.get<bool>();
            continue;
        }
        const Number* match = nullptr;
        for (const Number& n : numbers) {
            if (name == n.name) {
                match = &n;
            }
        }
        if (!match) {
            fail("unknown member " + nlohmann::json(name).dump());
        }
        set_number(*match, value);
    }
    return t;
}

}  // namespace api
