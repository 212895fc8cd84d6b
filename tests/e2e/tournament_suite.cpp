// The tournament suite's shared stack, client and helpers; see tournament_suite.hpp.
#include "tournament_suite.hpp"

#include <atomic>

#include "sign_up.hpp"

namespace tourtest {
namespace {

harness::Stack* g_stack = nullptr;
std::atomic<int> g_next{1};

class TournamentEnvironment : public ::testing::Environment {
  public:
    void SetUp() override { g_stack = new harness::Stack(harness::StackOptions::with(3)); }
    void TearDown() override {
        delete g_stack;
        g_stack = nullptr;
    }
};

[[maybe_unused]] ::testing::Environment* const g_env =
    ::testing::AddGlobalTestEnvironment(new TournamentEnvironment);

}  // namespace

harness::Stack& stack() {
    return *g_stack;
}

Reply call(const std::string& method, const std::string& path, const json& body,
           const std::string& token, const std::vector<std::string>& headers) {
    thread_local harness::HttpClient client(g_stack->cert_file());
    std::vector<std::string> all = headers;
    if (!body.is_null()) {
        all.push_back("Content-Type: application/json");
    }
    if (!token.empty()) {
        all.push_back("Authorization: Bearer " + token);
    }
    Reply r;
    r.raw =
        client.request(method, g_stack->https_url(path), body.is_null() ? "" : body.dump(), all);
    r.status = r.raw.status;
    r.body = json::parse(r.raw.body, nullptr, false);
    if (r.body.is_discarded()) {
        r.body = nullptr;
    }
    return r;
}

User new_user(const std::string& tag) {
    User u;
    u.email = tag + "-" + std::to_string(g_next++) + "@example.org";
    thread_local harness::HttpClient client(g_stack->cert_file());
    const harness::SignedUp account = harness::sign_up(client, *g_stack, u.email, "Player " + tag);
    u.id = account.id;
    u.token = account.access_token;
    return u;
}

User new_admin(const std::string& tag) {
    User u;
    u.email = tag + "-" + std::to_string(g_next++) + "@example.org";
    const std::string pw = harness::strong_password();
    // printf is a shell builtin: the password never appears in an argv.
    harness::Env env = g_stack->api_env();
    env["ADMIN_STDIN"] = pw;
    auto r = harness::run_process({"/bin/sh", "-c", "printf '%s\\n' \"$ADMIN_STDIN\" | \"$@\"",
                                   "sh", harness::binary_dir() + "/workers/scoreline-api", "admin",
                                   "create", "--email", u.email, "--display-name", "Admin " + tag},
                                  env);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    auto login = call("POST", "/api/v1/auth/login", {{"email", u.email}, {"password", pw}});
    EXPECT_EQ(login.status, 200) << login.raw.body;
    if (login.status == 200) {
        u.id = login.body["user"]["id"].get<std::int64_t>();
        u.token = login.body["access_token"].get<std::string>();
        EXPECT_EQ(login.body["user"]["role"], "admin");
    }
    return u;
}

std::string sql(const std::string& statement) {
    std::string out = g_stack->postgres().psql("scoreline", statement);
    while (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

json expect_problem(const Reply& r, long status) {
    EXPECT_EQ(r.status, status) << r.raw.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.raw.body;
    EXPECT_TRUE(r.body.is_object()) << r.raw.body;
    if (r.body.is_object()) {
        EXPECT_EQ(r.body["status"], status);
        EXPECT_EQ(r.body["request_id"], r.header("x-request-id"));
    }
    return r.body;
}

json create_event(const User& u, json fields) {
    auto r = call("POST", "/api/v1/events", fields, u.token);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return r.body;
}

json add_team(const User& u, std::int64_t event_id, const std::string& name,
              std::optional<int> seed) {
    json body = {{"name", name}};
    if (seed) {
        body["seed"] = *seed;
    }
    auto r = call("POST", "/api/v1/events/" + std::to_string(event_id) + "/teams", body, u.token);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return r.body;
}

json schedule(const User& u, std::int64_t event_id, json fields) {
    auto r =
        call("POST", "/api/v1/events/" + std::to_string(event_id) + "/schedule", fields, u.token);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return r.body;
}

json get_game(std::int64_t game_id, const std::string& token) {
    auto r = call("GET", "/api/v1/games/" + std::to_string(game_id), nullptr, token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.body;
}

Reply put_score(const User& u, std::int64_t game_id, int home, int away, const std::string& status,
                std::optional<std::int64_t> version) {
    const std::int64_t v =
        version ? *version : get_game(game_id, u.token)["version"].get<std::int64_t>();
    return call("PUT", "/api/v1/games/" + std::to_string(game_id) + "/score",
                {{"home_score", home}, {"away_score", away}, {"status", status}}, u.token,
                {"If-Match: \"" + std::to_string(v) + "\""});
}

std::vector<json> all_pages(const std::string& path, const std::string& token) {
    std::vector<json> items;
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
        const char sep = path.find('?') == std::string::npos ? '?' : '&';
        auto r =
            call("GET", cursor.empty() ? path : path + sep + "cursor=" + cursor, nullptr, token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
        if (r.status != 200) {
            break;
        }
        for (auto& item : r.body["items"]) {
            items.push_back(item);
        }
        if (r.body["next_cursor"].is_null()) {
            break;
        }
        cursor = r.body["next_cursor"].get<std::string>();
    }
    return items;
}

}  // namespace tourtest
