// Checks shared by the tournament services: text lengths in characters (as
// the database's char_length counts them), trimming, and collecting field
// errors into one invalid_fields refusal. Pure; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/refusal.hpp"

namespace tournament {

// `text` without leading and trailing ASCII whitespace.
[[nodiscard]] std::string trimmed(std::string_view text);

// Field errors of one request, thrown together as one 422.
class FieldErrors {
  public:
    void add(std::string field, std::string message) {
        errors_.push_back({std::move(field), std::move(message)});
    }
    // Adds an error unless `text` has min..max characters and passes the name
    // policy (text::Kind::kName: no control, invisible or bidi characters).
    void check_text(const std::string& field, std::string_view value, std::size_t min,
                    std::size_t max);
    [[nodiscard]] bool empty() const noexcept { return errors_.empty(); }
    // Throws an invalid_fields domain::Refusal when any error was added.
    void throw_if_any(std::string detail = "the body has invalid fields") const;

  private:
    std::vector<domain::FieldError> errors_;
};

}  // namespace tournament
