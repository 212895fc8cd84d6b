// Shared input checks of the tournament services; see validation.hpp.
#include "events/validation.hpp"

namespace tournament {

std::size_t utf8_length(std::string_view text) noexcept {
    std::size_t n = 0;
    for (char c : text) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

void FieldErrors::check_text(const std::string& field, std::string_view text, std::size_t min,
                             std::size_t max) {
    const std::size_t n = utf8_length(text);
    if (n < min || n > max) {
        add(field,
            "must be " + std::to_string(min) + " to " + std::to_string(max) + " characters long");
        return;
    }
    for (char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
            add(field, "must not contain control characters");
            return;
        }
    }
}

void FieldErrors::throw_if_any(std::string detail) const {
    if (!errors_.empty()) {
        throw http::Problem(422, std::move(detail), errors_);
    }
}

}  // namespace tournament
