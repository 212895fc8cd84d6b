// Per-user, per-route-class limits of scoreline-api (issue 5), end to end
// through nginx: token buckets in the master's shared memory, keyed by the
// signed-in user or else the client address, 429 problem+json with
// Retry-After, checked before the handler runs. The stack runs 4 workers with
// low read and write limits; nginx's own limits are far above them, and every
// 429 checked here carries scoreline-api's detail text, not nginx's.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "stack.hpp"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kReadBurst = 5;
constexpr double kReadPerSecond = 5;
constexpr int kWriteBurst = 3;

size_t on_body(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
    std::string line(data, size * n);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        value.erase(value.find_last_not_of("\r\n ") + 1);
        static_cast<harness::HttpResponse*>(out)->headers.emplace(name, value);
    }
    return size * n;
}

class RateLimitTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        stack_ = new harness::Stack(
            harness::StackOptions::with(4, {{"SCORELINE_RATE_LIMIT_READ", "5/s burst 5"},
                                            {"SCORELINE_RATE_LIMIT_WRITE", "1/m burst 3"},
                                            // Accounts are made from 127.0.0.1 in quick succession.
                                            {"SCORELINE_RATE_LIMIT_AUTH", "1000/s burst 1000"}}));
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }

    // One request through nginx over TLS from `source_ip` (any 127.0.0.0/8
    // address; nginx passes it as REMOTE_ADDR).
    static harness::HttpResponse send(const std::string& method, const std::string& path,
                                      const std::string& token = {}, const std::string& body = {},
                                      const std::string& source_ip = "127.0.0.1") {
        CURL* c = curl_easy_init();
        harness::HttpResponse resp;
        const std::string url = stack_->https_url(path);
        const std::string iface = "host!" + source_ip;
        const std::string cert = stack_->cert_file();
        curl_easy_setopt(c, CURLOPT_URL, url.c_str());
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
        curl_easy_setopt(c, CURLOPT_INTERFACE, iface.c_str());
        if (method != "GET") {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        }
        curl_slist* list = nullptr;
        if (!body.empty()) {
            list = curl_slist_append(list, "Content-Type: application/json");
        }
        const std::string auth = "Authorization: Bearer " + token;
        if (!token.empty()) {
            list = curl_slist_append(list, auth.c_str());
        }
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
        curl_easy_setopt(c, CURLOPT_CAINFO, cert.c_str());
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp);
        const CURLcode rc = curl_easy_perform(c);
        if (rc == CURLE_OK) {
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
        } else {
            resp.error = curl_easy_strerror(rc);
        }
        curl_slist_free_all(list);
        curl_easy_cleanup(c);
        return resp;
    }

    struct User {
        std::int64_t id = 0;
        std::string token;
    };

    static User new_user(const std::string& tag) {
        static std::atomic<int> next{1};
        std::random_device rd;
        const std::string email = tag + "-" + std::to_string(next++) + "-" +
                                  std::to_string(rd() % 1000000) + "@example.org";
        // 20 random letters and digits around fixed punctuation: strong for any policy.
        static const char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        std::string password = "Rl-";
        for (int i = 0; i < 20; ++i) {
            password += kAlphabet[rd() % (sizeof kAlphabet - 1)];
        }
        password += "!7";
        auto reg =
            send("POST", "/api/v1/auth/register", {},
                 json{{"email", email}, {"password", password}, {"display_name", tag}}.dump());
        EXPECT_EQ(reg.status, 201) << reg.body;
        auto login = send("POST", "/api/v1/auth/login", {},
                          json{{"email", email}, {"password", password}}.dump());
        EXPECT_EQ(login.status, 200) << login.body;
        User u;
        if (login.status == 200) {
            const auto body = json::parse(login.body);
            u.id = body["user"]["id"].get<std::int64_t>();
            u.token = body["access_token"].get<std::string>();
        }
        return u;
    }

    // A 429 of scoreline-api's per-user limit: problem+json with status 429,
    // the request id, and Retry-After in whole seconds, at least 1.
    static void expect_rate_limited(const harness::HttpResponse& r, long max_retry_after) {
        ASSERT_EQ(r.status, 429) << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
        const auto body = json::parse(r.body, nullptr, false);
        ASSERT_TRUE(body.is_object()) << r.body;
        EXPECT_EQ(body["status"], 429);
        EXPECT_EQ(body["title"], "Too Many Requests");
        EXPECT_TRUE(body["request_id"].is_string() &&
                    !body["request_id"].get<std::string>().empty());
        // scoreline-api's own answer, not nginx's limit_req.
        EXPECT_NE(body["detail"].get<std::string>().find("requests; retry after"),
                  std::string::npos)
            << r.body;
        const std::string retry = r.header("retry-after");
        ASSERT_FALSE(retry.empty());
        ASSERT_TRUE(std::all_of(retry.begin(), retry.end(), ::isdigit)) << retry;
        EXPECT_GE(std::stol(retry), 1);
        EXPECT_LE(std::stol(retry), max_retry_after);
    }

    static std::string sql(const std::string& statement) {
        std::string out = stack_->postgres().psql("scoreline", statement);
        while (!out.empty() && out.back() == '\n') {
            out.pop_back();
        }
        return out;
    }

    static harness::Stack* stack_;
};

