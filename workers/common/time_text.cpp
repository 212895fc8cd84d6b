// ISO-8601 instants and dates of the tournament API; see time_text.hpp.
#include "common/time_text.hpp"

#include <cstdio>

namespace tournament {
namespace {

// Reads `n` decimal digits at `pos`; false when they are not all digits.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) {
        return false;
    }
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

}  // namespace

std::optional<std::chrono::year_month_day> parse_date(std::string_view s) {
    int y = 0, m = 0, d = 0;
    if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
        !digits(s, 8, 2, d) || y < 1900 || y > 2999) {
        return std::nullopt;
    }
    using namespace std::chrono;
    const year_month_day date{year{y}, month{static_cast<unsigned>(m)},
                              day{static_cast<unsigned>(d)}};
    if (s.size() != 10 || !date.ok()) {
        return std::nullopt;
    }
    return date;
}

std::optional<std::chrono::sys_seconds> parse_instant(std::string_view s) {
    using namespace std::chrono;
    if (s.size() < 17 || s[10] != 'T') {
        return std::nullopt;
    }
    const auto date = parse_date(s.substr(0, 10));
    int h = 0, mi = 0, sec = 0;
    if (!date || !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || h > 23 ||
        mi > 59) {
        return std::nullopt;
    }
    std::size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        if (!digits(s, pos + 1, 2, sec) || sec > 59) {
            return std::nullopt;
        }
        pos += 3;
        if (pos < s.size() && s[pos] == '.') {
            std::size_t n = 0;
            for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
                ++n;
            }
            if (n < 1 || n > 6) {  // PostgreSQL keeps microseconds
                return std::nullopt;
            }
        }
    }
    const std::string_view zone = s.substr(pos);
    int offset_minutes = 0;
    if (zone != "Z") {
        int zh = 0, zm = 0;
        if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !digits(zone, 1, 2, zh) ||
            zone[3] != ':' || !digits(zone, 4, 2, zm) || zh > 14 || zm > 59) {
            return std::nullopt;
        }
        offset_minutes = (zone[0] == '-' ? -1 : 1) * (zh * 60 + zm);
    }
    const sys_seconds local = sys_days{*date} + hours{h} + minutes{mi} + seconds{sec};
    return local - minutes{offset_minutes};
}

std::string format_instant(std::chrono::sys_seconds instant) {
    using namespace std::chrono;
    const sys_days day_point = floor<days>(instant);
    const year_month_day date{day_point};
    const hh_mm_ss time{instant - day_point};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return buf;
}

std::string format_date(std::chrono::year_month_day date) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return buf;
}

}  // namespace tournament
