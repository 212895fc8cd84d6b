// Database faults through the whole stack (nginx, scoreline-api, PostgreSQL):
// a PostgreSQL restart fails no request of the idle workers.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_client.hpp"
#include "stack.hpp"

namespace {

using nlohmann::json;

struct Account {
    std::string email;
    std::string token;
};

class DbFaultsTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        // Several workers, each with its own idle connection to go stale.
        stack_ = new harness::Stack(harness::StackOptions::with(4));
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }

    static harness::HttpResponse call(harness::HttpClient& client, const std::string& method,
                                      const std::string& path, const json& body = nullptr,
                                      const std::string& token = {}) {
        std::vector<std::string> headers;
        if (!body.is_null()) {
            headers.emplace_back("Content-Type: application/json");
        }
        if (!token.empty()) {
            headers.push_back("Authorization: Bearer " + token);
        }
        return client.request(method, stack_->https_url(path), body.is_null() ? "" : body.dump(),
                              headers);
    }

    // Registers and signs in a fresh account through the API.
    static Account new_account(const std::string& tag) {
        static int next = 0;
        harness::HttpClient client;
        Account a{tag + "-" + std::to_string(++next) + "@example.org", {}};
        const std::string pw = "a long enough passphrase 91";
        auto reg = call(client, "POST", "/api/v1/auth/register",
                        {{"email", a.email}, {"password", pw}, {"display_name", "Fault " + tag}});
        EXPECT_EQ(reg.status, 201) << reg.body;
        auto login =
            call(client, "POST", "/api/v1/auth/login", {{"email", a.email}, {"password", pw}});
        EXPECT_EQ(login.status, 200) << login.body;
        if (login.status == 200) {
            a.token = json::parse(login.body)["access_token"].get<std::string>();
        }
        return a;
    }

    static harness::Stack* stack_;
};
harness::Stack* DbFaultsTest::stack_ = nullptr;

TEST_F(DbFaultsTest, IdleWorkersFailNoRequestAfterPostgresRestart) {
    const Account a = new_account("restart");
    ASSERT_FALSE(a.token.empty());
    // Every worker connected at start; now the server goes away and comes
    // back while they are idle.
    stack_->postgres().restart();
    constexpr int kThreads = 8;
    constexpr int kPerThread = 5;
    std::atomic<int> ok{0};
    std::vector<std::string> failures[kThreads];
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            harness::HttpClient client;
            for (int i = 0; i < kPerThread; ++i) {
                // An authenticated read: never served from nginx's cache, and
                // its first statement runs outside a transaction.
                auto r = call(client, "GET", "/api/v1/me", nullptr, a.token);
                if (r.status == 200) {
                    ++ok;
                } else {
                    failures[t].push_back(std::to_string(r.status) + " " + r.body);
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(ok.load(), kThreads * kPerThread);
    for (const auto& f : failures) {
        for (const auto& line : f) {
            ADD_FAILURE() << line;
        }
    }
}

}  // namespace
