// Browser tests of the web UI (issue 17): one harness::Stack (nginx, two
// scoreline-api workers, one scoreline-sse, PostgreSQL) for the suite, and one
// gtest per scenario script tests/browser/ui/NAME.mjs, which drives Debian's
// Chromium through playwright-core (tests/browser/ui/lib.mjs: a CSP violation
// or a console error fails it; axe-core in light and dark mode; screenshots
// into SCREENSHOT_DIR, `make screenshots` sets docs/screenshots/).
// A script asks this side for what it cannot do itself with a line
// "control COMMAND" on stdout (stop-sse, start-sse) and waits for the file
// CONTROL_DIR/COMMAND.done.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "http_client.hpp"
#include "sign_up.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;

const std::string kBrowserDir = harness::source_dir() + "/tests/browser";

class UiBrowserTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        harness::StackOptions o;
        o.sse_processes = 1;
        o.sse_env = {{"SCORELINE_SSE_POLL_INTERVAL_MS", "100"},
                     {"SCORELINE_SSE_HEARTBEAT_MS", "2000"}};
        stack_ = new harness::Stack(o);
        // An admin for the admin pages: registered through the API, then
        // given the role in its users row (read on every request).
        harness::HttpClient http(stack_->cert_file());
        const auto admin = harness::sign_up(http, *stack_, "ui-admin@example.org", "Ada Admin");
        admin_email_ = admin.email;
        admin_password_ = admin.password;
        (void)stack_->postgres().psql(
            "scoreline", "UPDATE users SET role = 'admin' WHERE id = " + std::to_string(admin.id));
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }

    // Runs tests/browser/ui/NAME.mjs to its end (at most `limit`), answering
    // its control lines; fails with its stderr unless it exits 0.
    static void run(const std::string& name, std::chrono::seconds limit = 120s) {
        std::string why;
        if (!std::filesystem::exists(kBrowserDir + "/node_modules/playwright-core") ||
            !std::filesystem::exists(kBrowserDir + "/node_modules/axe-core")) {
            FAIL() << "playwright-core or axe-core is missing: run `make browser-deps`";
        }
        if (!std::filesystem::exists("/usr/bin/chromium")) {
            FAIL() << "Chromium is missing: scripts/install-deps.sh installs the Debian package";
        }
        const std::string dir = stack_->dir() + "/ui-" + name;
        const std::string control = dir + "/control";
        std::filesystem::create_directories(control);
        const char* shots = std::getenv("SCREENSHOT_DIR");
        const std::string screenshot_dir =
            shots != nullptr && *shots != '\0' ? shots : harness::binary_dir() + "/screenshots";
        std::filesystem::create_directories(screenshot_dir);
        const std::string out = dir + "/stdout";
        const std::string err = dir + "/stderr";
        const auto started = std::chrono::steady_clock::now();
        harness::Process node(
            {"/usr/bin/env", "node", kBrowserDir + "/ui/" + name + ".mjs"},
            harness::SpawnOptions{{{"BASE_URL", stack_->https_url("")},
                                   {"SCREENSHOT_DIR", screenshot_dir},
                                   {"CONTROL_DIR", control},
                                   {"ADMIN_EMAIL", admin_email_},
                                   {"ADMIN_PASSWORD", admin_password_},
                                   {"TIMEOUT_MS", std::to_string((limit - 10s).count() * 1000)},
                                   {"HOME", dir}},
                                  std::nullopt,
                                  out,
                                  err});
        std::set<std::string> done;
        std::optional<int> status;
        while (!(status = node.wait(100ms)).has_value()) {
            if (std::chrono::steady_clock::now() - started > limit) {
                node.signal(SIGKILL);
                (void)node.wait(5s);
                FAIL() << name << ".mjs ran past " << limit.count() << " s\n"
                       << harness::read_file(err);
            }
            const std::string text = harness::read_file(out);
            for (auto at = text.find("control "); at != std::string::npos;
                 at = text.find("control ", at + 1)) {
                const auto end = text.find('\n', at);
                if (end == std::string::npos) {
                    break;
                }
                const std::string command = text.substr(at + 8, end - at - 8);
                if (done.insert(command).second) {
                    ASSERT_NO_FATAL_FAILURE(obey(command));
                    harness::write_file(control + "/" + command + ".done", "");
                }
            }
        }
        const auto seconds = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started)
                                 .count() /
                             1000.0;
        std::cout << name << ".mjs: " << seconds << " s\n";
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
            << name << ".mjs failed:\n"
            << harness::read_file(err) << harness::read_file(out);
    }

    static void obey(const std::string& command) {
        if (command == "stop-sse") {
            stack_->sse(0).signal(SIGKILL);
            ASSERT_TRUE(stack_->sse(0).wait(5s).has_value());
        } else if (command == "start-sse") {
            stack_->start_sse(0);
        } else {
            FAIL() << "unknown control command: " << command;
        }
    }

    static harness::Stack* stack_;
    static std::string admin_email_;
    static std::string admin_password_;
};

harness::Stack* UiBrowserTest::stack_ = nullptr;
std::string UiBrowserTest::admin_email_;
std::string UiBrowserTest::admin_password_;

// The API docs viewer under the CSP.
TEST_F(UiBrowserTest, ApiDocs) {
    run("api_docs");
}
// register → log in → create event → teams → schedule → scores → standings →
// correction → history, all in the browser.
TEST_F(UiBrowserTest, SeedFlow) {
    run("seed_flow", 180s);
}
// A scorekeeper's score on a fan's event page within a second, no reload.
TEST_F(UiBrowserTest, LiveScoreReachesAFan) {
    run("live");
}
// Two scorekeepers on one game: the stale save shows the 412 message.
TEST_F(UiBrowserTest, ConflictShowsTheCurrentScore) {
    run("conflict");
}
// scoreline-sse restarted under a fan's page: no update missed.
TEST_F(UiBrowserTest, ReconnectsAfterSseRestart) {
    run("reconnect");
}
// 390 px wide: fan pages and score entry by touch, no sideways scroll.
TEST_F(UiBrowserTest, PhoneWidth) {
    run("phone");
}
// Log in and enter a score with the keyboard only.
TEST_F(UiBrowserTest, KeyboardOnlyScoreEntry) {
    run("keyboard");
}
// Audit log with display names, alerts with a status change.
TEST_F(UiBrowserTest, AdminPages) {
    run("admin");
}
// axe (light and dark) and screenshots of every page.
TEST_F(UiBrowserTest, EveryPageAxeAndScreenshots) {
    run("pages", 240s);
}

}  // namespace
