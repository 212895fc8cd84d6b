// A small tmpfs for tests of a disk that fills up. Mounting needs a mount
// namespace of the test's own: enter_private_mount_namespace() makes one
// (as root a plain one; as any other user inside a user namespace that maps
// the user to itself, so the harness still runs PostgreSQL as that user).
// Call it first thing in main(), before any thread exists: the kernel refuses
// a user namespace to a threaded process. The processes the harness starts
// inherit the namespace; nothing outside the test sees the mount.
#pragma once

#include <string>

#include "process.hpp"

namespace harness {

// Throws std::runtime_error naming what the kernel refused.
void enter_private_mount_namespace();

class SmallFilesystem {
  public:
    // A tmpfs of `mebibytes` on a fresh directory, owned by the user that
    // runs PostgreSQL; unmounted on destruction.
    explicit SmallFilesystem(int mebibytes);
    SmallFilesystem(const SmallFilesystem&) = delete;
    SmallFilesystem& operator=(const SmallFilesystem&) = delete;
    ~SmallFilesystem();

    [[nodiscard]] const std::string& path() const noexcept { return dir_.path(); }

    // Writes the file `name` until the filesystem has no block left; returns
    // the bytes written. Throws unless the writes stopped on ENOSPC.
    long fill(const std::string& name) const;
    // Removes what fill() wrote.
    void free(const std::string& name) const;

  private:
    TempDir dir_;
};

}  // namespace harness
