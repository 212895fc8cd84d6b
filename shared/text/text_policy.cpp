// The text policy; see text_policy.hpp.
#include "text/text_policy.hpp"

namespace text {
namespace {

// Decodes the code point at text[i] of valid UTF-8 and advances i.
char32_t next_code_point(std::string_view text, std::size_t& i) noexcept {
    const auto b = static_cast<unsigned char>(text[i]);
    int extra = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
    char32_t cp = extra == 0 ? b : extra == 1 ? (b & 0x1F) : extra == 2 ? (b & 0x0F) : (b & 0x07);
    ++i;
    for (; extra > 0 && i < text.size(); --extra, ++i) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
    }
    return cp;
}

bool allowed_in_multiline(char32_t cp) noexcept {
    return cp == '\t' || cp == '\n' || cp == '\r';
}

}  // namespace

bool valid_utf8(std::string_view bytes) noexcept {
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    while (i < n) {
        const auto b0 = static_cast<unsigned char>(bytes[i]);
        if (b0 < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        unsigned char lo = 0x80;  // bounds of the second byte (RFC 3629, table 3-7 of Unicode)
        unsigned char hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            extra = 1;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            extra = 2;
            lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
            hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            extra = 3;
            lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlong forms
            hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
        } else {
            return false;
        }
        if (n - i <= static_cast<std::size_t>(extra)) {
            return false;
        }
        const auto b1 = static_cast<unsigned char>(bytes[i + 1]);
        if (b1 < lo || b1 > hi) {
            return false;
        }
        for (int k = 2; k <= extra; ++k) {
            const auto b = static_cast<unsigned char>(bytes[i + static_cast<std::size_t>(k)]);
            if ((b & 0xC0) != 0x80) {
                return false;
            }
        }
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}

std::size_t utf8_length(std::string_view text) noexcept {
    std::size_t n = 0;
    for (char c : text) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

bool is_control(char32_t cp) noexcept {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

bool is_invisible_or_bidi(char32_t cp) noexcept {
    return cp == 0x00AD                          // soft hyphen
           || cp == 0x034F                       // combining grapheme joiner
           || cp == 0x061C                       // Arabic letter mark
           || cp == 0x115F || cp == 0x1160       // Hangul fillers
           || cp == 0x180E                       // Mongolian vowel separator
           || (cp >= 0x200B && cp <= 0x200F)     // zero-width space, (non-)joiner, LRM, RLM
           || (cp >= 0x2028 && cp <= 0x202E)     // line/paragraph separators, embeddings, overrides
           || (cp >= 0x2060 && cp <= 0x206F)     // word joiner, invisible operators, isolates
           || cp == 0x3164 || cp == 0xFFA0       // Hangul fillers
           || cp == 0xFEFF                       // BOM, zero-width no-break space
           || (cp >= 0xFFF9 && cp <= 0xFFFB)     // interlinear annotation
           || (cp >= 0xFDD0 && cp <= 0xFDEF)     // noncharacters
           || (cp & 0xFFFE) == 0xFFFE            // U+xFFFE and U+xFFFF of every plane
           || (cp >= 0xE0000 && cp <= 0xE007F);  // tag characters
}

std::optional<std::string> problem(std::string_view text, Kind kind) {
    for (std::size_t i = 0; i < text.size();) {
        const char32_t cp = next_code_point(text, i);
        if (is_control(cp) && !(kind == Kind::kMultiLine && allowed_in_multiline(cp))) {
            return kind == Kind::kMultiLine
                       ? "must not contain control characters other than tab and line breaks"
                       : "must not contain control characters";
        }
        if (kind == Kind::kName && is_invisible_or_bidi(cp)) {
            return "must not contain invisible or bidirectional-control characters";
        }
    }
    return std::nullopt;
}

}  // namespace text
