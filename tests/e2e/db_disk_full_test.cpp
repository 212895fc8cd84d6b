// A disk that really fills up, through the whole stack (nginx, scoreline-api,
// PostgreSQL): the events table lives in a tablespace on a 1 MiB tmpfs, the
// test fills that filesystem with a file, and creating an event makes
// PostgreSQL fail to extend the table with its own disk_full (53100). The API
// answers 503 problem+json with Retry-After and changes nothing, /readyz
// reports disk_full from every worker, and once space is free again the same
// request succeeds.
//
// The tmpfs lives in a mount namespace of the test's own, entered in main()
// (tests/harness/small_filesystem.hpp).
#include <gtest/gtest.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "db/connection.hpp"
#include "http_client.hpp"
#include "small_filesystem.hpp"
#include "stack.hpp"

namespace {

using nlohmann::json;

harness::HttpResponse call(harness::Stack& stack, const std::string& method,
                           const std::string& path, const json& body = nullptr,
                           const std::string& token = {}) {
    harness::HttpClient client;
    std::vector<std::string> headers;
    if (!body.is_null()) {
        headers.emplace_back("Content-Type: application/json");
    }
    if (!token.empty()) {
        headers.push_back("Authorization: Bearer " + token);
    }
    return client.request(method, stack.https_url(path), body.is_null() ? "" : body.dump(),
                          headers);
}

json event_fields(const std::string& name) {
    return {{"name", name},
            {"sport", "football"},
            {"format", "round_robin"},
            {"starts_on", "2024-04-01"},
            {"time_zone", "Europe/London"}};
}

TEST(DbDiskFullTest, FullTablespaceIs503ChangesNothingAndReadyzReportsIt) {
    harness::SmallFilesystem small(1);
    harness::Stack stack(harness::StackOptions::with(3));

    const std::string email = "disk-full@example.org";
    const std::string password = "a long enough passphrase 91";
    ASSERT_EQ(call(stack, "POST", "/api/v1/auth/register",
                   {{"email", email}, {"password", password}, {"display_name", "Disk Full"}})
                  .status,
              201);
    auto login =
        call(stack, "POST", "/api/v1/auth/login", {{"email", email}, {"password", password}});
    ASSERT_EQ(login.status, 200) << login.body;
    const std::string token = json::parse(login.body)["access_token"].get<std::string>();

    auto side = db::Connection::open({stack.database_url(), "disk-full-test"});
    constexpr db::Statement kCount{"count_events", "SELECT count(*) FROM events"};
    constexpr db::Statement kSize{"events_size", "SELECT pg_relation_size('events')"};
    // An empty events table in the small tablespace: the first insert must
    // extend its file.
    (void)side.exec_script("CREATE TABLESPACE small LOCATION '" + small.path() + "'");
    (void)side.exec_script("ALTER TABLE events SET TABLESPACE small");
    ASSERT_EQ(side.exec(kCount).get<long>(0, 0), 0);
    ASSERT_EQ(side.exec(kSize).get<long>(0, 0), 0);

    ASSERT_EQ(call(stack, "GET", "/readyz").status, 200);
    const long filled = small.fill("filler");
    EXPECT_GT(filled, 0);

    auto refused = call(stack, "POST", "/api/v1/events", event_fields("Full Cup"), token);
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.header("content-type"), "application/problem+json");
    ASSERT_TRUE(refused.has_header("retry-after"));
    EXPECT_GE(std::stoi(refused.header("retry-after")), 1);
    const json problem = json::parse(refused.body, nullptr, false);
    ASSERT_TRUE(problem.is_object()) << refused.body;
    EXPECT_EQ(problem["status"], 503);
    // Never the server's text.
    EXPECT_EQ(refused.body.find("could not extend"), std::string::npos) << refused.body;
    EXPECT_EQ(side.exec(kCount).get<long>(0, 0), 0);

    // Whichever worker answers /readyz knows: ask more often than there are workers.
    for (int i = 0; i < 9; ++i) {
        auto r = call(stack, "GET", "/readyz");
        EXPECT_EQ(r.status, 503) << r.body;
        EXPECT_TRUE(r.has_header("retry-after"));
        const json body = json::parse(r.body, nullptr, false);
        EXPECT_EQ(body.value("database", ""), "disk_full") << r.body;
    }

    small.free("filler");
    auto created = call(stack, "POST", "/api/v1/events", event_fields("Room Cup"), token);
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(side.exec(kCount).get<long>(0, 0), 1);
    EXPECT_GT(side.exec(kSize).get<long>(0, 0), 0);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        harness::enter_private_mount_namespace();
    } catch (const std::exception& e) {
        std::cerr << "db_disk_full_e2e_test: " << e.what() << "\n";
        return 1;
    }
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
