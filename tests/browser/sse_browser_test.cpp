// Browser test of live updates (issue 6): the whole stack (nginx, scoreline-api,
// scoreline-sse, PostgreSQL) and Debian's Chromium, driven by playwright-core
// (tests/browser/eventsource.mjs; `make test` runs npm install here). The page
// opens an EventSource on an event's stream; once it is open, an outbox row
// is committed, and the browser must report that message's id, event and data.
// Issue 12, reliability 2: with PostgreSQL stopped and scoreline-sse killed
// and restarted, the EventSource's reconnect gets 200 (a non-200 would end it
// for good) and the change committed once PostgreSQL is back arrives.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sse_fixture.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;

const std::string kBrowserDir = harness::source_dir() + "/tests/browser";

// Chromium's EventSource on `path` (tests/browser/eventsource.mjs), until it
// has `messages` messages; its stdout and stderr go to files in the stack's folder.
struct BrowserStream {
    BrowserStream(harness::Stack& stack, const std::string& path, int messages)
        : out(stack.dir() + "/browser.out"),
          err(stack.dir() + "/browser.err"),
          node({"/usr/bin/env", "node", kBrowserDir + "/eventsource.mjs"},
               harness::SpawnOptions{{{"BASE_URL", stack.https_url("")},
                                      {"STREAM_PATH", path},
                                      {"MESSAGES", std::to_string(messages)},
                                      {"TIMEOUT_MS", "90000"},
                                      {"HOME", stack.dir()}},
                                     std::nullopt,
                                     out,
                                     err}) {}
    [[nodiscard]] std::string stdout_text() const { return harness::read_file(out); }
    [[nodiscard]] std::string stderr_text() const { return harness::read_file(err); }
    [[nodiscard]] std::size_t opens() const {
        std::size_t n = 0;
        const std::string text = stdout_text();
        for (auto at = text.find("open\n"); at != std::string::npos;
             at = text.find("open\n", at + 1)) {
            ++n;
        }
        return n;
    }
    // The "message {json}" lines so far, parsed.
    [[nodiscard]] std::vector<nlohmann::json> messages() const {
        std::vector<nlohmann::json> out_messages;
        const std::string text = stdout_text();
        for (auto at = text.find("message "); at != std::string::npos;
             at = text.find("message ", at + 1)) {
            out_messages.push_back(
                nlohmann::json::parse(text.substr(at + 8, text.find('\n', at) - at - 8)));
        }
        return out_messages;
    }
    std::string out;
    std::string err;
    harness::Process node;
};

bool browser_ready(std::string& why) {
    if (!std::filesystem::exists(kBrowserDir + "/node_modules/playwright-core")) {
        why =
            "playwright-core is not installed: run `npm install --prefix tests/browser` "
            "(make test does it)";
    } else if (!std::filesystem::exists("/usr/bin/chromium")) {
        why = "Chromium is missing: scripts/install-deps.sh installs the Debian package";
    }
    return why.empty();
}

TEST(SseBrowser, ChromiumEventSourceReceivesALiveUpdate) {
    std::string why;
    ASSERT_TRUE(browser_ready(why)) << why;
    harness::StackOptions o;
    o.sse_processes = 1;
    o.sse_env = {{"SCORELINE_SSE_POLL_INTERVAL_MS", "200"}};
    harness::Stack stack(o);
    ssetest::Writer writer(stack.database_url());
    const auto event = writer.make_event();

    BrowserStream browser(stack, "/api/v1/events/" + std::to_string(event) + "/stream", 1);
    ASSERT_TRUE(
        harness::wait_until([&] { return browser.opens() >= 1 || !browser.node.running(); }, 60s))
        << browser.stderr_text();
    ASSERT_EQ(browser.opens(), 1u) << "the EventSource did not open:\n" << browser.stderr_text();

    const nlohmann::json payload = {{"event_id", event}, {"game", {{"id", 5}, {"home_score", 1}}}};
    const auto id =
        writer.insert("event:" + std::to_string(event), "score.updated", payload.dump());
    const auto status = browser.node.wait(45s);
    ASSERT_TRUE(status.has_value()) << "the browser script did not finish";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << browser.stderr_text();
    const auto messages = browser.messages();
    ASSERT_EQ(messages.size(), 1u) << browser.stdout_text() << browser.stderr_text();
    const auto& message = messages[0];
    EXPECT_EQ(message["id"], std::to_string(id));
    EXPECT_EQ(message["event"], "score.updated");
    EXPECT_EQ(nlohmann::json::parse(message["data"].get<std::string>()), payload);
}

TEST(SseBrowser, AnEventSourceReconnectingDuringADatabaseOutageGets200AndTheChanges) {
    std::string why;
    ASSERT_TRUE(browser_ready(why)) << why;
    harness::StackOptions o;
    o.sse_processes = 1;
    // Long enough for the kill and restart below to finish before the browser
    // retries: nginx's 502 for a process that is down would end the EventSource.
    o.sse_env = {{"SCORELINE_SSE_POLL_INTERVAL_MS", "200"}, {"SCORELINE_SSE_RETRY_MS", "4000"}};
    harness::Stack stack(o);
    auto writer = std::make_unique<ssetest::Writer>(stack.database_url());
    const auto event = writer->make_event();
    const std::string topic = "event:" + std::to_string(event);

    BrowserStream browser(stack, "/api/v1/events/" + std::to_string(event) + "/stream", 2);
    ASSERT_TRUE(
        harness::wait_until([&] { return browser.opens() >= 1 || !browser.node.running(); }, 60s))
        << browser.stderr_text();
    ASSERT_EQ(browser.opens(), 1u) << browser.stderr_text();
    const auto before = writer->insert(topic, "score.updated", R"({"note":"before"})");
    ASSERT_TRUE(harness::wait_until([&] { return browser.messages().size() >= 1; }, 20s))
        << browser.stderr_text();

    // The outage: PostgreSQL stops, then scoreline-sse dies and comes back
    // without ever having seen the event; the browser reconnects to it.
    writer.reset();
    stack.postgres().stop();
    stack.sse(0).signal(SIGKILL);
    (void)stack.sse(0).wait(5s);
    stack.start_sse(0);
    ASSERT_TRUE(
        harness::wait_until([&] { return browser.opens() >= 2 || !browser.node.running(); }, 30s))
        << browser.stderr_text() << stack.sse_log(0);
    ASSERT_EQ(browser.opens(), 2u) << browser.stderr_text() << stack.sse_log(0);
    ASSERT_TRUE(browser.node.running()) << browser.stderr_text();

    stack.postgres().start();
    writer = std::make_unique<ssetest::Writer>(stack.database_url());
    const auto after = writer->insert(topic, "score.updated", R"({"note":"after"})");
    const auto status = browser.node.wait(60s);
    ASSERT_TRUE(status.has_value()) << "the browser script did not finish" << stack.sse_log(0);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << browser.stderr_text();
    const auto messages = browser.messages();
    ASSERT_EQ(messages.size(), 2u) << browser.stdout_text();
    EXPECT_EQ(messages[0]["id"], std::to_string(before));
    EXPECT_EQ(messages[1]["id"], std::to_string(after));
    EXPECT_EQ(nlohmann::json::parse(messages[1]["data"].get<std::string>())["note"], "after");
}

}  // namespace
