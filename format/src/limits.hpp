// Every limit of the version-1 container, with its spec section
// (spec/archive_format.md §10). Readers check these before allocating.
#pragma once

#include <cstdint>

namespace archive_nn {
inline namespace v1 {
namespace limits {

constexpr uint64_t record_body_max = 64 * 1024;  // §3: Body_Size of any record but the index
constexpr uint32_t mode_max = 07777;               // §5: Mode
constexpr uint32_t nsec_max = 999999999;           // §5: Mtime_Nanoseconds
constexpr uint8_t model_id_max = 255;              // §4: Model_Id (0 = none)
constexpr uint64_t index_entry_body_min = 8;       // §8: smallest index entry or block item, for count checks
constexpr uint64_t member_row_min = 15;            // §6.5: smallest Member_Table share of a member (5 varints, a 1-byte path, u64)

}  // namespace limits
}  // namespace v1
}  // namespace archive_nn
