// Temporary files removed when nntar is interrupted (SIGINT, SIGTERM,
// SIGHUP, SIGPIPE): the archive being written beside its final name and the
// file being extracted. The handler only calls unlink(2) and re-raises the
// signal, both async-signal-safe.
#pragma once

#include <string>

namespace nntar {

enum class temp_slot { archive = 0, entry = 1 };

void install_cleanup_handlers();
// Registers the path of a temporary file (replacing the slot's previous one).
void set_temp(temp_slot slot, const std::string& path);
// The file was renamed into place or removed: nothing to clean.
void clear_temp(temp_slot slot);

}  // namespace nntar
