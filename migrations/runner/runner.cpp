// The scoreline-migrate commands (see runner.hpp).
#include "runner.hpp"

#include <algorithm>
#include <map>

namespace migrate {
namespace {

[[nodiscard]] std::string short_sum(const std::string& checksum) {
    return checksum.substr(0, 12);
}

[[nodiscard]] std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) {
        s.append(width - s.size(), ' ');
    }
    return s;
}

[[nodiscard]] std::string plural(std::size_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

[[nodiscard]] std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& l : lines) {
        out += (out.empty() ? "" : "\n") + l;
    }
    return out;
}

}  // namespace

Runner::Runner(db::Connection& conn, const MigrationSet& set, RunnerOptions options,
               std::ostream& out)
    : conn_(conn),
      set_(set),
      options_(std::move(options)),
      out_(out),
      executor_(conn, options_.timeouts, options_.client, out) {}

std::vector<std::string> Runner::problems(const std::vector<AppliedMigration>& applied) const {
    std::vector<std::string> out;
    for (const AppliedMigration& a : applied) {
        const Migration* m = set_.find(a.version);
        if (m == nullptr && a.version > newest_file()) {
            continue;  // applied by a newer runner: not ours to judge (see up())
        }
        if (m == nullptr) {
            out.push_back(migration_label(a.version, a.name) + " is applied but " + set_.dir() +
                          " has no file for version " + std::to_string(a.version));
        } else if (m->name != a.name) {
            out.push_back(m->up.path + ": version " + std::to_string(a.version) +
                          " was applied as '" + a.name + "' and the file is now named '" + m->name +
                          "'");
        } else if (m->checksum != a.checksum) {
            out.push_back(m->up.path + ": changed since it was applied at " + a.applied_at +
                          " (checksum then " + short_sum(a.checksum) + ", now " +
                          short_sum(m->checksum) +
                          "); applied migrations are never edited: restore the file and "
                          "write a new migration");
        }
    }
    const int current = history::current_version(applied);
    for (const Migration& m : set_.all()) {
        const bool is_applied = std::any_of(applied.begin(), applied.end(),
                                            [&](const auto& a) { return a.version == m.version; });
        if (!is_applied && m.version < current) {
            out.push_back(m.up.path + ": not applied, but the later version " +
                          std::to_string(current) +
                          " is; out-of-order migrations are refused: renumber it above " +
                          std::to_string(current));
        }
    }
    return out;
}

void Runner::check_history(const std::vector<AppliedMigration>& applied) const {
    const std::vector<std::string> found = problems(applied);
    if (!found.empty()) {
        throw HistoryMismatch(join_lines(found));
    }
}

std::vector<const Migration*> Runner::pending(const std::vector<AppliedMigration>& applied,
                                              std::optional<int> target) const {
    const int current = history::current_version(applied);
    std::vector<const Migration*> out;
    for (const Migration& m : set_.all()) {
        if (m.version > current && (!target || m.version <= *target)) {
            out.push_back(&m);
        }
    }
    return out;
}

int Runner::newest_file() const noexcept {
    return set_.all().empty() ? 0 : set_.all().back().version;
}

AdvisoryLock Runner::take_lock() {
    return AdvisoryLock::acquire(
        conn_, kMigrationLockKey, options_.lock_wait, [this](const std::string& holder) {
            out_ << "waiting for the migration lock, held by " << holder << std::endl;
        });
}

void Runner::up(std::optional<int> target) {
    // Fast path without the lock: nothing pending means nothing to decide.
    std::vector<AppliedMigration> applied = history::read(conn_);
    check_history(applied);
    if (pending(applied, target).empty()) {
        out_ << "up to date: database at version " << history::current_version(applied);
        if (history::current_version(applied) > newest_file()) {
            // An older runner during a rolling deploy or an application
            // rollback: the newer schema stays, this runner has nothing to do.
            out_ << ", newer than the newest file in " << set_.dir() << " ("
                 << set_.all().back().label() << "); leaving it as it is";
        }
        out_ << std::endl;
        return;
    }

    AdvisoryLock lock = take_lock();
    if (!options_.dry_run) {
        history::ensure_table(conn_);
    }
    applied = history::read(conn_);  // the state we act on
    check_history(applied);
    const int current = history::current_version(applied);
    const std::vector<const Migration*> plan = pending(applied, target);
    if (plan.empty()) {
        out_ << "up to date: database at version " << current
             << " (applied by another runner while this one waited)" << std::endl;
        return;
    }
    out_ << "database at version " << current << "; " << plural(plan.size(), "migration")
         << " to apply:" << std::endl;
    for (const Migration* m : plan) {
        out_ << "  " << m->label() << (m->up.no_transaction ? " (no transaction)" : "")
             << std::endl;
    }
    if (options_.dry_run) {
        out_ << "dry run: applying in one transaction, then rolling back" << std::endl;
        executor_.dry_run(plan, Direction::kUp);
        out_ << "dry run: rolled back; database still at version " << current << std::endl;
        return;
    }
    int reached = current;
    for (const Migration* m : plan) {
        out_ << "applying " << m->label() << " ..." << std::endl;
        try {
            const std::int64_t ms = executor_.apply(*m, Direction::kUp);
            out_ << "applied " << m->label() << " in " << ms << " ms" << std::endl;
        } catch (const MigrationFailed& e) {
            throw MigrationFailed(std::string(e.what()) + "\nthe database stays at version " +
                                  std::to_string(reached));
        }
        reached = m->version;
    }
    out_ << "database at version " << reached << std::endl;
}

