// auth::sign_access_token / verify_access_token, and the Ed25519 key files:
// a signed token verifies; every manipulation is refused with the right
// reason; keys load from the PEM files openssl writes, by kid.
#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "auth/base64url.hpp"
#include "auth/keys.hpp"
#include "config.hpp"

namespace {

using auth::TokenError;
using nlohmann::json;

constexpr std::int64_t kNow = 1'700'000'000;
const char* const kSid = "6f1c2a1e-9d1b-4c55-8a0e-1234567890ab";

auth::SigningKey make_key(const std::string& kid, unsigned char fill) {
    std::array<unsigned char, auth::kSeedBytes> seed{};
    seed.fill(fill);
    return auth::SigningKey::from_seed(kid, seed);
}

class Jwt : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        keys_.set_signing_key(make_key("k1", 1));
        policy_.ttl = std::chrono::seconds(900);
        policy_.leeway = std::chrono::seconds(30);
    }
    std::string issue(std::int64_t at = kNow) const {
        return auth::sign_access_token(*keys_.signing_key(),
                                       auth::new_access_claims(policy_, 42, "admin", kSid, at));
    }
    TokenError check(const std::string& token, std::int64_t at = kNow) const {
        return auth::verify_access_token(token, keys_, policy_, at).error;
    }
    // Signs arbitrary header/payload JSON text with `key`.
    static std::string forge(const std::string& header, const std::string& payload,
                             const auth::SigningKey& key) {
        const std::string input =
            auth::base64url_encode(header) + "." + auth::base64url_encode(payload);
        const auto sig = key.sign(input);
        return input + "." +
               auth::base64url_encode(
                   std::string(reinterpret_cast<const char*>(sig.data()), sig.size()));
    }
    json claims(std::int64_t at = kNow) const {
        return {{"iss", "scoreline"}, {"aud", "scoreline-api"},
                {"sub", "42"},        {"role", "user"},
                {"iat", at},          {"nbf", at},
                {"exp", at + 900},    {"jti", "j"},
                {"sid", kSid}};
    }
    std::string header_text() const { return R"({"alg":"EdDSA","typ":"JWT","kid":"k1"})"; }

    auth::KeyRing keys_;
    auth::TokenPolicy policy_;
};

