// Manipulated access tokens, built here with libsodium and the test's own copy
// of the stack's signing key: each must be answered 401 (with the Bearer
// challenge) on GET /api/v1/me. A well-formed token built the same way must
// pass, so every 401 comes from the manipulation and not from the builder.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <functional>

#include "auth_suite.hpp"

namespace {

using nlohmann::json;

struct Key {
    std::string kid;
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
};

Key load_stack_key() {
    Key key;
    key.kid = authtest::stack().jwt_kid();
    FILE* f = std::fopen(authtest::stack().jwt_key_file().c_str(), "r");
    EXPECT_NE(f, nullptr);
    EVP_PKEY* pkey = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    EXPECT_NE(pkey, nullptr);
    std::array<unsigned char, 32> seed{};
    size_t len = seed.size();
    EXPECT_EQ(EVP_PKEY_get_raw_private_key(pkey, seed.data(), &len), 1);
    EVP_PKEY_free(pkey);
    crypto_sign_seed_keypair(key.pk.data(), key.sk.data(), seed.data());
    return key;
}

std::string pem_of_public_key(const std::string& private_pem_file) {
    FILE* f = std::fopen(private_pem_file.c_str(), "r");
    EVP_PKEY* pkey = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(n));
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    return pem;
}

std::string sign_ed25519(const std::string& input, const unsigned char* sk) {
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                         input.size(), sk);
    return std::string(reinterpret_cast<char*>(sig), sizeof sig);
}

std::string jws(const json& header, const json& payload, const unsigned char* sk) {
    const std::string input =
        authtest::b64url_encode(header.dump()) + "." + authtest::b64url_encode(payload.dump());
    return input + "." + authtest::b64url_encode(sign_ed25519(input, sk));
}

std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class AuthTokens : public ::testing::Test {
  protected:
    void SetUp() override {
        key_ = load_stack_key();
        account_ = authtest::register_account("tokens");
        const auto real = authtest::login(account_);
        const auto dot1 = real.access.find('.');
        const auto dot2 = real.access.find('.', dot1 + 1);
        real_claims_ =
            json::parse(authtest::b64url_decode(real.access.substr(dot1 + 1, dot2 - dot1 - 1)));
    }

    json header() const { return {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key_.kid}}; }
    json claims() const {
        const std::int64_t t = now();
        return {{"iss", "scoreline"},
                {"aud", "scoreline-api"},
                {"sub", std::to_string(account_.id)},
                {"role", "user"},
                {"iat", t},
                {"nbf", t},
                {"exp", t + 600},
                {"jti", "test-" + std::to_string(t)},
                {"sid", real_claims_["sid"]}};
    }
    std::string good() const { return jws(header(), claims(), key_.sk.data()); }

    Key key_;
    authtest::Account account_;
    json real_claims_;
};

TEST_F(AuthTokens, TheTestsOwnWellFormedTokenIsAccepted) {
    auto r = authtest::get_with("/api/v1/me", authtest::secret(good()));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["id"], account_.id);
}

