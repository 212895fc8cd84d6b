// Random opaque tokens and their stored hashes; see opaque_token.hpp.
#include "auth/opaque_token.hpp"

#include <sodium.h>

#include "auth/base64url.hpp"

namespace auth {
namespace {

constexpr std::size_t kTokenBytes = 32;

std::string hash_bytes(std::string_view raw) {
    unsigned char digest[crypto_generichash_BYTES];  // 32
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(raw.data()),
                       raw.size(), nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string("\\x") + hex;
}

}  // namespace

OpaqueToken new_opaque_token() {
    unsigned char raw[kTokenBytes];
    randombytes_buf(raw, sizeof raw);
    const std::string_view bytes(reinterpret_cast<const char*>(raw), sizeof raw);
    OpaqueToken t{base64url_encode(bytes), hash_bytes(bytes)};
    sodium_memzero(raw, sizeof raw);
    return t;
}

std::optional<std::string> opaque_token_hash(std::string_view text) {
    if (text.size() != 43) {
        return std::nullopt;
    }
    auto raw = base64url_decode(text);
    if (!raw || raw->size() != kTokenBytes) {
        return std::nullopt;
    }
    std::string h = hash_bytes(*raw);
    sodium_memzero(raw->data(), raw->size());
    return h;
}

}  // namespace auth
