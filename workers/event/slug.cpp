// Event slugs; see slug.hpp.
#include "event/slug.hpp"

namespace tournament {
namespace {

bool is_slug_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

std::string slugify(std::string_view name) {
    std::string out;
    bool dash = false;
    for (char raw : name) {
        char c = raw;
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (is_slug_char(c)) {
            if (dash && !out.empty()) {
                out += '-';
            }
            dash = false;
            out += c;
        } else {
            dash = true;
        }
        if (out.size() >= kMaxSlugBase) {
            break;
        }
    }
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
    return out.empty() ? "event" : out;
}

bool is_valid_slug(std::string_view slug) noexcept {
    if (slug.empty() || slug.size() > 120 || slug.front() == '-' || slug.back() == '-') {
        return false;
    }
    char prev = 0;
    for (char c : slug) {
        if (!is_slug_char(c) && !(c == '-' && prev != '-')) {
            return false;
        }
        prev = c;
    }
    return true;
}

}  // namespace tournament