TEST_F(AuthTokens, EveryManipulatedTokenIs401) {
    const std::string valid = good();
    const auto dot1 = valid.find('.');
    const auto dot2 = valid.find('.', dot1 + 1);
    const std::string head_b64 = valid.substr(0, dot1);
    const std::string body_b64 = valid.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string sig_b64 = valid.substr(dot2 + 1);
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> other_sk{};
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> other_pk{};
    crypto_sign_keypair(other_pk.data(), other_sk.data());

    auto with_claims = [&](const std::function<void(json&)>& edit) {
        json c = claims();
        edit(c);
        return jws(header(), c, key_.sk.data());
    };
    auto with_header = [&](const std::function<void(json&)>& edit) {
        json h = header();
        edit(h);
        return jws(h, claims(), key_.sk.data());
    };
    auto hs256 = [&](const std::string& secret_key) {
        const json h = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", key_.kid}};
        const std::string input = authtest::b64url_encode(h.dump()) + "." + body_b64;
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret_key.data()),
                                    secret_key.size());
        crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()),
                                      input.size());
        crypto_auth_hmacsha256_final(&st, mac);
        return input + "." +
               authtest::b64url_encode(std::string(reinterpret_cast<char*>(mac), sizeof mac));
    };
    std::string flipped_sig = authtest::b64url_decode(sig_b64);
    flipped_sig[10] = static_cast<char>(flipped_sig[10] ^ 0x01);
    json tampered = claims();
    tampered["role"] = "admin";

    const std::vector<std::pair<std::string, std::string>> cases = {
        {"alg none, no signature",
         authtest::b64url_encode(json{{"alg", "none"}, {"typ", "JWT"}, {"kid", key_.kid}}.dump()) +
             "." + body_b64 + "."},
        {"alg none, signature kept",
         authtest::b64url_encode(json{{"alg", "none"}, {"typ", "JWT"}, {"kid", key_.kid}}.dump()) +
             "." + body_b64 + "." + sig_b64},
        {"alg HS256 keyed with the public key PEM",
         hs256(pem_of_public_key(authtest::stack().jwt_key_file()))},
        {"alg HS256 keyed with the raw public key",
         hs256(std::string(reinterpret_cast<const char*>(key_.pk.data()), key_.pk.size()))},
        {"unknown kid", with_header([](json& h) { h["kid"] = "no-such-key"; })},
        {"right kid, signed by another key", jws(header(), claims(), other_sk.data())},
        {"one flipped signature bit",
         head_b64 + "." + body_b64 + "." + authtest::b64url_encode(flipped_sig)},
        {"payload changed without re-signing",
         head_b64 + "." + authtest::b64url_encode(tampered.dump()) + "." + sig_b64},
        {"expired", with_claims([](json& c) {
             c["iat"] = now() - 7200;
             c["nbf"] = now() - 7200;
             c["exp"] = now() - 3600;
         })},
        {"not yet valid", with_claims([](json& c) {
             c["nbf"] = now() + 3600;
             c["exp"] = now() + 7200;
         })},
        {"issued in the future", with_claims([](json& c) { c["iat"] = now() + 3600; })},
        {"wrong iss", with_claims([](json& c) { c["iss"] = "someone-else"; })},
        {"wrong aud", with_claims([](json& c) { c["aud"] = "another-api"; })},
        {"aud as an array",
         with_claims([](json& c) { c["aud"] = json::array({"scoreline-api"}); })},
        {"no exp", with_claims([](json& c) { c.erase("exp"); })},
        {"exp as a string", with_claims([](json& c) { c["exp"] = std::to_string(now() + 600); })},
        {"no sub", with_claims([](json& c) { c.erase("sub"); })},
        {"sub of another user", with_claims([](json& c) { c["sub"] = "999999"; })},
        {"session that does not exist",
         with_claims([](json& c) { c["sid"] = "00000000-0000-4000-8000-000000000000"; })},
        {"broken base64 (characters outside base64url)",
         head_b64 + "." + body_b64 + "*." + sig_b64},
        {"broken base64 (standard alphabet)",
         head_b64 + "." + body_b64 + "." + sig_b64.substr(0, 10) + "+/" + sig_b64.substr(12)},
        {"padding added", head_b64 + "." + body_b64 + "." + sig_b64 + "=="},
        {"extra segments", valid + "." + sig_b64},
        {"extra empty segment", valid + "."},
        {"two segments", head_b64 + "." + body_b64},
        {"typ missing", with_header([](json& h) { h.erase("typ"); })},
        {"typ not JWT", with_header([](json& h) { h["typ"] = "at+jwt"; })},
        {"extra header parameter (jku)",
         with_header([](json& h) { h["jku"] = "https://evil.example/keys"; })},
        {"header not an object",
         authtest::b64url_encode("[\"EdDSA\"]") + "." + body_b64 + "." + sig_b64},
        {"duplicate role claim",
         [&] {
             std::string payload = claims().dump();
             payload.insert(payload.size() - 1, ",\"role\":\"admin\"");
             const std::string input = head_b64 + "." + authtest::b64url_encode(payload);
             return input + "." + authtest::b64url_encode(sign_ed25519(input, key_.sk.data()));
         }()},
        {"empty token", ""},
    };
    ASSERT_GE(cases.size(), 12u);
    std::set<std::string> details;
    for (const auto& [name, token] : cases) {
        SCOPED_TRACE(name);
        authtest::secret(token.empty() ? valid : token);
        auto r = authtest::send("GET", "/api/v1/me", {}, {"Authorization: Bearer " + token});
        auto body = authtest::expect_problem(r, 401);
        EXPECT_TRUE(r.header("www-authenticate").starts_with("Bearer"))
            << r.header("www-authenticate");
        if (!token.empty() && body.is_object() && body["detail"].is_string()) {
            details.insert(body["detail"].get<std::string>());
        }
    }
    // Every refusal reads the same: the reason stays in the server's log.
    EXPECT_EQ(details.size(), 1u);
}

}  // namespace