harness::Stack* RateLimitTest::stack_ = nullptr;

TEST_F(RateLimitTest, OneUserOverItsLimitDoesNotSlowAnother) {
    const User a = new_user("hammer");
    const User b = new_user("bystander");
    ASSERT_FALSE(a.token.empty());
    ASSERT_FALSE(b.token.empty());

    std::atomic<bool> stop{false};
    std::atomic<int> a_ok{0}, a_limited{0}, a_other{0};
    std::mutex mu;
    harness::HttpResponse a_sample_429;
    std::vector<std::thread> hammers;
    const auto started = Clock::now();
    for (int t = 0; t < 3; ++t) {
        hammers.emplace_back([&] {
            while (!stop) {
                auto r = send("GET", "/api/v1/me", a.token);
                if (r.status == 200) {
                    ++a_ok;
                } else if (r.status == 429) {
                    if (a_limited++ == 0) {
                        std::lock_guard lock(mu);
                        a_sample_429 = r;
                    }
                } else {
                    ++a_other;
                }
            }
        });
    }
    // B stays under the refill rate (one request every 250 ms against 5/s).
    std::vector<long> b_status;
    std::chrono::milliseconds b_max{0};
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // A is past its burst
    for (int i = 0; i < 12; ++i) {
        const auto t0 = Clock::now();
        auto r = send("GET", "/api/v1/me", b.token);
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
        b_status.push_back(r.status);
        b_max = std::max(b_max, took);
        EXPECT_EQ(r.status, 200) << r.body;
        std::this_thread::sleep_for(std::chrono::milliseconds(250) -
                                    std::min(took, std::chrono::milliseconds(250)));
    }
    stop = true;
    for (auto& t : hammers) {
        t.join();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

    EXPECT_EQ(a_other.load(), 0);
    EXPECT_GT(a_limited.load(), 0);
    // A got its burst plus the refill over the run, and no more (+1 for the
    // token that may refill while the last request is in flight).
    EXPECT_LE(a_ok.load(), kReadBurst + static_cast<int>(kReadPerSecond * seconds) + 1)
        << "A: " << a_ok << " ok, " << a_limited << " limited in " << seconds << " s";
    {
        std::lock_guard lock(mu);
        expect_rate_limited(a_sample_429, 1);  // 5 tokens a second: back within 1 s
    }
    EXPECT_LT(b_max.count(), 1000) << "B's slowest request took " << b_max.count() << " ms";
    std::cout << "A: " << a_ok << " ok, " << a_limited << " limited in " << seconds
              << " s; B's slowest: " << b_max.count() << " ms\n";
}

TEST_F(RateLimitTest, TheBucketIsSharedByEveryWorker) {
    // 12 requests at once, spread over 4 workers. Per-worker buckets would let
    // up to 4 x 5 = 20 through; the one shared bucket lets the burst and its
    // refill through, the rest gets 429.
    const User c = new_user("spread");
    ASSERT_FALSE(c.token.empty());
    constexpr int kThreads = 6;
    constexpr int kEach = 2;
    std::atomic<int> ok{0}, limited{0}, other{0};
    std::mutex ids_mu;
    std::vector<std::string> ids;
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    const auto t0 = Clock::now();
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            ++ready;
            while (ready < kThreads) {
                std::this_thread::yield();
            }
            for (int i = 0; i < kEach; ++i) {
                const auto r = send("GET", "/api/v1/events?limit=1", c.token);
                (r.status == 200 ? ok : r.status == 429 ? limited : other)++;
                std::lock_guard lock(ids_mu);
                ids.push_back(r.header("x-request-id"));
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    EXPECT_EQ(other.load(), 0);
    EXPECT_GE(limited.load(), 1);
    EXPECT_LE(ok.load(), kReadBurst + static_cast<int>(kReadPerSecond * seconds) + 1)
        << ok << " ok, " << limited << " limited in " << seconds << " s";
    std::cout << ok << " ok, " << limited << " limited in " << seconds << " s\n";
    // The requests really were spread: more than one worker logged them.
    std::set<std::string> pids;
    std::istringstream lines(stack_->api_log());
    for (std::string line; std::getline(lines, line);) {
        if (line.find("\"event\":\"request\"") == std::string::npos) {
            continue;
        }
        std::lock_guard lock(ids_mu);
        for (const auto& id : ids) {
            if (line.find("\"request_id\":\"" + id + "\"") != std::string::npos) {
                const auto at = line.find("\"pid\":");
                pids.insert(line.substr(at, line.find(',', at) - at));
            }
        }
    }
    EXPECT_GE(pids.size(), 2u) << "every request went to one worker";
}

TEST_F(RateLimitTest, AnonymousCallersAreKeyedByAddress) {
    const std::string addr = "127.0.3.7";
    // Every URL differs, so no cache in front (nginx's micro-cache of
    // anonymous public reads) answers in scoreline-api's place.
    int n = 0;
    const auto url = [&n] { return "/api/v1/events?limit=" + std::to_string(++n); };
    int ok = 0;
    harness::HttpResponse refused;
    for (int i = 0; i < 4 * kReadBurst && refused.status == 0; ++i) {
        auto r = send("GET", url(), {}, {}, addr);
        if (r.status == 429) {
            refused = r;
        } else {
            EXPECT_EQ(r.status, 200) << r.body;
            ++ok;
        }
    }
    expect_rate_limited(refused, 1);
    EXPECT_GE(ok, kReadBurst);
    // A token that does not verify counts as the address: these draw from the
    // same empty bucket (at most a token or two refills meanwhile), and what
    // gets through fails authentication.
    int bad_token_limited = 0;
    for (int i = 0; i < 5; ++i) {
        const auto r = send("GET", url(), "not.a.token", {}, addr);
        EXPECT_TRUE(r.status == 429 || r.status == 401) << r.status << " " << r.body;
        bad_token_limited += r.status == 429 ? 1 : 0;
    }
    EXPECT_GE(bad_token_limited, 3);
    // Another address, and a signed-in user at the same address, each have
    // their own bucket.
    EXPECT_EQ(send("GET", url(), {}, {}, "127.0.3.8").status, 200);
    const User u = new_user("same-address");
    EXPECT_EQ(send("GET", url(), u.token, {}, addr).status, 200);
    // Ops routes are never limited.
    for (int i = 0; i < 2 * kReadBurst; ++i) {
        EXPECT_EQ(send("GET", "/healthz", {}, {}, addr).status, 200);
    }
}

TEST_F(RateLimitTest, RefusedWriteChangesNothing) {
    const User d = new_user("writer");
    ASSERT_FALSE(d.token.empty());
    const std::string tag = "rl-" + std::to_string(d.id);
    const auto event = [&](int n) {
        return json{{"name", tag + "-" + std::to_string(n)},
                    {"sport", "football"},
                    {"format", "round_robin"},
                    {"starts_on", "2026-06-01"}}
            .dump();
    };
    for (int n = 1; n <= kWriteBurst; ++n) {
        auto r = send("POST", "/api/v1/events", d.token, event(n));
        EXPECT_EQ(r.status, 201) << r.body;
    }
    const std::string counts =
        "SELECT (SELECT count(*) FROM events) || ',' || (SELECT count(*) FROM outbox) || ',' || "
        "(SELECT count(*) FROM event_members) || ',' || (SELECT count(*) FROM audit_log)";
    const std::string before = sql(counts);
    auto refused = send("POST", "/api/v1/events", d.token, event(kWriteBurst + 1));
    expect_rate_limited(refused, 60);  // 1 token a minute
    // Checked before the body is parsed: a malformed body gets 429, not 400.
    expect_rate_limited(send("POST", "/api/v1/events", d.token, "{not json"), 60);
    EXPECT_EQ(sql("SELECT count(*) FROM events WHERE name LIKE '" + tag + "-%'"),
              std::to_string(kWriteBurst));
    EXPECT_EQ(sql(counts), before);
    // Reads of the same user are another class, still allowed.
    EXPECT_EQ(send("GET", "/api/v1/me", d.token).status, 200);
}

}  // namespace
