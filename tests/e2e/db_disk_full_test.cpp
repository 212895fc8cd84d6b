// A disk that really fills up, through the whole stack (nginx, scoreline-api,
// PostgreSQL): the events table lives in a tablespace on a 1 MiB tmpfs, the
// test fills that filesystem with a file, and creating an event makes
// PostgreSQL fail to extend the table with its own disk_full (53100). The API
// answers 503 problem+json with Retry-After and changes nothing, /readyz
// reports disk_full from every worker, and once space is free again the same
// request succeeds.
//
// Mounting a tmpfs needs a mount namespace of our own: as root a plain one;
// as any other user a user namespace that maps the user to itself, so the
// harness still runs PostgreSQL as that user. main() enters it before gtest
// starts any thread (unshare(CLONE_NEWUSER) refuses a threaded process). The
// processes the harness starts inherit it; nothing outside sees the mount.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "db/connection.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "stack.hpp"

namespace {

using nlohmann::json;

void write_proc(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
}

// A private mount namespace for this process and its children.
void enter_private_mount_namespace() {
    if (::geteuid() == 0) {
        if (::unshare(CLONE_NEWNS) != 0) {
            throw std::runtime_error(std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno));
        }
    } else {
        const uid_t uid = ::geteuid();
        const gid_t gid = ::getegid();
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
            throw std::runtime_error(
                std::string("unshare(CLONE_NEWUSER|CLONE_NEWNS): ") + std::strerror(errno) +
                " (unprivileged user namespaces are needed to run this test as a non-root user)");
        }
        write_proc("/proc/self/setgroups", "deny");
        write_proc("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1");
        write_proc("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1");
    }
    // Mounts made from here on stay in this namespace.
    if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        throw std::runtime_error(std::string("mount --make-rprivate /: ") + std::strerror(errno));
    }
}

// The owner PostgreSQL's files need: the harness's unprivileged user as root,
// otherwise ourselves.
std::pair<uid_t, gid_t> postgres_owner() {
    if (auto user = harness::unprivileged_user()) {
        struct passwd* pw = ::getpwnam(user->c_str());
        if (!pw) {
            throw std::runtime_error("no such user: " + *user);
        }
        return {pw->pw_uid, pw->pw_gid};
    }
    return {::geteuid(), ::getegid()};
}

// A 1 MiB tmpfs mounted on a fresh directory, unmounted on destruction.
class SmallFilesystem {
  public:
    SmallFilesystem() : dir_("tablespace") {
        const auto [uid, gid] = postgres_owner();
        const std::string options =
            "size=1m,mode=0700,uid=" + std::to_string(uid) + ",gid=" + std::to_string(gid);
        if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) !=
            0) {
            throw std::runtime_error("mount tmpfs on " + dir_.path() + ": " + std::strerror(errno));
        }
    }
    SmallFilesystem(const SmallFilesystem&) = delete;
    SmallFilesystem& operator=(const SmallFilesystem&) = delete;
    ~SmallFilesystem() { ::umount2(dir_.path().c_str(), MNT_DETACH); }

    [[nodiscard]] const std::string& path() const noexcept { return dir_.path(); }

    // Writes a file until the filesystem has no block left; returns its size.
    long fill(const std::string& name) const {
        const std::string file = dir_.path() + "/" + name;
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) {
            throw std::runtime_error("open " + file + ": " + std::strerror(errno));
        }
        const std::string chunk(4096, 'x');
        long written = 0;
        // 1 MiB in 4 KiB pages: at most 256 writes succeed.
        for (int i = 0; i < 1024; ++i) {
            const ssize_t n = ::write(fd, chunk.data(), chunk.size());
            if (n <= 0) {
                break;
            }
            written += n;
        }
        const int saved = errno;
        ::close(fd);
        if (saved != ENOSPC) {
            throw std::runtime_error("filling " + file +
                                     " stopped without ENOSPC: " + std::strerror(saved));
        }
        return written;
    }

  private:
    harness::TempDir dir_;
};

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
    SmallFilesystem small;
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

    ASSERT_EQ(::unlink((small.path() + "/filler").c_str()), 0);
    auto created = call(stack, "POST", "/api/v1/events", event_fields("Room Cup"), token);
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(side.exec(kCount).get<long>(0, 0), 1);
    EXPECT_GT(side.exec(kSize).get<long>(0, 0), 0);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        enter_private_mount_namespace();
    } catch (const std::exception& e) {
        std::cerr << "db_disk_full_e2e_test: " << e.what() << "\n";
        return 1;
    }
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
