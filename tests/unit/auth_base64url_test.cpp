// auth::base64url: round trips, and the strict decoder refusing every
// non-canonical or foreign form (padding, standard alphabet, whitespace,
// impossible lengths, non-zero trailing bits).
#include <gtest/gtest.h>
#include <sodium.h>

#include "auth/base64url.hpp"
#include "auth/opaque_token.hpp"

namespace {

TEST(Base64Url, RoundTripsEveryLength) {
    std::string bytes;
    for (int n = 0; n < 70; ++n) {
        const std::string enc = auth::base64url_encode(bytes);
        EXPECT_EQ(enc.find('='), std::string::npos);
        auto dec = auth::base64url_decode(enc);
        ASSERT_TRUE(dec.has_value()) << n;
        EXPECT_EQ(*dec, bytes);
        bytes.push_back(static_cast<char>(n * 37 + 200));
    }
}

TEST(Base64Url, KnownVectors) {
    EXPECT_EQ(auth::base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(auth::base64url_encode("{\"alg\":\"EdDSA\"}"), "eyJhbGciOiJFZERTQSJ9");
    EXPECT_EQ(auth::base64url_decode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64Url, RefusesNonCanonicalInput) {
    for (const char* bad : {"-_8=", "+/8", "ab cd", "ab\ncd", "a", "abcde", "YQ==", "YR", "eyJ.",
                            "eyJhbGciOiJFZERTQSJ9\n", "%41"}) {
        EXPECT_FALSE(auth::base64url_decode(bad).has_value()) << bad;
    }
    // "YR" would decode to "a" with a stray bit: only "YQ" is accepted.
    EXPECT_EQ(auth::base64url_decode("YQ"), std::string("a"));
}

TEST(OpaqueToken, Has256BitsAndAStableHash) {
    ASSERT_GE(sodium_init(), 0);
    const auto a = auth::new_opaque_token();
    const auto b = auth::new_opaque_token();
    EXPECT_EQ(a.text.size(), 43u);
    EXPECT_NE(a.text, b.text);
    EXPECT_EQ(a.hash_hex.size(), 2u + 64u);
    EXPECT_EQ(auth::opaque_token_hash(a.text), a.hash_hex);
    EXPECT_NE(a.hash_hex.find("\\x"), std::string::npos);
    EXPECT_EQ(a.hash_hex.find(a.text), std::string::npos);
    EXPECT_FALSE(auth::opaque_token_hash("short").has_value());
    EXPECT_FALSE(auth::opaque_token_hash(std::string(43, '*')).has_value());
}

}  // namespace