void Runner::down(int steps) {
    if (history::read(conn_).empty()) {
        out_ << "nothing to roll back: database at version 0" << std::endl;
        return;
    }
    AdvisoryLock lock = take_lock();
    const std::vector<AppliedMigration> applied = history::read(conn_);
    check_history(applied);
    if (applied.empty()) {
        out_ << "nothing to roll back: database at version 0" << std::endl;
        return;
    }
    const std::size_t count = std::min(static_cast<std::size_t>(steps), applied.size());
    std::vector<const Migration*> plan;
    for (std::size_t i = 0; i < count; ++i) {
        const AppliedMigration& a = applied[applied.size() - 1 - i];
        const Migration* m = set_.find(a.version);
        if (m == nullptr) {
            throw MigrationFailed(migration_label(a.version, a.name) +
                                  " is newer than the files in " + set_.dir() +
                                  "; roll it back with the scoreline-migrate that applied it; "
                                  "nothing was rolled back");
        }
        if (!m->down) {
            throw MigrationFailed(m->label() + ": no down file " + set_.dir() + "/" + m->label() +
                                  ".down.sql; nothing was rolled back");
        }
        plan.push_back(m);
    }
    const int current = history::current_version(applied);
    out_ << "database at version " << current << "; " << plural(plan.size(), "migration")
         << " to roll back";
    if (count < static_cast<std::size_t>(steps)) {
        out_ << " (only " << count << " applied)";
    }
    out_ << ":" << std::endl;
    for (const Migration* m : plan) {
        out_ << "  " << m->label() << (m->down->no_transaction ? " (no transaction)" : "")
             << std::endl;
    }
    if (options_.dry_run) {
        out_ << "dry run: rolling back in one transaction, then undoing that" << std::endl;
        executor_.dry_run(plan, Direction::kDown);
        out_ << "dry run: rolled back; database still at version " << current << std::endl;
        return;
    }
    int reached = current;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const Migration* m = plan[i];
        out_ << "rolling back " << m->label() << " ..." << std::endl;
        try {
            const std::int64_t ms = executor_.apply(*m, Direction::kDown);
            out_ << "rolled back " << m->label() << " in " << ms << " ms" << std::endl;
        } catch (const MigrationFailed& e) {
            throw MigrationFailed(std::string(e.what()) + "\nthe database stays at version " +
                                  std::to_string(reached));
        }
        reached = applied.size() > i + 1 ? applied[applied.size() - 2 - i].version : 0;
    }
    out_ << "database at version " << reached << std::endl;
}

void Runner::status() {
    const std::vector<AppliedMigration> applied = history::read(conn_);
    std::map<int, const AppliedMigration*> by_version;
    for (const AppliedMigration& a : applied) {
        by_version[a.version] = &a;
    }
    std::size_t width = 0;
    for (const Migration& m : set_.all()) {
        width = std::max(width, m.label().size());
    }
    std::size_t pending_count = 0;
    std::size_t changed = 0;
    const int current = history::current_version(applied);
    out_ << "migrations in " << set_.dir() << "; database at version " << current << std::endl;
    for (const Migration& m : set_.all()) {
        auto it = by_version.find(m.version);
        out_ << "  " << pad(m.label(), width) << "  ";
        if (it == by_version.end()) {
            ++pending_count;
            out_ << "pending" << (m.up.no_transaction ? " (no transaction)" : "");
            if (m.version < current) {
                ++changed;
                out_ << "  OUT OF ORDER (older than applied version " << current << ")";
            }
            out_ << std::endl;
            continue;
        }
        const AppliedMigration& a = *it->second;
        out_ << "applied " << a.applied_at << " in " << a.duration_ms << " ms by " << a.applied_by
             << "  ";
        if (a.checksum == m.checksum && a.name == m.name) {
            out_ << "checksum ok";
        } else {
            ++changed;
            out_ << "CHANGED since applied (checksum then " << short_sum(a.checksum) << ", now "
                 << short_sum(m.checksum) << ")";
        }
        out_ << std::endl;
        by_version.erase(it);
    }
    for (const auto& [version, a] : by_version) {
        const bool newer = version > newest_file();
        changed += newer ? 0 : 1;
        out_ << "  " << pad(migration_label(version, a->name), width) << "  applied "
             << a->applied_at << " by " << a->applied_by
             << (newer ? "  newer than these files" : "  FILE MISSING") << std::endl;
    }
    out_ << plural(applied.size(), "applied migration") << ", " << pending_count << " pending, "
         << plural(changed, "problem") << std::endl;
}

void Runner::verify() {
    const std::vector<AppliedMigration> applied = history::read(conn_);
    check_history(applied);
    const auto newer = static_cast<std::size_t>(
        std::count_if(applied.begin(), applied.end(),
                      [&](const AppliedMigration& a) { return a.version > newest_file(); }));
    out_ << "verify ok: " << plural(applied.size() - newer, "applied migration")
         << " match their files";
    if (newer > 0) {
        out_ << ", " << newer << " newer than these files";
    }
    out_ << "; " << pending(applied, std::nullopt).size() << " pending" << std::endl;
}

}  // namespace migrate
