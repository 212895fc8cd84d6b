// Every metric an alert rule or a Grafana dashboard names is exported by the
// running stack (issue 14). tests/observability/metric_names.py lists the
// metric families of ansible/roles/monitoring/files/{rules,dashboards}/ with
// the job that must export them (the names other exporters provide are in
// tests/observability/external-metrics.txt and left out). The test starts
// PostgreSQL, scoreline-api, one scoreline-sse and nginx, plays a little of
// everything the metrics count (a registration, logins that succeed, fail and
// get throttled, an event with a game scored live then final and corrected,
// a stream that receives the change and closes, a refused stream, a 500,
// workers recycled after SCORELINE_MAX_REQUESTS, failed statements of class
// 23), then fetches /metrics through nginx and scoreline-sse's ops /metrics
// and checks that each name has at least one sample line in its job's.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "http_client.hpp"
#include "sign_up.hpp"
#include "sse_client.hpp"
#include "stack.hpp"

namespace {

using nlohmann::json;

// Failed logins come from here, so the throttle never meets the other logins.
constexpr const char* kAttackerAddress = "127.0.0.77";

struct Reply {
    long status = 0;
    json body;
    std::string raw;
};

class ObservabilityNamesTest : public ::testing::Test {
  protected:
    ObservabilityNamesTest()
        : cert_dir_("obs-cert"), stack_(options(cert_dir_.path())), client_(stack_.cert_file()) {}

    // A certificate of its own for SCORELINE_TLS_CERTIFICATE (made before
    // the stack starts), workers recycled every ~20 requests, and a login
    // throttle that answers 429 from the second failure on.
    static harness::StackOptions options(const std::string& cert_dir) {
        const harness::RunResult cert =
            harness::run_process({harness::source_dir() + "/scripts/make-cert.sh", cert_dir});
        if (cert.exit_code != 0) {
            throw std::runtime_error("make-cert.sh failed: " + cert.err);
        }
        harness::StackOptions o =
            harness::StackOptions::with(2, {{"SCORELINE_TLS_CERTIFICATE", cert_dir + "/cert.pem"},
                                            {"SCORELINE_MAX_REQUESTS", "20"},
                                            {"SCORELINE_LOGIN_MAX_FAILURES", "1"}});
        o.sse_processes = 1;
        return o;
    }

    Reply call(const std::string& method, const std::string& path, const json& body = nullptr,
               const std::string& token = {}, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> headers = extra;
        if (!body.is_null()) {
            headers.emplace_back("Content-Type: application/json");
        }
        if (!token.empty()) {
            headers.push_back("Authorization: Bearer " + token);
        }
        const harness::HttpResponse r = client_.request(method, stack_.https_url(path),
                                                        body.is_null() ? "" : body.dump(), headers);
        Reply out{r.status, json::parse(r.body, nullptr, false), r.body};
        return out;
    }

    // An admin made with `scoreline-api admin create`, signed in; its token.
    std::string admin_token() {
        const std::string email = "obs-admin@example.org";
        const std::string password = harness::strong_password();
        harness::Env env = stack_.api_env();
        env["ADMIN_STDIN"] = password;
        const harness::RunResult r =
            harness::run_process({"/bin/sh", "-c", "printf '%s\\n' \"$ADMIN_STDIN\" | \"$@\"", "sh",
                                  harness::binary_dir() + "/workers/scoreline-api", "admin",
                                  "create", "--email", email, "--display-name", "Obs Admin"},
                                 env);
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        const Reply login =
            call("POST", "/api/v1/auth/login", {{"email", email}, {"password", password}});
        EXPECT_EQ(login.status, 200) << login.raw;
        return login.status == 200 ? login.body["access_token"].get<std::string>() : "";
    }

