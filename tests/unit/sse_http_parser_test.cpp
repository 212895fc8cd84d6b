// sse::HttpRequestParser: well-formed heads in any split, and every rule and
// limit that turns a head into an error (with the status to answer).
#include <gtest/gtest.h>

#include "http_parser.hpp"

namespace {

using sse::HttpLimits;
using sse::HttpRequestParser;
using Status = HttpRequestParser::Status;

struct Outcome {
    Status status;
    int error_status;
    HttpRequestParser parser;
};

Outcome parse(const std::string& head, HttpLimits limits = {}) {
    HttpRequestParser p(limits);
    std::size_t used = 0;
    Status s = p.feed(head, used);
    return Outcome{s, p.error_status(), p};
}

TEST(SseHttpParser, ParsesAGetWithQueryAndHeaders) {
    const std::string head =
        "GET /api/v1/stream?topics=event:1,event:2&last_event_id=9 HTTP/1.1\r\n"
        "Host: scoreline_sse\r\n"
        "X-Request-ID: abc\r\n"
        "Last-Event-ID:  42 \r\n"
        "\r\n";
    HttpRequestParser p;
    std::size_t used = 0;
    ASSERT_EQ(p.feed(head + "trailing", used), Status::kComplete);
    EXPECT_EQ(used, head.size());
    const auto& r = p.request();
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.path, "/api/v1/stream");
    EXPECT_EQ(r.query, "topics=event:1,event:2&last_event_id=9");
    EXPECT_EQ(r.minor_version, 1);
    EXPECT_EQ(r.header("host"), "scoreline_sse");
    EXPECT_EQ(r.header("last-event-id"), "42");
    EXPECT_EQ(r.header("x-request-id"), "abc");
    EXPECT_FALSE(r.header("cookie"));
    // Further input changes nothing.
    EXPECT_EQ(p.feed("more", used), Status::kComplete);
    EXPECT_EQ(used, 0u);
}

TEST(SseHttpParser, AcceptsTheHeadOneByteAtATime) {
    const std::string head = "GET /a HTTP/1.0\r\nX: y\r\n\r\n";
    HttpRequestParser p;
    for (std::size_t i = 0; i < head.size(); ++i) {
        std::size_t used = 0;
        const Status s = p.feed(head.substr(i, 1), used);
        EXPECT_EQ(used, 1u);
        EXPECT_EQ(s, i + 1 == head.size() ? Status::kComplete : Status::kIncomplete) << i;
    }
    EXPECT_EQ(p.request().minor_version, 0);  // HTTP/1.0 needs no Host
}

TEST(SseHttpParser, RefusesMalformedHeadsWith400) {
    const char* bad[] = {
        "GET /a HTTP/1.1\nHost: x\r\n\r\n",        // bare LF
        "GET /a HTTP/1.1\r\nHost: x\r\n\n",        // bare LF at the end
        "GET /a HTTP/1.1\rHost: x\r\n\r\n",        // CR without LF
        "\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n",  // empty line first
        "GET  /a HTTP/1.1\r\nHost: x\r\n\r\n",     // two spaces
        "GET /a  HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a HTTP/1.1 \r\nHost: x\r\n\r\n",
        "GE(T /a HTTP/1.1\r\nHost: x\r\n\r\n",  // not a token
        "GET a HTTP/1.1\r\nHost: x\r\n\r\n",    // not origin-form
        "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET http://h/a HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a HTTP/1.x\r\nHost: x\r\n\r\n",
        "GET /a HTTPS/1.1\r\nHost: x\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost : x\r\n\r\n",             // space before colon
        "GET /a HTTP/1.1\r\nHost: x\r\n  folded\r\n\r\n",  // obs-fold
        "GET /a HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n",       // empty name
        "GET /a HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\nX: a\x7f\r\n\r\n",  // DEL in a value
        "GET /a HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n",
        "GET /a HTTP/1.1\r\n\r\n",                        // no Host
        "GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",  // two Hosts
        "GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",
    };
    for (const char* head : bad) {
        // sizeof-less: the NUL case is spelled with an explicit length below.
        auto o = parse(head);
        EXPECT_EQ(o.status, Status::kError) << head;
        EXPECT_EQ(o.error_status, 400) << head;
        EXPECT_FALSE(o.parser.error().empty());
    }
    const std::string with_nul("GET /a HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n", 36);
    EXPECT_EQ(parse(with_nul).error_status, 400);
}

TEST(SseHttpParser, EnforcesLimits) {
    HttpLimits limits;
    limits.max_head_bytes = 200;
    limits.max_line_bytes = 64;
    limits.max_headers = 3;
    EXPECT_EQ(parse("GET /" + std::string(70, 'a') + " HTTP/1.1\r\n", limits).error_status, 414);
    EXPECT_EQ(parse("GET /a HTTP/1.1\r\nX: " + std::string(70, 'a') + "\r\n", limits).error_status,
              431);
    EXPECT_EQ(
        parse("GET /a HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits).error_status,
        431);
    std::string big = "GET /a HTTP/1.1\r\n";
    while (big.size() < 210) {
        big += "A: 1\r\n";
    }
    limits.max_headers = 100;
    EXPECT_EQ(parse(big, limits).error_status, 431);
    EXPECT_EQ(parse("GET /a HTTP/2.0\r\nHost: x\r\n\r\n").error_status, 505);
    // Exactly at the limits is fine.
    limits.max_headers = 3;
    auto ok = parse("GET /a HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: " + std::string(61, 'b') + "\r\n\r\n",
                    limits);
    EXPECT_EQ(ok.status, Status::kComplete) << ok.parser.error();
}

TEST(SseHttpParser, ReadsContentLength) {
    auto o = parse("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n");
    ASSERT_EQ(o.status, Status::kComplete);
    EXPECT_EQ(o.parser.request().content_length, 12u);
}

}  // namespace
