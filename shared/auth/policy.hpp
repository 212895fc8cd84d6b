// The rules for what an account may be made of: email normalization and
// plausibility, display names, and the password policy (length, cracklib's
// dictionary check, no email local part or display name inside). Each check
// returns the reason in words for the 422 body, or nullopt when it passes.
// Pure apart from cracklib reading its dictionary files.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace auth {

inline constexpr std::size_t kPasswordMinChars = 10;
inline constexpr std::size_t kPasswordMaxChars = 128;
inline constexpr std::size_t kDisplayNameMaxChars = 80;

// Trims surrounding whitespace and lower-cases ASCII letters. Emails are
// ASCII only (email_charset_problem), so this one form is what the account
// lookup (citext) and the login throttle both key on: no Unicode spelling
// (U+0130, U+212A, ...) can name an account under a throttle key of its own.
[[nodiscard]] std::string normalize_email(std::string_view raw);
// "must be written in ASCII ..." when the address holds a byte above 0x7F.
[[nodiscard]] std::optional<std::string> email_charset_problem(std::string_view email);
// For a normalized address: ASCII only, one '@', a plausible local part and
// a domain of at least two labels.
[[nodiscard]] std::optional<std::string> email_problem(std::string_view email);

// Trims surrounding whitespace.
[[nodiscard]] std::string normalize_display_name(std::string_view raw);
// 1-80 characters under the name policy of text::Kind::kName.
[[nodiscard]] std::optional<std::string> display_name_problem(std::string_view name);

class PasswordPolicy {
  public:
    // `dictionary` is cracklib's dictionary prefix (files .pwd, .pwi, .hwm);
    // throws std::invalid_argument when its files are missing, because
    // cracklib would otherwise stop the process on the first check.
    explicit PasswordPolicy(std::string dictionary);

    // Checks a new password of the account with this (normalized) email and
    // display name. Comparisons with the email and the name ignore ASCII case;
    // parts shorter than 3 characters are not looked for.
    [[nodiscard]] std::optional<std::string> problem(std::string_view password,
                                                     std::string_view email,
                                                     std::string_view display_name) const;
    [[nodiscard]] const std::string& dictionary() const noexcept { return dictionary_; }

  private:
    std::string dictionary_;
};

// cracklib's compiled-in dictionary (Debian: /var/cache/cracklib/cracklib_dict).
[[nodiscard]] std::string default_cracklib_dictionary();

}  // namespace auth
