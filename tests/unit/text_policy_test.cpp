// text::: the one policy for outside text (UTF-8 validity, control, invisible
// and bidi characters), and where it is applied once for all routes: JSON
// bodies (parse_json_body, FieldReader) and query parameters.
#include "text/text_policy.hpp"

#include <gtest/gtest.h>

#include "http/json_body.hpp"

namespace {

using text::Kind;

TEST(TextPolicy, ValidUtf8) {
    EXPECT_TRUE(text::valid_utf8(""));
    EXPECT_TRUE(text::valid_utf8("plain ascii"));
    EXPECT_TRUE(text::valid_utf8("Be\xC5\x9Fikta\xC5\x9F"));   // Beşiktaş
    EXPECT_TRUE(text::valid_utf8("\xE2\x82\xAC"));             // U+20AC
    EXPECT_TRUE(text::valid_utf8("\xF0\x9F\x8F\x86"));         // U+1F3C6
    EXPECT_TRUE(text::valid_utf8("\xF4\x8F\xBF\xBF"));         // U+10FFFF
    EXPECT_FALSE(text::valid_utf8("\xFF"));                    // never in UTF-8
    EXPECT_FALSE(text::valid_utf8("\x80"));                    // lone continuation
    EXPECT_FALSE(text::valid_utf8("\xC0\xAF"));                // overlong '/'
    EXPECT_FALSE(text::valid_utf8("\xE0\x80\x80"));            // overlong NUL
    EXPECT_FALSE(text::valid_utf8("\xED\xA0\x80"));            // surrogate U+D800
    EXPECT_FALSE(text::valid_utf8("\xF4\x90\x80\x80"));        // above U+10FFFF
    EXPECT_FALSE(text::valid_utf8("\xF0\x9F\x8F"));            // truncated
    EXPECT_FALSE(text::valid_utf8("\xE2\x28\xA1"));            // bad continuation
    EXPECT_FALSE(text::valid_utf8(std::string("ab\xC3", 3)));  // cut at the end
}

TEST(TextPolicy, ControlCharactersByKind) {
    const std::string nul("a\0b", 3);
    for (Kind kind : {Kind::kMultiLine, Kind::kLine, Kind::kName}) {
        EXPECT_TRUE(text::problem(nul, kind));
        EXPECT_TRUE(text::problem("a\x1b[31m", kind));
        EXPECT_TRUE(text::problem("a\x7f", kind));
        EXPECT_TRUE(text::problem("a\xC2\x85", kind));  // U+0085 NEL
        EXPECT_FALSE(text::problem("Beşiktaş İstanbul", kind));
        EXPECT_FALSE(text::problem("", kind));
    }
    EXPECT_FALSE(text::problem("line one\r\n\tline two", Kind::kMultiLine));
    EXPECT_TRUE(text::problem("line one\nline two", Kind::kLine));
    EXPECT_TRUE(text::problem("tab\there", Kind::kName));
}

TEST(TextPolicy, NamesRefuseInvisibleAndBidiCharacters) {
    for (const char* bad :
         {"Abc\u202Edef", "Abc\u2028", "\uFEFFAbc", "Abc\uFFFF", "A\u200Dbc", "A\u200Bbc",
          "A\u2066b\u2069", "A\u061Cb", "A\u00ADb", "\uFDD0", "A\U000E0041"}) {
        EXPECT_TRUE(text::problem(bad, Kind::kName)) << bad;
    }
    EXPECT_EQ(*text::problem("A\u202Eb", Kind::kName),
              "must not contain invisible or bidirectional-control characters");
    // Letters, marks and emoji of every script stay welcome.
    for (const char* good :
         {"Ελλάδα", "東京ヴェルディ", "Ñandú FC", "São Paulo", "🏆 Cup", "Köln", "Al-Ahly الأهلي"}) {
        EXPECT_FALSE(text::problem(good, Kind::kName)) << good;
    }
    EXPECT_EQ(text::utf8_length("Beşiktaş"), 8u);
}

http::Request json_request(std::string body) {
    http::Request r;
    r.method = "POST";
    r.path = "/x";
    r.headers["content-type"] = "application/json";
    r.body = std::move(body);
    return r;
}

http::Problem problem_of(const http::Request& r) {
    try {
        (void)http::parse_json_body(r, {});
    } catch (const http::Problem& p) {
        return p;
    }
    return http::Problem(200, "accepted");
}

TEST(TextPolicy, BodiesRefuseControlCharactersAnywhere) {
    const auto nul = problem_of(json_request(R"({"email":"someone@example.org\u0000","p":"x"})"));
    EXPECT_EQ(nul.status(), 422);
    ASSERT_EQ(nul.errors().size(), 1u);
    EXPECT_EQ(nul.errors()[0].field, "email");
    EXPECT_EQ(problem_of(json_request(R"({"a":{"b":["ok","\u001b"]}})")).status(), 422);
    EXPECT_EQ(problem_of(json_request(R"({"a\u0000":1})")).status(), 422);
    EXPECT_EQ(problem_of(json_request(R"({"a":"\u0085"})")).status(), 422);
    EXPECT_EQ(problem_of(json_request(R"({"reason":"two\nlines\tand a tab"})")).status(), 200);
}

TEST(TextPolicy, BodiesRefuseNumbersOutOfRange) {
    for (const std::string& n : {std::string("1e400"), std::string("-1e400"), std::string(400, '9'),
                                 "-" + std::string(400, '9')}) {
        EXPECT_EQ(problem_of(json_request("{\"n\":" + n + "}")).status(), 422) << n;
    }
    EXPECT_EQ(problem_of(json_request(R"({"n":1e300,"m":18446744073709551615})")).status(), 200);
}

TEST(TextPolicy, FieldReaderAppliesTheKind) {
    auto doc = nlohmann::json::parse(R"({"a":"x\ny","b":"x\ny","c":"A\u202eB"})");
    http::FieldReader f(doc);
    EXPECT_FALSE(f.string("a", true, 1, 10));
    EXPECT_EQ(f.string("b", true, 1, 10, Kind::kMultiLine), "x\ny");
    EXPECT_FALSE(f.string("c", true, 1, 10, Kind::kName));
    try {
        f.finish();
        FAIL() << "expected a 422";
    } catch (const http::Problem& p) {
        EXPECT_EQ(p.status(), 422);
        ASSERT_EQ(p.errors().size(), 2u);
        EXPECT_EQ(p.errors()[0].field, "a");
        EXPECT_EQ(p.errors()[1].field, "c");
    }
}

int query_status(const std::string& query, const std::string& name) {
    http::Request r;
    r.query = query;
    try {
        (void)r.query_param(name);
        return 200;
    } catch (const http::Problem& p) {
        return p.status();
    }
}

TEST(TextPolicy, QueryParametersAreCheckedOnRead) {
    EXPECT_EQ(query_status("q=%FF", "q"), 400);
    EXPECT_EQ(query_status("q=%C0%AF", "q"), 400);
    EXPECT_EQ(query_status("q=a%00b", "q"), 400);
    EXPECT_EQ(query_status("q=a%0Ab", "q"), 400);
    EXPECT_EQ(query_status("q=%G1", "q"), 400);
    EXPECT_EQ(query_status("q=%", "q"), 400);
    EXPECT_EQ(query_status("q=%FF&sport=football", "sport"), 200);  // only what is read
    EXPECT_EQ(query_status("q=Be%C5%9Fikta%C5%9F+FC", "q"), 200);
    http::Request r;
    r.query = "q=Be%C5%9Fikta%C5%9F+FC";
    EXPECT_EQ(r.query_param("q"), "Beşiktaş FC");
}

}  // namespace
