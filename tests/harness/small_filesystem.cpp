// See small_filesystem.hpp.
#include "small_filesystem.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <utility>

namespace harness {

namespace {

std::string errno_text(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

void write_proc(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    out.close();
    if (!out) {
        throw std::runtime_error(errno_text("cannot write " + path));
    }
}

// The owner PostgreSQL's files need: the harness's unprivileged user as
// root, otherwise ourselves.
std::pair<uid_t, gid_t> postgres_owner() {
    if (auto user = unprivileged_user()) {
        struct passwd* pw = ::getpwnam(user->c_str());
        if (!pw) {
            throw std::runtime_error("no such user: " + *user);
        }
        return {pw->pw_uid, pw->pw_gid};
    }
    return {::geteuid(), ::getegid()};
}

}  // namespace

void enter_private_mount_namespace() {
    if (::geteuid() == 0) {
        if (::unshare(CLONE_NEWNS) != 0) {
            throw std::runtime_error(errno_text("unshare(CLONE_NEWNS)"));
        }
    } else {
        const uid_t uid = ::geteuid();
        const gid_t gid = ::getegid();
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
            throw std::runtime_error(
                errno_text("unshare(CLONE_NEWUSER|CLONE_NEWNS)") +
                " (a non-root user needs unprivileged user namespaces for this test)");
        }
        write_proc("/proc/self/setgroups", "deny");
        write_proc("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1");
        write_proc("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1");
    }
    // Mounts made from here on stay in this namespace.
    if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        throw std::runtime_error(errno_text("mount --make-rprivate /"));
    }
}

SmallFilesystem::SmallFilesystem(int mebibytes) : dir_("tmpfs") {
    const auto [uid, gid] = postgres_owner();
    const std::string options = "size=" + std::to_string(mebibytes) +
                                "m,mode=0700,uid=" + std::to_string(uid) +
                                ",gid=" + std::to_string(gid);
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) !=
        0) {
        throw std::runtime_error(errno_text("mount tmpfs on " + dir_.path()));
    }
}

SmallFilesystem::~SmallFilesystem() {
    ::umount2(dir_.path().c_str(), MNT_DETACH);
}

long SmallFilesystem::fill(const std::string& name) const {
    const std::string file = dir_.path() + "/" + name;
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::runtime_error(errno_text("open " + file));
    }
    const std::string chunk(1 << 16, 'x');
    long written = 0;
    int saved = 0;
    // Bounded: 64 KiB a write, at most 64 GiB.
    for (int i = 0; i < (1 << 20); ++i) {
        const ssize_t n = ::write(fd, chunk.data(), chunk.size());
        if (n < 0) {
            saved = errno;
            break;
        }
        written += n;
    }
    ::close(fd);
    if (saved != ENOSPC) {
        throw std::runtime_error("filling " + file +
                                 " stopped without ENOSPC: " + std::strerror(saved));
    }
    return written;
}

void SmallFilesystem::free(const std::string& name) const {
    const std::string file = dir_.path() + "/" + name;
    if (::unlink(file.c_str()) != 0) {
        throw std::runtime_error(errno_text("unlink " + file));
    }
}

}  // namespace harness