    harness::TempDir cert_dir_;
    harness::Stack stack_;
    harness::HttpClient client_;
};

// The metric name of an exposition line ("" for comments and blank lines).
std::string sample_name(const std::string& line) {
    if (line.empty() || line[0] == '#') {
        return {};
    }
    const auto end = line.find_first_of("{ ");
    return line.substr(0, end);
}

std::set<std::string> sample_names(const std::string& exposition) {
    std::set<std::string> names;
    std::istringstream in(exposition);
    std::string line;
    while (std::getline(in, line)) {
        if (auto name = sample_name(line); !name.empty()) {
            names.insert(name);
        }
    }
    return names;
}

// A family is exported when a sample carries its name, or a histogram's
// _bucket/_sum/_count of it.
bool exported(const std::set<std::string>& samples, const std::string& family) {
    for (const char* suffix : {"", "_bucket", "_sum", "_count"}) {
        if (samples.count(family + suffix) != 0) {
            return true;
        }
    }
    return false;
}

TEST_F(ObservabilityNamesTest, EveryMetricOfTheRulesAndDashboardsIsExported) {
    // Accounts: a registration and a login (sign_up), the same email again
    // (a unique violation: a failed statement of class 23).
    const harness::SignedUp organizer =
        harness::sign_up(client_, stack_, "obs-organizer@example.org", "Obs Organizer");
    ASSERT_FALSE(organizer.access_token.empty());
    const Reply again = call("POST", "/api/v1/auth/register",
                             {{"email", "obs-organizer@example.org"},
                              {"password", harness::strong_password()},
                              {"display_name", "Again"}});
    EXPECT_EQ(again.status, 409) << again.raw;

    // An event with two teams (and a duplicate name: class 23 again), one
    // game, published so that anyone may stream it.
    const Reply event = call("POST", "/api/v1/events",
                             {{"name", "Observability Cup"},
                              {"sport", "football"},
                              {"format", "round_robin"},
                              {"starts_on", "2024-04-01"},
                              {"time_zone", "UTC"}},
                             organizer.access_token);
    ASSERT_EQ(event.status, 201) << event.raw;
    const std::string base = "/api/v1/events/" + std::to_string(event.body["id"].get<long>());
    for (const char* team : {"North", "South"}) {
        const Reply t = call("POST", base + "/teams", {{"name", team}}, organizer.access_token);
        ASSERT_EQ(t.status, 201) << t.raw;
    }
    const Reply duplicate =
        call("POST", base + "/teams", {{"name", "North"}}, organizer.access_token);
    EXPECT_EQ(duplicate.status, 409) << duplicate.raw;
    const Reply sched = call("POST", base + "/schedule",
                             {{"first_game_at", "2024-04-06T14:00:00Z"}}, organizer.access_token);
    ASSERT_EQ(sched.status, 201) << sched.raw;
    ASSERT_EQ(sched.body["games"].size(), 1u) << sched.raw;
    const std::string game =
        "/api/v1/games/" + std::to_string(sched.body["games"][0]["id"].get<long>());
    const Reply publish = call("PATCH", base, {{"status", "scheduled"}}, organizer.access_token);
    ASSERT_EQ(publish.status, 200) << publish.raw;

    // A stream of the event through nginx receives the score changes.
    harness::SseClientOptions stream_options;
    stream_options.url = stack_.https_url(base + "/stream");
    stream_options.ca_file = stack_.cert_file();
    harness::SseClient stream(stream_options);
    ASSERT_EQ(stream.wait_status(), 200);

    // Live, then final (scores recorded, a game finished, standings, outbox),
    // then an admin's correction.
    long version = sched.body["games"][0]["version"].get<long>();
    for (const auto& [home, away, status] : {std::tuple{0, 0, "live"}, std::tuple{2, 1, "final"}}) {
        const Reply s =
            call("PUT", game + "/score",
                 {{"home_score", home}, {"away_score", away}, {"status", status}},
                 organizer.access_token, {"If-Match: \"" + std::to_string(version) + "\""});
        ASSERT_EQ(s.status, 200) << s.raw;
        version = s.body["version"].get<long>();
    }
    EXPECT_TRUE(stream.wait_events(2, std::chrono::seconds(10)));
    const Reply fix =
        call("POST", game + "/corrections",
             {{"home_score", 1}, {"away_score", 1}, {"reason", "scorer's error"}}, admin_token());
    EXPECT_EQ(fix.status, 200) << fix.raw;
    stream.stop();

    // A stream of no event: refused by scoreline-sse.
    EXPECT_EQ(client_
                  .request("GET", stack_.https_url("/api/v1/events/999999999/stream"), {}, {},
                           std::chrono::seconds(5))
                  .status,
              404);

    // A 500 from the test-only route, then enough requests that every worker
    // reaches SCORELINE_MAX_REQUESTS and is replaced.
    EXPECT_EQ(call("GET", "/api/v1/_test/fail").status, 500);
    for (int i = 0; i < 60; ++i) {
        EXPECT_EQ(call("GET", "/api/v1/version").status, 200);
    }

    // Wrong passwords from another address: a failure, then throttled.
    harness::HttpClient attacker(stack_.cert_file());
    attacker.set_source_address(kAttackerAddress);
    std::set<long> refusals;
    for (int i = 0; i < 3; ++i) {
        refusals.insert(attacker
                            .request("POST", stack_.https_url("/api/v1/auth/login"),
                                     json{{"email", "obs-organizer@example.org"},
                                          {"password", "not-the-password-1!"}}
                                         .dump(),
                                     {"Content-Type: application/json"})
                            .status);
    }
    EXPECT_EQ(refusals, (std::set<long>{401, 429}));

    // The master notices the recycled workers within its supervision tick.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));

    const harness::HttpResponse api_metrics = client_.get(stack_.https_url("/metrics"));
    // A failed fetch counts as an empty exposition, so the names are still listed.
    EXPECT_EQ(api_metrics.status, 200) << api_metrics.body;
    harness::HttpClient plain;
    const harness::HttpResponse sse_metrics =
        plain.get("http://127.0.0.1:" + std::to_string(stack_.sse_ops_port(0)) + "/metrics");
    EXPECT_EQ(sse_metrics.status, 200) << sse_metrics.body;
    const std::set<std::string> api_samples =
        sample_names(api_metrics.status == 200 ? api_metrics.body : "");
    const std::set<std::string> sse_samples =
        sample_names(sse_metrics.status == 200 ? sse_metrics.body : "");

    const harness::RunResult names = harness::run_process(
        {"python3", harness::source_dir() + "/tests/observability/metric_names.py", "--root",
         harness::source_dir()});
    ASSERT_EQ(names.exit_code, 0) << names.err;
    std::istringstream lines(names.out);
    std::string family;
    std::string job;
    int checked = 0;
    std::string missing;
    while (lines >> family >> job) {
        ++checked;
        ASSERT_TRUE(job == "scoreline-api" || job == "scoreline-sse") << family << " " << job;
        const bool ok = exported(job == "scoreline-api" ? api_samples : sse_samples, family);
        EXPECT_TRUE(ok) << family << " has no sample in the /metrics of job " << job;
        if (!ok) {
            missing += " " + family + "(" + job + ")";
        }
    }
    EXPECT_GE(checked, 40) << names.out;
    EXPECT_TRUE(missing.empty()) << "missing:" << missing;
}

}  // namespace
