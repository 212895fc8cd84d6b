// JSON body limits and field validation: 415, 413, 400, 422.
#include "http/json_body.hpp"

#include <gtest/gtest.h>

namespace {

http::Request json_request(std::string body, std::string ct = "application/json") {
    http::Request r;
    r.method = "POST";
    r.path = "/x";
    r.headers["content-type"] = std::move(ct);
    r.body = std::move(body);
    return r;
}

int status_of(const http::Request& r, const http::BodyLimits& limits = {}) {
    try {
        (void)http::parse_json_body(r, limits);
        return 200;
    } catch (const http::Problem& p) {
        return p.status();
    }
}

TEST(JsonBody, ContentTypeMustBeJson) {
    EXPECT_EQ(status_of(json_request("{}", "text/plain")), 415);
    EXPECT_EQ(status_of(json_request("{}", "application/json; charset=utf-8")), 200);
    EXPECT_EQ(status_of(json_request("{}", "Application/JSON")), 200);
    http::Request none = json_request("{}");
    none.headers.clear();
    EXPECT_EQ(status_of(none), 415);
}

TEST(JsonBody, MalformedAndNonObject) {
    EXPECT_EQ(status_of(json_request("{\"a\":")), 400);
    EXPECT_EQ(status_of(json_request("")), 400);
    EXPECT_EQ(status_of(json_request("[1,2]")), 422);
    EXPECT_EQ(status_of(json_request("\"\xff\xfe\"")), 400);  // invalid UTF-8
}

TEST(JsonBody, Limits) {
    http::BodyLimits limits;
    limits.max_bytes = 10;
    EXPECT_EQ(status_of(json_request("{\"aaaaaaaaaa\":1}"), limits), 413);
    limits = {};
    limits.max_depth = 3;
    EXPECT_EQ(status_of(json_request("{\"a\":{\"b\":{\"c\":1}}}"), limits), 200);
    EXPECT_EQ(status_of(json_request("{\"a\":{\"b\":{\"c\":{\"d\":1}}}}"), limits), 400);
    limits = {};
    limits.max_string = 4;
    EXPECT_EQ(status_of(json_request("{\"a\":\"abcde\"}"), limits), 400);
}

TEST(JsonBody, FieldReaderCollectsErrorsAndUnknownFields) {
    auto doc = nlohmann::json::parse(R"({"name":"x","age":"old","extra":true})");
    http::FieldReader f(doc);
    auto name = f.string("name", true, 1, 80);
    auto age = f.integer("age", true, 0, 150);
    auto email = f.string("email", true, 3, 320);
    EXPECT_EQ(name, "x");
    EXPECT_FALSE(age);
    EXPECT_FALSE(email);
    try {
        f.finish();
        FAIL();
    } catch (const http::Problem& p) {
        EXPECT_EQ(p.status(), 422);
        std::set<std::string> fields;
        for (const auto& e : p.errors()) {
            fields.insert(e.field);
        }
        EXPECT_EQ(fields, (std::set<std::string>{"age", "email", "extra"}));
    }
}

TEST(JsonBody, IntegerRange) {
    auto doc = nlohmann::json::parse(R"({"n":18446744073709551615,"m":5})");
    http::FieldReader f(doc);
    EXPECT_FALSE(f.integer("n", true, 0, 100));
    EXPECT_EQ(f.integer("m", true, 0, 100), 5);
    EXPECT_THROW(f.finish(), http::Problem);
}

}  // namespace
