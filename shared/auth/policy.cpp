// Account input rules and the password policy; see policy.hpp.
#include "auth/policy.hpp"

#include <crack.h>
#include <sys/stat.h>

#include <cstddef>  // crack.h uses size_t without including it
#include <mutex>
#include <stdexcept>

#include "text/text_policy.hpp"

namespace auth {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

bool local_part_ok(std::string_view local) {
    if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string_view::npos) {
        return false;
    }
    for (char c : local) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F ||
            std::string_view("\"(),:;<>[\\]@").find(c) != std::string_view::npos) {
            return false;
        }
    }
    return true;
}

bool domain_ok(std::string_view domain) {
    if (domain.empty() || domain.size() > 253) {
        return false;
    }
    int labels = 0;
    std::string_view last;
    while (true) {
        const auto dot = domain.find('.');
        std::string_view label = domain.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        ++labels;
        last = label;
        if (dot == std::string_view::npos) {
            break;
        }
        domain.remove_prefix(dot + 1);
    }
    bool all_digits = true;
    for (char c : last) {
        all_digits = all_digits && c >= '0' && c <= '9';
    }
    return labels >= 2 && !all_digits;
}

bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

std::string normalize_email(std::string_view raw) {
    return ascii_lower(trim(raw));
}

std::optional<std::string> email_charset_problem(std::string_view email) {
    for (char c : email) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            return "must be written in ASCII (an internationalized domain in its xn-- form)";
        }
    }
    return std::nullopt;
}

std::optional<std::string> email_problem(std::string_view email) {
    if (auto why = email_charset_problem(email)) {
        return why;
    }
    if (email.size() < 3 || email.size() > 254) {
        return "must be an email address of 3 to 254 characters";
    }
    const auto at = email.find('@');
    if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
        return "must be an email address with exactly one @";
    }
    if (!local_part_ok(email.substr(0, at))) {
        return "must be an email address: the part before @ is not valid";
    }
    if (!domain_ok(email.substr(at + 1))) {
        return "must be an email address: the domain after @ is not valid";
    }
    return std::nullopt;
}

std::string normalize_display_name(std::string_view raw) {
    return std::string(trim(raw));
}

std::optional<std::string> display_name_problem(std::string_view name) {
    const std::size_t chars = text::utf8_length(name);
    if (chars < 1 || chars > kDisplayNameMaxChars) {
        return "must be 1 to " + std::to_string(kDisplayNameMaxChars) + " characters long";
    }
    return text::problem(name, text::Kind::kName);
}

std::string default_cracklib_dictionary() {
    return GetDefaultCracklibDict();
}

PasswordPolicy::PasswordPolicy(std::string dictionary) : dictionary_(std::move(dictionary)) {
    if (!file_exists(dictionary_ + ".pwd") || !file_exists(dictionary_ + ".pwi")) {
        throw std::invalid_argument("cracklib dictionary '" + dictionary_ +
                                    "' not found (.pwd/.pwi); install cracklib-runtime");
    }
}

std::optional<std::string> PasswordPolicy::problem(std::string_view password,
                                                   std::string_view email,
                                                   std::string_view display_name) const {
    const std::size_t chars = text::utf8_length(password);
    if (chars < kPasswordMinChars || chars > kPasswordMaxChars) {
        return "must be " + std::to_string(kPasswordMinChars) + " to " +
               std::to_string(kPasswordMaxChars) + " characters long";
    }
    if (auto why = text::problem(password, text::Kind::kLine)) {
        return why;
    }
    const std::string lower = ascii_lower(password);
    const std::string_view local = email.substr(0, email.find('@'));
    if (text::utf8_length(local) >= 3 && lower.find(ascii_lower(local)) != std::string::npos) {
        return "must not contain the part of the email address before @";
    }
    const std::string_view name = trim(display_name);
    if (text::utf8_length(name) >= 3 && lower.find(ascii_lower(name)) != std::string::npos) {
        return "must not contain the display name";
    }
    // cracklib keeps static state: one check at a time in this process.
    static std::mutex mu;
    std::lock_guard lock(mu);
    const std::string terminated(password);
    if (const char* why = FascistCheck(terminated.c_str(), dictionary_.c_str())) {
        return std::string("is too weak: ") + why;
    }
    return std::nullopt;
}

}  // namespace auth
