// Temporary files removed when nntar is interrupted (SIGINT, SIGTERM,
// SIGHUP, SIGPIPE): the archive being written beside its final name and the
// file being extracted. The handler only calls unlink(2) and re-raises the
// signal, both async-signal-safe.
#pragma once

#include <string>
#include <vector>

namespace nntar {

enum class temp_slot { archive = 0, entry = 1 };

void install_cleanup_handlers();
// Registers the path of a temporary file (replacing the slot's previous one).
void set_temp(temp_slot slot, const std::string& path);
// The file was renamed into place or removed: nothing to clean.
void clear_temp(temp_slot slot);

// Temporary files that an nntar killed with SIGKILL (or a crash, or a power
// cut) left behind cannot clean themselves up: the next run that writes
// beside them removes those whose PID is no running process (regular files
// of exactly these name shapes only), and says so. Returns the names removed.
std::vector<std::string> remove_stale_archive_temps(const std::string& archive_path);  // ARCHIVE.nntar-tmp-PID
std::vector<std::string> remove_stale_entry_temps(int dirfd);                         // .nntar-PID-N.tmp

}  // namespace nntar
