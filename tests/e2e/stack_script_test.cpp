// scripts/stack.sh, the local stack of `make run`, after its scoreline-api
// master dies (issue 12, reliability finding 6): `status` says the master is
// dead and exits non-zero, and `run` starts scoreline-api again without
// touching PostgreSQL, scoreline-sse or nginx, after which /readyz answers
// 200. Also with a worker that outlived its master (stopped, so it keeps the
// old socket and /readyz hangs): `status` names it and `run` stops it. And
// `restart-api` (bench/'s PgBouncer group, issue 18): a new scoreline-api on
// API_DATABASE_URL, the other parts untouched.
// The stack runs from this build's binaries in a temp STACK_DIR on free ports;
// as root, stack.sh runs its services as the user `scoreline`.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "process.hpp"
#include "sign_up.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;

// True while process pid exists and is not a zombie (as root, the killed
// master is not our child: nobody here reaps it).
bool alive(pid_t pid) {
    const std::string stat = harness::read_file("/proc/" + std::to_string(pid) + "/stat");
    const auto paren = stat.rfind(") ");
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

// Live children of pid (the workers of a scoreline-api master).
std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const std::string stat = harness::read_file(entry.path().string() + "/stat");
        const auto paren = stat.rfind(") ");
        if (paren == std::string::npos) {
            continue;
        }
        // After ") ": state, then the parent's pid.
        const auto space = stat.find(' ', paren + 2);
        if (space != std::string::npos && std::atoi(stat.c_str() + space + 1) == parent) {
            const pid_t pid = std::stoi(name);
            if (alive(pid)) {
                out.push_back(pid);
            }
        }
    }
    return out;
}

pid_t pid_in(const std::string& pidfile) {
    return static_cast<pid_t>(std::atoi(harness::read_file(pidfile).c_str()));
}

class StackScriptTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string src = harness::source_dir();
        if (::geteuid() == 0 &&
            harness::run_process({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                  "--", "test", "-x", src + "/migrations", "-a", "-x",
                                  harness::binary_dir() + "/workers/scoreline-api"})
                    .exit_code != 0) {
            GTEST_SKIP() << "as root, stack.sh runs the services as 'scoreline', which cannot "
                            "read this checkout or build ("
                         << src << "); see docs/local-stack.md";
        }
        std::filesystem::permissions(dir_.path(), std::filesystem::perms(0755));
        const std::string bin = harness::binary_dir();
        // free_port() binds port 0 and closes it: two calls in a row may give
        // the same port, which stack.sh refuses.
        std::vector<int> ports;
        for (int tries = 0; ports.size() < 4 && tries < 100; ++tries) {
            const int port = harness::free_port();
            if (std::find(ports.begin(), ports.end(), port) == ports.end()) {
                ports.push_back(port);
            }
        }
        ASSERT_EQ(ports.size(), 4u);
        env_ = {{"STACK_DIR", run_dir()},
                {"HTTPS_PORT", std::to_string(ports[0])},
                {"HTTP_PORT", std::to_string(ports[1])},
                {"PG_PORT", std::to_string(ports[2])},
                {"SSE_METRICS_PORT", std::to_string(ports[3])},
                {"SSE_PROCESSES", "1"},
                {"SSE_TARGET_STREAMS", "100"},
                {"NO_BUILD", "1"},
                {"DEMO", "0"},
                {"READY_TIMEOUT", "60"},
                {"SCORELINE_WORKERS", "2"},
                {"API_BIN", bin + "/workers/scoreline-api"},
                {"MIGRATE_BIN", bin + "/migrations/scoreline-migrate"},
                {"SSE_BIN", bin + "/sse/scoreline-sse"}};
        started_ = true;
    }
    void TearDown() override {
        if (started_) {
            harness::RunResult r = stack("stop");
            EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        }
    }

    [[nodiscard]] std::string run_dir() const { return dir_.path() + "/run"; }
    harness::RunResult stack(const std::string& command, const harness::Env& extra = {}) {
        harness::Env env = env_;
        for (const auto& [key, value] : extra) {
            env[key] = value;
        }
        return harness::run_process({harness::source_dir() + "/scripts/stack.sh", command}, env,
                                    3min);
    }
    void run_and_expect_ready() {
        const harness::RunResult r = stack("run");
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
        const std::string url = "https://127.0.0.1:" + env_.at("HTTPS_PORT") + "/";
        EXPECT_NE(r.out.find(url), std::string::npos) << r.out;
        harness::HttpClient client(run_dir() + "/tls/cert.pem");
        EXPECT_EQ(client.get(url + "readyz").status, 200);
    }
    // Pids of the parts that must survive a restart of scoreline-api.
    [[nodiscard]] std::vector<pid_t> other_pids() const {
        return {pid_in(run_dir() + "/pg/data/postmaster.pid"), pid_in(run_dir() + "/sse-0.pid"),
                pid_in(run_dir() + "/nginx/nginx.pid")};
    }
    // SIGKILLs the master and its workers except `spared`, and waits until
    // they are gone.
    void kill_api(const std::vector<pid_t>& spared = {}) {
        const pid_t master = pid_in(run_dir() + "/api.pid");
        ASSERT_GT(master, 1);
        std::vector<pid_t> victims = {master};
        for (pid_t w : children_of(master)) {
            if (std::find(spared.begin(), spared.end(), w) == spared.end()) {
                victims.push_back(w);
            }
        }
        ASSERT_GE(victims.size(), 2u) << "no worker found under master " << master;
        for (pid_t p : victims) {
            ::kill(p, SIGKILL);
        }
        ASSERT_TRUE(harness::wait_until(
            [&] { return std::none_of(victims.begin(), victims.end(), alive); }, 10s));
    }

    harness::TempDir dir_{"stack-script"};
    harness::Env env_;
    bool started_ = false;
};

