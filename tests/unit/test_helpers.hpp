// Shared test helpers: deterministic data, in-memory archives, the tiny model.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "archive_nn/archive_nn.hpp"

namespace test {

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed);
std::vector<uint8_t> text_bytes(size_t n, uint32_t seed);  // English-like text
std::vector<uint8_t> read_file(const std::string& path);
std::string data_path(const std::string& rel);  // under tests/

// A random-weight model built in memory (deterministic).
archive_nn::model_handle random_model(uint32_t d_model, uint32_t layers, uint32_t heads, uint32_t d_ff,
                                      uint32_t context, uint32_t seed, bool post_norm = false);
// tests/golden/models/tiny.nnm, trained by nntar-train (compresses text).
archive_nn::model_handle tiny_model();

struct mem_entry {
  archive_nn::entry_header header;
  std::vector<uint8_t> data;
};
// Creates an archive of the entries in memory, each file its own entry.
std::vector<uint8_t> make_archive(const std::vector<mem_entry>& entries, archive_nn::create_options opt);
// The same through content openers: with opt.solid_block_size > 0, files go
// into solid blocks (reordered and deduplicated).
std::vector<uint8_t> make_solid_archive(const std::vector<mem_entry>& entries, archive_nn::create_options opt);

struct read_result {
  std::vector<mem_entry> entries;
  std::vector<archive_nn::error> entry_errors;
  std::vector<archive_nn::error> damage;  // entry_visitor::damaged
  archive_nn::read_summary summary;
  archive_nn::status st = archive_nn::ok_status();
};
// want: which entries to read (all when empty).
read_result read_all(const std::vector<uint8_t>& archive, archive_nn::read_options opt = {},
                     std::function<bool(const archive_nn::entry_header&)> want = nullptr);

archive_nn::entry_header file_header(const std::string& path, uint64_t size);

}  // namespace test
