// Strict base64url through libsodium; see base64url.hpp.
#include "auth/base64url.hpp"

#include <sodium.h>

namespace auth {

std::string base64url_encode(std::string_view bytes) {
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), kVariant);
    out.resize(out.size() - 1);  // the terminator libsodium writes
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    // A length of 1 (mod 4) cannot come from any byte string.
    if (text.size() % 4 == 1) {
        return std::nullopt;
    }
    for (char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return std::nullopt;
        }
    }
    std::string out(text.size() * 3 / 4 + 3, '\0');
    size_t written = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &written, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text.data() + text.size()) {
        return std::nullopt;
    }
    out.resize(written);
    // Non-canonical trailing bits: re-encoding must give back the input.
    if (base64url_encode(out) != text) {
        return std::nullopt;
    }
    return out;
}

}  // namespace auth
