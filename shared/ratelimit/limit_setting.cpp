// Parsing of rate-limit settings; see limit_setting.hpp.
#include "ratelimit/limit_setting.hpp"

#include <charconv>
#include <cmath>

#include "config.hpp"

namespace ratelimit {
namespace {

constexpr long kMaxNumber = 1'000'000;

// A whole number 1..kMaxNumber spanning all of `text`, or nullopt.
std::optional<long> whole(std::string_view text) {
    long out = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (text.empty() || ec != std::errc{} || p != text.data() + text.size() || out < 1 ||
        out > kMaxNumber) {
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::optional<Limit> parse_limit(std::string_view setting, std::string_view text) {
    if (text == "off") {
        return std::nullopt;
    }
    const auto fail = [&]() -> config::Error {
        return config::Error(std::string(setting) +
                             ": must be 'off' or 'RATE/s burst N' or 'RATE/m burst N' (RATE and "
                             "N whole numbers from 1 to 1000000, e.g. '50/s burst 100'), got '" +
                             std::string(text) + "'");
    };
    constexpr std::string_view kBurst = " burst ";
    const auto slash = text.find('/');
    const auto burst_at = text.find(kBurst);
    if (slash == std::string_view::npos || burst_at == std::string_view::npos ||
        burst_at != slash + 2) {
        throw fail();
    }
    const auto rate = whole(text.substr(0, slash));
    const char unit = text[slash + 1];
    const auto burst = whole(text.substr(burst_at + kBurst.size()));
    if (!rate || !burst || (unit != 's' && unit != 'm')) {
        throw fail();
    }
    Limit limit;
    limit.per_second = static_cast<double>(*rate) / (unit == 'm' ? 60.0 : 1.0);
    limit.burst = static_cast<double>(*burst);
    return limit;
}

std::string to_string(const std::optional<Limit>& limit) {
    if (!limit) {
        return "off";
    }
    const double per_second = limit->per_second;
    const bool whole_per_second = std::floor(per_second) == per_second;
    const long rate = std::lround(whole_per_second ? per_second : per_second * 60.0);
    return std::to_string(rate) + (whole_per_second ? "/s" : "/m") + " burst " +
           std::to_string(std::lround(limit->burst));
}

}  // namespace ratelimit
