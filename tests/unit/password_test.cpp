// auth::PasswordHasher (Argon2id: hash, verify, rehash on other parameters,
// the dummy hash) and the account rules: email normalization, display names,
// and the password policy with cracklib.
#include "auth/password.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "auth/policy.hpp"

namespace {

auth::PasswordCost cheap() {
    return auth::PasswordCost{1, 64 * 1024};
}

TEST(PasswordHasher, HashesAndVerifiesWithArgon2id) {
    ASSERT_GE(sodium_init(), 0);
    const auth::PasswordHasher hasher(cheap());
    const std::string hash = hasher.hash("Correct-Horse-42");
    EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=64,t=1,p=1$")) << hash;
    EXPECT_EQ(hash.find("Correct-Horse-42"), std::string::npos);
    EXPECT_TRUE(hasher.verify(hash, "Correct-Horse-42"));
    EXPECT_FALSE(hasher.verify(hash, "Correct-Horse-43"));
    EXPECT_FALSE(hasher.verify(hash, ""));
    EXPECT_FALSE(hasher.verify("not a hash", "Correct-Horse-42"));
    EXPECT_FALSE(hasher.verify(std::string(500, '$'), "x"));
    EXPECT_NE(hasher.hash("same"), hasher.hash("same"));  // salted
}

TEST(PasswordHasher, OtherParametersNeedARehash) {
    ASSERT_GE(sodium_init(), 0);
    const auth::PasswordHasher old_cost(cheap());
    const auth::PasswordHasher new_cost(auth::PasswordCost{2, 128 * 1024});
    const std::string old_hash = old_cost.hash("Correct-Horse-42");
    EXPECT_FALSE(old_cost.needs_rehash(old_hash));
    EXPECT_TRUE(new_cost.needs_rehash(old_hash));
    EXPECT_TRUE(new_cost.verify(old_hash, "Correct-Horse-42"));  // still verifies
    EXPECT_TRUE(new_cost.needs_rehash("garbage"));
}

TEST(PasswordHasher, DummyHashUsesTheCurrentCostAndMatchesNothing) {
    ASSERT_GE(sodium_init(), 0);
    const auth::PasswordHasher hasher(cheap());
    EXPECT_FALSE(hasher.needs_rehash(hasher.dummy_hash()));
    EXPECT_FALSE(hasher.verify(hasher.dummy_hash(), ""));
    EXPECT_FALSE(hasher.verify(hasher.dummy_hash(), "password"));
}

TEST(PasswordHasher, RefusesCostsOutsideLibsodiumsBounds) {
    EXPECT_THROW(auth::PasswordHasher(auth::PasswordCost{0, 64 * 1024}), std::invalid_argument);
    EXPECT_THROW(auth::PasswordHasher(auth::PasswordCost{1, 1024}), std::invalid_argument);
}

TEST(AccountRules, EmailsAreNormalizedAndChecked) {
    EXPECT_EQ(auth::normalize_email("  Ada.Lovelace@Example.ORG \t"), "ada.lovelace@example.org");
    for (const char* ok : {"a@b.co", "first.last+tag@sub.example.org", "x_y-z@xn--bcher-kva.de"}) {
        EXPECT_FALSE(auth::email_problem(ok).has_value()) << ok;
    }
    for (const char* bad :
         {"", "a", "ab", "no-at.example.org", "a@@b.org", "a@b@c.org", "@b.org", "a@",
          "a@localhost", "a@b..org", "a@-b.org", "a@b-.org", "a b@c.org", ".a@b.org", "a.@b.org",
          "a..b@c.org", "a@b.123", "a@b_c.org", "<a>@b.org"}) {
        EXPECT_TRUE(auth::email_problem(bad).has_value()) << bad;
    }
    EXPECT_TRUE(auth::email_problem(std::string(250, 'a') + "@b.org").has_value());
}

TEST(AccountRules, DisplayNames) {
    EXPECT_EQ(auth::normalize_display_name("  Ada  "), "Ada");
    EXPECT_FALSE(auth::display_name_problem("Ada").has_value());
    EXPECT_FALSE(auth::display_name_problem("Zoë Ñandú 北京").has_value());
    EXPECT_FALSE(auth::display_name_problem(std::string(80, 'x')).has_value());
    // 80 characters of two bytes each are still 80 characters.
    std::string accents;
    for (int i = 0; i < 80; ++i) {
        accents += "é";
    }
    EXPECT_FALSE(auth::display_name_problem(accents).has_value());
    EXPECT_TRUE(auth::display_name_problem(accents + "é").has_value());
    EXPECT_TRUE(auth::display_name_problem("").has_value());
    EXPECT_TRUE(auth::display_name_problem(std::string(81, 'x')).has_value());
    for (const char* bad : {"a\tb", "a\nb", "a\x7f", "a\xc2\x85",
                            "a\xe2\x80\xae"
                            "b",
                            "\xe2\x80\xa8"}) {
        EXPECT_TRUE(auth::display_name_problem(bad).has_value()) << bad;
    }
}

class Policy : public ::testing::Test {
  protected:
    auth::PasswordPolicy policy_{auth::default_cracklib_dictionary()};
    std::optional<std::string> check(const std::string& pw) const {
        return policy_.problem(pw, "ada.lovelace@example.org", "Countess Ada");
    }
};

TEST_F(Policy, AcceptsStrongPasswords) {
    for (const char* ok :
         {"Tq7xVb93kLmZ", "Zebra-Lantern-91", "correcthorsebattery", "ünïcödé-Pässwörd-7"}) {
        EXPECT_FALSE(check(ok).has_value()) << ok << ": " << check(ok).value_or("");
    }
}

TEST_F(Policy, RefusesWithAReason) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Short1!x", "10 to 128 characters"},
        {std::string(129, 'k'), "10 to 128 characters"},
        {"password123", "dictionary word"},
        {"abcdefghijk", "simplistic"},
        {"aaaaaaaaaaaa", "DIFFERENT characters"},
        {"my-ADA.LOVELACE-99", "before @"},
        {"x-countess ada-2024", "display name"},
        {std::string("Tq7xVb93\x01kLmZ"), "control characters"},
    };
    for (const auto& [pw, reason] : cases) {
        const auto why = check(pw);
        ASSERT_TRUE(why.has_value()) << pw;
        EXPECT_NE(why->find(reason), std::string::npos) << pw << ": " << *why;
    }
    // Ten characters that are twenty bytes count as ten.
    EXPECT_FALSE(policy_.problem("ß7ł€Ŋ¶ŧ←↓→", "x@y.org", "Q").has_value());
    // Short email local parts and names are not looked for.
    EXPECT_FALSE(policy_.problem("Tq7xVb93kLmZ", "tq@y.org", "Tq").has_value());
}

TEST(PolicyDictionary, MissingDictionaryIsRefusedAtStart) {
    EXPECT_THROW(auth::PasswordPolicy("/nonexistent/cracklib_dict"), std::invalid_argument);
}

}  // namespace