// The local mail sink: a password-reset mail, with the web UI's link, lands
// in logs/mail.log (mode 0600) and its token in no other log.
TEST_F(StackScriptTest, ResetMailLandsInTheMailLog) {
    run_and_expect_ready();
    harness::HttpClient client(run_dir() + "/tls/cert.pem");
    const std::string base = "https://127.0.0.1:" + env_.at("HTTPS_PORT");
    const std::vector<std::string> json_type = {"Content-Type: application/json"};
    const std::string email = "mail-sink@example.org";
    const auto reg =
        client.request("POST", base + "/api/v1/auth/register",
                       R"({"email":")" + email + R"(","password":")" + harness::strong_password() +
                           R"(","display_name":"Mail Sink"})",
                       json_type);
    ASSERT_EQ(reg.status, 201) << reg.body;
    const auto reset = client.request("POST", base + "/api/v1/auth/password-reset",
                                      R"({"email":")" + email + R"("})", json_type);
    ASSERT_EQ(reset.status, 202) << reset.body;
    const std::string mail_log = run_dir() + "/logs/mail.log";
    ASSERT_TRUE(std::filesystem::exists(mail_log)) << "no " << mail_log;
    const std::string mails = harness::read_file(mail_log);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        mails, m, std::regex("\n    /password-reset/confirm\\?token=([A-Za-z0-9_-]{43})\n")))
        << mails;
    EXPECT_NE(mails.find("To: " + email + "\n"), std::string::npos) << mails;
    EXPECT_EQ(std::filesystem::status(mail_log).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const std::string token = m[1];
    for (const char* log : {"/logs/api.log", "/nginx/logs/access.log", "/nginx/logs/error.log"}) {
        EXPECT_EQ(harness::read_file(run_dir() + log).find(token), std::string::npos) << log;
    }
}

TEST_F(StackScriptTest, StatusReportsADeadMasterAndRunRestartsIt) {
    run_and_expect_ready();
    harness::RunResult status = stack("status");
    ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
    const std::vector<pid_t> others = other_pids();
    const pid_t first_master = pid_in(run_dir() + "/api.pid");

    kill_api();
    status = stack("status");
    EXPECT_NE(status.exit_code, 0) << status.out;
    EXPECT_NE(status.out.find("scoreline-api  down  DEAD: the master (pid " +
                              std::to_string(first_master)),
              std::string::npos)
        << status.out;
    EXPECT_NE(status.out.find("'make run' starts it again"), std::string::npos) << status.out;
    EXPECT_FALSE(std::regex_search(status.out, std::regex("/readyz +200"))) << status.out;
    EXPECT_EQ(status.err, "");

    run_and_expect_ready();
    EXPECT_NE(pid_in(run_dir() + "/api.pid"), first_master);
    EXPECT_EQ(other_pids(), others) << "run restarted a part that was up";
    status = stack("status");
    EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
    EXPECT_NE(status.out.find("scoreline-api  up"), std::string::npos) << status.out;
}

TEST_F(StackScriptTest, RunStopsWorkersThatOutlivedTheirMaster) {
    run_and_expect_ready();
    const std::vector<pid_t> others = other_pids();
    const pid_t master = pid_in(run_dir() + "/api.pid");
    const std::vector<pid_t> workers = children_of(master);
    ASSERT_FALSE(workers.empty());
    // A stopped worker cannot act on the SIGTERM its master's death sends it:
    // it keeps the old socket open and nginx's connections to it hang.
    const pid_t straggler = workers.front();
    ASSERT_EQ(::kill(straggler, SIGSTOP), 0);
    kill_api({straggler});

    harness::RunResult status = stack("status");
    EXPECT_NE(status.exit_code, 0) << status.out;
    EXPECT_NE(status.out.find("DEAD"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("its workers still run without a master: pids " +
                              std::to_string(straggler)),
              std::string::npos)
        << status.out;

    run_and_expect_ready();
    EXPECT_TRUE(harness::wait_until([&] { return !alive(straggler); }, 5s))
        << "run left the old worker " << straggler << " running";
    EXPECT_EQ(other_pids(), others);
}

// restart-api: scoreline-api alone is restarted on API_DATABASE_URL (a port
// where no PostgreSQL listens: /readyz stays 503 and restart-api fails after
// READY_TIMEOUT), then again without it, on the stack's own database.
TEST_F(StackScriptTest, RestartApiUsesApiDatabaseUrlAndLeavesTheRest) {
    run_and_expect_ready();
    const std::vector<pid_t> others = other_pids();
    const pid_t first_master = pid_in(run_dir() + "/api.pid");
    int closed_port = harness::free_port();
    for (int tries = 0; tries < 100 && std::to_string(closed_port) == env_.at("PG_PORT"); ++tries) {
        closed_port = harness::free_port();
    }
    const std::string nowhere = "postgresql://scoreline@127.0.0.1:" + std::to_string(closed_port) +
                                "/scoreline?connect_timeout=2";

    harness::RunResult r =
        stack("restart-api", {{"API_DATABASE_URL", nowhere}, {"READY_TIMEOUT", "3"}});
    EXPECT_NE(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("last answer: 503"), std::string::npos) << r.out << r.err;
    const pid_t second_master = pid_in(run_dir() + "/api.pid");
    EXPECT_NE(second_master, first_master);

    r = stack("restart-api");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(pid_in(run_dir() + "/api.pid"), second_master);
    harness::HttpClient client(run_dir() + "/tls/cert.pem");
    EXPECT_EQ(client.get("https://127.0.0.1:" + env_.at("HTTPS_PORT") + "/readyz").status, 200);
    EXPECT_EQ(other_pids(), others) << "restart-api restarted another part";
}

}  // namespace