TEST_F(Jwt, SignedTokenVerifiesWithItsClaims) {
    const auto v = auth::verify_access_token(issue(), keys_, policy_, kNow + 10);
    ASSERT_EQ(v.error, TokenError::kNone);
    ASSERT_TRUE(v.claims.has_value());
    EXPECT_EQ(v.claims->user_id, 42);
    EXPECT_EQ(v.claims->role, "admin");
    EXPECT_EQ(v.claims->session_id, kSid);
    EXPECT_EQ(v.claims->expires_at, kNow + 900);
    EXPECT_EQ(v.claims->issuer, "scoreline");
    EXPECT_FALSE(v.claims->token_id.empty());
    // Header exactly as specified.
    const std::string token = issue();
    EXPECT_EQ(json::parse(*auth::base64url_decode(token.substr(0, token.find('.')))),
              (json{{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", "k1"}}));
    EXPECT_NE(issue(), issue());  // jti differs
}

TEST_F(Jwt, TimeRulesUseTheLeeway) {
    EXPECT_EQ(check(issue(), kNow + 900 + 29), TokenError::kNone);
    EXPECT_EQ(check(issue(), kNow + 900 + 30), TokenError::kExpired);
    EXPECT_EQ(check(issue(), kNow - 29), TokenError::kNone);
    EXPECT_EQ(check(issue(), kNow - 31), TokenError::kNotYetValid);
}

TEST_F(Jwt, RefusesEveryManipulation) {
    const std::string good = issue();
    const auto d1 = good.find('.');
    const auto d2 = good.find('.', d1 + 1);
    std::string flipped = *auth::base64url_decode(good.substr(d2 + 1));
    flipped[0] = static_cast<char>(flipped[0] ^ 0x80);
    json admin = claims();
    admin["sub"] = "1";
    const auto other = make_key("k1", 9);
    auto with = [&](const char* k, const json& v) {
        json c = claims();
        c[k] = v;
        return forge(header_text(), c.dump(), *keys_.signing_key());
    };
    auto without = [&](const char* k) {
        json c = claims();
        c.erase(k);
        return forge(header_text(), c.dump(), *keys_.signing_key());
    };
    const std::vector<std::tuple<std::string, std::string, TokenError>> cases = {
        {"alg none",
         auth::base64url_encode(R"({"alg":"none","typ":"JWT","kid":"k1"})") + "." +
             good.substr(d1 + 1, d2 - d1 - 1) + ".",
         TokenError::kMalformed},
        {"alg HS256",
         forge(R"({"alg":"HS256","typ":"JWT","kid":"k1"})", claims().dump(), *keys_.signing_key()),
         TokenError::kBadHeader},
        {"unknown kid",
         forge(R"({"alg":"EdDSA","typ":"JWT","kid":"k2"})", claims().dump(), *keys_.signing_key()),
         TokenError::kUnknownKey},
        {"other key", forge(header_text(), claims().dump(), other), TokenError::kBadSignature},
        {"flipped bit", good.substr(0, d2 + 1) + auth::base64url_encode(flipped),
         TokenError::kBadSignature},
        {"payload swapped",
         good.substr(0, d1 + 1) + auth::base64url_encode(admin.dump()) + good.substr(d2),
         TokenError::kBadSignature},
        {"wrong iss", with("iss", "x"), TokenError::kWrongIssuer},
        {"wrong aud", with("aud", "x"), TokenError::kWrongAudience},
        {"aud array", with("aud", json::array({"scoreline-api"})), TokenError::kBadClaims},
        {"no exp", without("exp"), TokenError::kBadClaims},
        {"no nbf", without("nbf"), TokenError::kBadClaims},
        {"no sid", without("sid"), TokenError::kBadClaims},
        {"fractional exp", with("exp", 1'700'000'900.5), TokenError::kBadClaims},
        {"negative iat", with("iat", -1), TokenError::kBadClaims},
        {"sub not a number", with("sub", "42a"), TokenError::kBadClaims},
        {"sub with leading zero", with("sub", "042"), TokenError::kBadClaims},
        {"sub as integer", with("sub", 42), TokenError::kBadClaims},
        {"unknown role", with("role", "root"), TokenError::kBadClaims},
        {"sid not a uuid", with("sid", "abc"), TokenError::kBadClaims},
        {"exp before nbf", with("exp", kNow - 1), TokenError::kBadClaims},
        {"typ missing",
         forge(R"({"alg":"EdDSA","kid":"k1"})", claims().dump(), *keys_.signing_key()),
         TokenError::kBadHeader},
        {"typ other",
         forge(R"({"alg":"EdDSA","typ":"JWS","kid":"k1"})", claims().dump(), *keys_.signing_key()),
         TokenError::kBadHeader},
        {"crit header",
         forge(R"({"alg":"EdDSA","typ":"JWT","kid":"k1","crit":["x"]})", claims().dump(),
               *keys_.signing_key()),
         TokenError::kBadHeader},
        {"duplicate header member",
         forge(R"({"alg":"EdDSA","typ":"JWT","kid":"k1","kid":"k1"})", claims().dump(),
               *keys_.signing_key()),
         TokenError::kMalformed},
        {"duplicate claim",
         forge(header_text(), claims().dump().insert(1, R"("role":"admin",)"),
               *keys_.signing_key()),
         TokenError::kMalformed},
        {"payload not an object", forge(header_text(), "[1,2]", *keys_.signing_key()),
         TokenError::kMalformed},
        {"payload not json", forge(header_text(), "{\"iss\":", *keys_.signing_key()),
         TokenError::kMalformed},
        {"extra segment", good + ".AAAA", TokenError::kMalformed},
        {"two segments", good.substr(0, d2), TokenError::kMalformed},
        {"empty", "", TokenError::kMalformed},
        {"padding", good + "==", TokenError::kMalformed},
        {"standard alphabet", good.substr(0, d2 + 1) + "+/" + good.substr(d2 + 3),
         TokenError::kMalformed},
        {"short signature", good.substr(0, d2 + 1) + "AAAA", TokenError::kMalformed},
        {"huge", good + std::string(5000, 'A'), TokenError::kMalformed},
    };
    for (const auto& [name, token, expected] : cases) {
        EXPECT_EQ(check(token), expected) << name << ": got " << auth::to_string(check(token));
    }
}

TEST_F(Jwt, SeveralVerificationKeysByKid) {
    const auto old_key = make_key("old", 7);
    const std::string old_token =
        auth::sign_access_token(old_key, auth::new_access_claims(policy_, 5, "user", kSid, kNow));
    EXPECT_EQ(check(old_token), TokenError::kUnknownKey);
    keys_.add_verify_key("old", old_key.public_key());
    EXPECT_EQ(check(old_token), TokenError::kNone);
    EXPECT_EQ(check(issue()), TokenError::kNone);
    EXPECT_THROW(keys_.add_verify_key("old", make_key("x", 8).public_key()), std::invalid_argument);
}

// PEM files as `openssl genpkey -algorithm ed25519` writes them.
class KeyFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        dir_ = std::filesystem::temp_directory_path() / ("jwt_test_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        EVP_PKEY* key = nullptr;
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
        ASSERT_EQ(EVP_PKEY_keygen_init(ctx), 1);
        ASSERT_EQ(EVP_PKEY_keygen(ctx, &key), 1);
        EVP_PKEY_CTX_free(ctx);
        FILE* f = std::fopen(private_path().c_str(), "w");
        PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
        std::fclose(f);
        ::chmod(private_path().c_str(), 0600);
        f = std::fopen(public_path().c_str(), "w");
        PEM_write_PUBKEY(f, key);
        std::fclose(f);
        size_t len = pk_.size();
        EVP_PKEY_get_raw_public_key(key, pk_.data(), &len);
        EVP_PKEY_free(key);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string private_path() const { return (dir_ / "k.pem").string(); }
    std::string public_path() const { return (dir_ / "k.pub.pem").string(); }

    std::filesystem::path dir_;
    auth::PublicKey pk_{};
};

TEST_F(KeyFiles, LoadsSigningAndVerificationKeys) {
    const auto signing = auth::load_signing_key("S", "main:" + private_path());
    EXPECT_EQ(signing.kid(), "main");
    EXPECT_EQ(signing.public_key(), pk_);
    const auto verify = auth::load_verify_keys("V", "a:" + public_path() + ",b:" + private_path());
    ASSERT_EQ(verify.size(), 2u);
    EXPECT_EQ(verify[0].first, "a");
    EXPECT_EQ(verify[0].second, pk_);
    EXPECT_EQ(verify[1].second, pk_);  // the public half of a private key file
}

TEST_F(KeyFiles, RefusesBadSpecsAndFiles) {
    EXPECT_THROW((void)auth::load_signing_key("S", private_path()), config::Error);  // no kid
    EXPECT_THROW((void)auth::load_signing_key("S", "bad kid:" + private_path()), config::Error);
    EXPECT_THROW((void)auth::load_signing_key("S", "k:relative.pem"), config::Error);
    EXPECT_THROW((void)auth::load_signing_key("S", "k:/nonexistent/key.pem"), config::Error);
    EXPECT_THROW((void)auth::load_signing_key("S", "k:" + public_path()),
                 config::Error);  // not private
    EXPECT_THROW((void)auth::load_verify_keys("V", "a:" + public_path() + ",a:" + public_path()),
                 config::Error);
    ::chmod(private_path().c_str(), 0644);
    try {
        (void)auth::load_signing_key("SCORELINE_JWT_SIGNING_KEY", "k:" + private_path());
        FAIL() << "a world-readable private key was accepted";
    } catch (const config::Error& e) {
        EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
        EXPECT_TRUE(std::string(e.what()).starts_with("SCORELINE_JWT_SIGNING_KEY")) << e.what();
    }
}

}  // namespace
