#include "sparse_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

using archive_nn::data_extent;

bool find_data_extents(int fd, uint64_t size, std::vector<data_extent>& out) {
  out.clear();
  struct stat st {};
  // A file whose blocks cover its size has no holes worth a map: the common
  // case costs one fstat.
  if (size == 0 || fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_blocks) * 512 >= size) return false;
  off_t at = 0;
  const off_t end = static_cast<off_t>(size);
  uint64_t data_bytes = 0;
  while (at < end) {
    const off_t data = lseek(fd, at, SEEK_DATA);
    if (data < 0 && errno == ENXIO) break;  // only a hole remains
    if (data >= end) break;
    const off_t hole = data < 0 ? -1 : lseek(fd, data, SEEK_HOLE);
    if (hole < 0) {  // the file system cannot tell: read it all
      data_bytes = size;
      break;
    }
    const off_t stop = std::min(hole, end);
    out.push_back({static_cast<uint64_t>(data), static_cast<uint64_t>(stop - data)});
    data_bytes += static_cast<uint64_t>(stop - data);
    at = stop;
  }
  lseek(fd, 0, SEEK_SET);
  if (data_bytes >= size) out.clear();  // no hole after all, or none known
  return data_bytes < size;
}

namespace {

class extents_source : public archive_nn::byte_source {
 public:
  extents_source(int fd, std::vector<data_extent> extents) : fd_(fd), extents_(std::move(extents)) {}
  ~extents_source() override { close(fd_); }

  archive_nn::result<size_t> read(void* data, size_t size) override {
    uint8_t* p = static_cast<uint8_t*>(data);
    size_t got = 0;
    while (got < size && next_ < extents_.size()) {
      const data_extent& e = extents_[next_];
      const uint64_t left = e.length - in_extent_;
      const size_t want = static_cast<size_t>(std::min<uint64_t>(left, size - got));
      const ssize_t n = pread(fd_, p + got, want, static_cast<off_t>(e.offset + in_extent_));
      if (n < 0) {
        if (errno == EINTR) continue;
        return archive_nn::make_error(archive_nn::errc::io_read_failed, std::string("read failed: ") + std::strerror(errno));
      }
      if (n == 0) {  // the file shrank: the rest reads as missing
        next_ = extents_.size();
        break;
      }
      got += static_cast<size_t>(n);
      in_extent_ += static_cast<uint64_t>(n);
      if (in_extent_ == e.length) {
        ++next_;
        in_extent_ = 0;
      }
    }
    return got;
  }
  bool seekable() const override { return false; }
  archive_nn::status seek(uint64_t) override {
    return archive_nn::make_error(archive_nn::errc::internal, "extents_source cannot seek");
  }
  archive_nn::result<uint64_t> size() override {
    uint64_t n = 0;
    for (const data_extent& e : extents_) n += e.length;
    return n;
  }

 private:
  int fd_;
  std::vector<data_extent> extents_;
  size_t next_ = 0;
  uint64_t in_extent_ = 0;
};

}  // namespace

std::unique_ptr<archive_nn::byte_source> make_extents_source(int fd, std::vector<data_extent> extents) {
  return std::make_unique<extents_source>(fd, std::move(extents));
}
