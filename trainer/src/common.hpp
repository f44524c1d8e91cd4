// Small helpers shared by the trainer's translation units. Nothing here
// includes LibTorch: only torch_model.cpp does (each torch TU costs ~18 s and
// ~1.1 GB of compiler memory).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nntar_train {

// A problem the user can fix (bad option, missing data, mismatched
// checkpoint): printed as "nntar-train: <message>" and exit status 2.
class usage_error : public std::runtime_error {
 public:
  explicit usage_error(const std::string& what) : std::runtime_error(what) {}
};

// Wall-clock seconds since an arbitrary epoch (steady clock).
double now_seconds();
// CPU seconds used by all threads of the process: on a shared machine,
// bytes per CPU-second is a steadier speed measure than bytes per second.
double process_cpu_seconds();

std::vector<uint8_t> read_file(const std::string& path);
// Writes path.tmp, flushes it and renames it over path, so a crash never
// leaves a half-written file under the final name.
void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes);

std::string human_bytes(double bytes);       // "1.5 MiB"
std::string human_duration(double seconds);  // "1h02m", "3m05s", "12s"
std::string format_double(double v, int precision);

// Strict number parsing for option values; throws usage_error naming `what`.
uint64_t parse_u64(const std::string& text, const std::string& what);
uint32_t parse_u32(const std::string& text, const std::string& what);
double parse_double(const std::string& text, const std::string& what);
// Seconds, with an optional unit suffix: "90", "90s", "15m", "6h", "1.5d".
double parse_duration(const std::string& text, const std::string& what);

// A dataset name: [a-z0-9_]{1,64} (it becomes a metadata key).
bool valid_dataset_name(const std::string& name);

// FNV-1a 64-bit, used as the checkpoint's integrity check.
uint64_t fnv1a64(const uint8_t* data, size_t size, uint64_t h = 0xcbf29ce484222325ull);

}  // namespace nntar_train
