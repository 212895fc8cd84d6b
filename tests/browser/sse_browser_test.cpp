// Browser test of live updates (issue 6): the whole stack (nginx, scoreline-api,
// scoreline-sse, PostgreSQL) and Debian's Chromium, driven by playwright-core
// (tests/browser/eventsource.mjs; `make test` runs npm install here). The page
// opens an EventSource on an event's stream; once it is open, an outbox row
// is committed, and the browser must report that message's id, event and data.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sse_fixture.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;

const std::string kBrowserDir = harness::source_dir() + "/tests/browser";

TEST(SseBrowser, ChromiumEventSourceReceivesALiveUpdate) {
    ASSERT_TRUE(std::filesystem::exists(kBrowserDir + "/node_modules/playwright-core"))
        << "playwright-core is not installed: run `npm install --prefix tests/browser` "
           "(make test does it)";
    ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
        << "Chromium is missing: scripts/install-deps.sh installs the Debian package";
    harness::StackOptions o;
    o.sse_processes = 1;
    o.sse_env = {{"SCORELINE_SSE_POLL_INTERVAL_MS", "200"}};
    harness::Stack stack(o);
    ssetest::Writer writer(stack.database_url());
    const auto event = writer.make_event();

    const std::string out = stack.dir() + "/browser.out";
    const std::string err = stack.dir() + "/browser.err";
    harness::Process node(
        {"/usr/bin/env", "node", kBrowserDir + "/eventsource.mjs"},
        harness::SpawnOptions{
            {{"BASE_URL", stack.https_url("")},
             {"STREAM_PATH", "/api/v1/events/" + std::to_string(event) + "/stream"},
             {"TIMEOUT_MS", "30000"},
             {"HOME", stack.dir()}},
            std::nullopt,
            out,
            err});
    ASSERT_TRUE(harness::wait_until(
        [&] {
            return harness::read_file(out).find("open\n") != std::string::npos || !node.running();
        },
        60s))
        << harness::read_file(err);
    ASSERT_NE(harness::read_file(out).find("open\n"), std::string::npos)
        << "the EventSource did not open:\n"
        << harness::read_file(err);

    const nlohmann::json payload = {{"event_id", event}, {"game", {{"id", 5}, {"home_score", 1}}}};
    const auto id =
        writer.insert("event:" + std::to_string(event), "score.updated", payload.dump());
    const auto status = node.wait(45s);
    ASSERT_TRUE(status.has_value()) << "the browser script did not finish";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << harness::read_file(err);
    const std::string text = harness::read_file(out);
    const auto at = text.find("message ");
    ASSERT_NE(at, std::string::npos) << text << harness::read_file(err);
    const auto message = nlohmann::json::parse(text.substr(at + 8, text.find('\n', at) - at - 8));
    EXPECT_EQ(message["id"], std::to_string(id));
    EXPECT_EQ(message["event"], "score.updated");
    EXPECT_EQ(nlohmann::json::parse(message["data"].get<std::string>()), payload);
}

}  // namespace
