// The pool's scoreboard (slots, states, text fields, exited CPU) in one
// process, and the listen-queue reader on sockets made here with connections
// pending in their accept queues.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "observability/listen_queue.hpp"
#include "observability/scoreboard.hpp"

namespace {

using api::obs::WorkerState;

TEST(PoolScoreboard, SlotFollowsAWorkerFromForkToReap) {
    api::obs::Scoreboard board(2, 1);
    const int slot = board.claim();
    ASSERT_EQ(slot, 0);
    EXPECT_TRUE(board.read().workers.empty()) << "no pid yet: not shown";
    board.set_pid(slot, 4242);
    EXPECT_EQ(board.read().workers.at(0).state, WorkerState::kStarting);
    board.worker_ready(slot);
    EXPECT_EQ(board.read().count(WorkerState::kIdle), 1);

    EXPECT_TRUE(board.begin_request(slot, "GET", "req-1")) << "the only worker is busy";
    board.set_route(slot, "/api/v1/events/{id}");
    auto view = board.read();
    ASSERT_EQ(view.workers.size(), 1u);
    EXPECT_EQ(view.workers[0].state, WorkerState::kBusy);
    EXPECT_EQ(view.workers[0].method, "GET");
    EXPECT_EQ(view.workers[0].route, "/api/v1/events/{id}");
    EXPECT_EQ(view.workers[0].request_id, "req-1");
    EXPECT_EQ(view.max_active, 1u);
    board.end_request(slot);
    view = board.read();
    EXPECT_EQ(view.workers[0].state, WorkerState::kIdle);
    EXPECT_EQ(view.workers[0].requests, 1u);
    EXPECT_EQ(view.workers[0].route, "/api/v1/events/{id}") << "the last request stays";

    // A second worker (a SIGHUP replacement): one busy of two is not "all busy".
    const int other = board.claim();
    ASSERT_EQ(other, 1);
    board.set_pid(other, 4243);
    board.worker_ready(other);
    EXPECT_FALSE(board.begin_request(other, "POST", "req-2"));
    EXPECT_EQ(board.claim(), -1) << "two slots only";

    const std::uint32_t before = board.reap_generation();
    board.release(slot, 1.25);
    EXPECT_EQ(board.reap_generation(), before + 2);
    view = board.read();
    ASSERT_EQ(view.workers.size(), 1u);
    EXPECT_EQ(view.workers[0].pid, 4243);
    EXPECT_DOUBLE_EQ(view.exited_cpu_seconds, 1.25);
    const int again = board.claim();
    EXPECT_EQ(again, 0) << "a released slot is reused";
    board.set_pid(again, 4244);
    const auto fresh = board.read().workers.at(0);
    EXPECT_EQ(fresh.pid, 4244);
    EXPECT_EQ(fresh.requests, 0u);
    EXPECT_EQ(fresh.route, "") << "nothing of the previous worker";
}

TEST(PoolScoreboard, LongTextIsCutNotOverflowed) {
    api::obs::Scoreboard board(1, 1);
    const int slot = board.claim();
    board.set_pid(slot, 1);
    (void)board.begin_request(slot, "GET", std::string(500, 'r'));
    board.set_route(slot, std::string(500, 'x'));
    const auto w = board.read().workers.at(0);
    EXPECT_EQ(w.request_id, std::string(63, 'r'));
    EXPECT_EQ(w.route, std::string(95, 'x'));
}

TEST(ListenQueue, UnixSocketReportsPendingConnectionsAndBacklog) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("lq-" + std::to_string(::getpid()))).string();
    ::unlink(path.c_str());
    const int l = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(l, 16), 0);
    auto q = api::obs::read_listen_queue(l);
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->queued, 0u);
    EXPECT_EQ(q->backlog, 16u);
    std::vector<int> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        ASSERT_EQ(::connect(clients.back(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    }
    q = api::obs::read_listen_queue(l);
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->queued, 3u);
    ::close(::accept(l, nullptr, nullptr));
    EXPECT_EQ(api::obs::read_listen_queue(l)->queued, 2u);
    for (int c : clients) {
        ::close(c);
    }
    ::close(l);
    ::unlink(path.c_str());
}

TEST(ListenQueue, TcpSocketReportsPendingConnectionsAndBacklog) {
    const int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(l, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    ASSERT_EQ(::listen(l, 8), 0);
    std::vector<int> clients;
    for (int i = 0; i < 2; ++i) {
        clients.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        ASSERT_EQ(::connect(clients.back(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    }
    const auto q = api::obs::read_listen_queue(l);
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->queued, 2u);
    EXPECT_EQ(q->backlog, 8u);
    for (int c : clients) {
        ::close(c);
    }
    ::close(l);
}

TEST(ListenQueue, NotAListeningSocketIsNoAnswer) {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    EXPECT_FALSE(api::obs::read_listen_queue(pair[0]).has_value());
    EXPECT_FALSE(api::obs::read_listen_queue(-1).has_value());
    ::close(pair[0]);
    ::close(pair[1]);
}

}  // namespace
