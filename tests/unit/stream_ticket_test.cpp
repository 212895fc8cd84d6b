// Stream tickets: a ticket verifies with the public key only and carries its
// user and topics; expired, forged, wrongly signed tickets and access tokens
// (another audience) are refused; an access check cannot take a ticket.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"
#include "auth/keys.hpp"
#include "stream/ticket.hpp"

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kSid = "0b7c3f7e-2f0e-4a59-9a4e-0d6b2f1c9e11";

auth::SigningKey key(unsigned char fill, const std::string& kid = "k1") {
    std::array<unsigned char, auth::kSeedBytes> seed{};
    seed.fill(fill);
    return auth::SigningKey::from_seed(kid, seed);
}

auth::KeyRing public_ring(const auth::SigningKey& k) {
    auth::KeyRing ring;
    ring.add_verify_key(k.kid(), k.public_key());
    return ring;
}

std::string ticket(const auth::SigningKey& k, std::vector<std::string> topics,
                   std::int64_t now = kNow) {
    return stream::issue_ticket(k, "scoreline", 7, "admin", kSid, topics, std::chrono::seconds(60),
                                now);
}

TEST(StreamTicket, VerifiesWithThePublicKeyAndCarriesUserAndTopics) {
    const auto k = key(1);
    const auto v = stream::verify_ticket(ticket(k, {"admin", "event:3"}), public_ring(k),
                                         "scoreline", std::chrono::seconds(30), kNow + 10);
    ASSERT_TRUE(v.ticket) << v.error;
    EXPECT_EQ(v.ticket->user_id, 7);
    EXPECT_EQ(v.ticket->role, "admin");
    EXPECT_EQ(v.ticket->topics, (std::vector<std::string>{"admin", "event:3"}));
    EXPECT_EQ(v.ticket->expires_at, kNow + 60);
    EXPECT_TRUE(stream::covers(*v.ticket, "event:3"));
    EXPECT_FALSE(stream::covers(*v.ticket, "event:4"));
}

TEST(StreamTicket, ExpiredTicketsAreRefused) {
    const auto k = key(1);
    const auto v = stream::verify_ticket(ticket(k, {"admin"}), public_ring(k), "scoreline",
                                         std::chrono::seconds(30), kNow + 60 + 30);
    EXPECT_FALSE(v.ticket);
    EXPECT_EQ(v.error, "expired");
}

TEST(StreamTicket, ForgedAndForeignTicketsAreRefused) {
    const auto k = key(1);
    const auto other = key(2);
    const auto ring = public_ring(k);
    auto verify = [&](const std::string& t) {
        return stream::verify_ticket(t, ring, "scoreline", std::chrono::seconds(30), kNow);
    };
    // Signed by another key with the same kid.
    EXPECT_EQ(verify(ticket(other, {"admin"})).error, "bad_signature");
    // Payload of one ticket under the signature of another.
    const std::string a = ticket(k, {"event:1"});
    const std::string b = ticket(k, {"admin"});
    const std::string spliced = a.substr(0, a.find('.')) +
                                b.substr(b.find('.'), b.rfind('.') - b.find('.')) +
                                a.substr(a.rfind('.'));
    EXPECT_EQ(verify(spliced).error, "bad_signature");
    EXPECT_FALSE(verify("").ticket);
    EXPECT_FALSE(verify("a.b").ticket);
    // Another issuer.
    EXPECT_EQ(stream::verify_ticket(b, ring, "someone-else", std::chrono::seconds(30), kNow).error,
              "wrong_issuer");
}

TEST(StreamTicket, AccessTokensAndTicketsDoNotPassForEachOther) {
    const auto k = key(1);
    const auto ring = public_ring(k);
    auth::TokenPolicy api;  // aud scoreline-api
    const std::string access =
        auth::sign_access_token(k, auth::new_access_claims(api, 7, "admin", kSid, kNow));
    EXPECT_EQ(
        stream::verify_ticket(access, ring, "scoreline", std::chrono::seconds(30), kNow).error,
        "wrong_audience");
    EXPECT_EQ(auth::verify_access_token(ticket(k, {"admin"}), ring, api, kNow).error,
              auth::TokenError::kWrongAudience);
}

TEST(StreamTicket, IssueRefusesBadTopics) {
    const auto k = key(1);
    EXPECT_THROW((void)ticket(k, {}), std::invalid_argument);
    EXPECT_THROW((void)ticket(k, {""}), std::invalid_argument);
    EXPECT_THROW((void)ticket(k, {"a b"}), std::invalid_argument);
    // Only topics of the grammar (stream/topic.hpp) are ticketed.
    EXPECT_THROW((void)ticket(k, {"events"}), std::invalid_argument);
    EXPECT_THROW((void)ticket(k, {"event:0"}), std::invalid_argument);
    EXPECT_THROW((void)ticket(k, {"event:01"}), std::invalid_argument);
    EXPECT_THROW((void)ticket(k, {"admin", "Admin"}), std::invalid_argument);
    EXPECT_NO_THROW((void)ticket(k, {"admin", "event:9223372036854775807"}));
    EXPECT_THROW((void)ticket(k, std::vector<std::string>(33, "event:1")), std::invalid_argument);
}

// A well-signed ticket whose topics claim breaks the grammar: ours never
// carry one, and verify refuses it rather than trusting the signature alone.
TEST(StreamTicket, VerifyRefusesTopicsOutsideTheGrammar) {
    const auto k = key(1);
    auto signed_with_topics = [&](const nlohmann::json& topics) {
        const nlohmann::ordered_json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", k.kid()}};
        const nlohmann::ordered_json payload = {{"iss", "scoreline"}, {"aud", "scoreline-stream"},
                                                {"sub", "7"},         {"role", "user"},
                                                {"iat", kNow},        {"nbf", kNow},
                                                {"exp", kNow + 60},   {"jti", kSid},
                                                {"sid", kSid},        {"topics", topics}};
        const std::string input =
            auth::base64url_encode(header.dump()) + "." + auth::base64url_encode(payload.dump());
        const auth::Signature sig = k.sign(input);
        return input + "." +
               auth::base64url_encode(
                   std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
    };
    auto verify = [&](const nlohmann::json& topics) {
        return stream::verify_ticket(signed_with_topics(topics), public_ring(k), "scoreline",
                                     std::chrono::seconds(30), kNow);
    };
    ASSERT_TRUE(verify({"event:5"}).ticket) << verify({"event:5"}).error;
    EXPECT_EQ(verify({"event:5", "news"}).error, "bad_topics");
    EXPECT_EQ(verify({"event:-1"}).error, "bad_topics");
    EXPECT_EQ(verify({5}).error, "bad_topics");
    EXPECT_EQ(verify(nlohmann::json::array()).error, "no_topics");
    EXPECT_EQ(verify("event:5").error, "no_topics");
}

}  // namespace
