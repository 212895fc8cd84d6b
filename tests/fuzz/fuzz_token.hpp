// Shared by the JWT and stream-ticket fuzz targets: the key ring they verify
// with, and the input split that lets the fuzzer reach the claim checks
// (which run only after a valid signature) by signing what it wrote.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/base64url.hpp"
#include "auth/keys.hpp"

namespace fuzz_token {

inline constexpr std::int64_t kNow = 1'700'000'000;

inline void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

// k1 signs (and verifies); k2 only verifies, as after a key rotation.
inline const auth::KeyRing& keys() {
    static const auth::KeyRing ring = [] {
        require(sodium_init() >= 0);
        auth::KeyRing r;
        std::array<unsigned char, auth::kSeedBytes> seed{};
        seed.fill(1);
        r.set_signing_key(auth::SigningKey::from_seed("k1", seed));
        seed.fill(2);
        r.add_verify_key("k2", auth::SigningKey::from_seed("k2", seed).public_key());
        return r;
    }();
    return ring;
}

// The token to verify. Input: one mode byte, then
//   mode even: the token text as sent;
//   mode odd:  header JSON, a NUL, payload JSON - signed here with k1, so the
//              payload's claims are what the verifier reads.
inline std::string token_from(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return {};
    }
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0) {
        return std::string(rest);
    }
    const auto nul = rest.find('\0');
    const std::string_view header = rest.substr(0, nul);
    const std::string_view payload =
        nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
    const std::string input =
        auth::base64url_encode(header) + "." + auth::base64url_encode(payload);
    const auth::Signature sig = keys().signing_key()->sign(input);
    return input + "." +
           auth::base64url_encode(
               std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
}

// The same token with one character in the middle of its signature changed
// (still canonical base64url): never valid.
inline std::string tampered(std::string token) {
    if (token.size() > 10) {
        char& c = token[token.size() - 10];
        c = c == 'A' ? 'B' : 'A';
    }
    return token;
}

}  // namespace fuzz_token
