// Shared input checks of the tournament services; see validation.hpp.
#include "common/validation.hpp"

#include "text/text_policy.hpp"

namespace tournament {

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

void FieldErrors::check_text(const std::string& field, std::string_view value, std::size_t min,
                             std::size_t max) {
    const std::size_t n = text::utf8_length(value);
    if (n < min || n > max) {
        add(field,
            "must be " + std::to_string(min) + " to " + std::to_string(max) + " characters long");
        return;
    }
    if (auto why = text::problem(value, text::Kind::kName)) {
        add(field, std::move(*why));
    }
}

void FieldErrors::throw_if_any(std::string detail) const {
    if (!errors_.empty()) {
        throw domain::Refusal::invalid_fields(std::move(detail), errors_);
    }
}

}  // namespace tournament
