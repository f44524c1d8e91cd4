// File and memory byte sources/sinks.
#include <cerrno>
#include <cstring>

#include "archive_nn/format.hpp"

namespace archive_nn {
inline namespace v1 {
namespace {

class file_sink : public byte_sink {
 public:
  file_sink(std::FILE* f, std::string name) : f_(f), name_(std::move(name)) {}
  status write(const void* data, size_t size) override {
    if (size && std::fwrite(data, 1, size, f_) != size)
      return make_error(errc::io_write_failed, name_ + ": write failed: " + std::strerror(errno));
    return ok_status();
  }
  status flush() override {
    if (std::fflush(f_) != 0) return make_error(errc::io_write_failed, name_ + ": write failed: " + std::strerror(errno));
    return ok_status();
  }

 private:
  std::FILE* f_;
  std::string name_;
};

class file_source : public byte_source {
 public:
  file_source(std::FILE* f, std::string name) : f_(f), name_(std::move(name)) {
    seekable_ = std::fseek(f_, 0, SEEK_CUR) == 0;
  }
  result<size_t> read(void* data, size_t size) override {
    const size_t n = std::fread(data, 1, size, f_);
    if (n < size && std::ferror(f_))
      return make_error(errc::io_read_failed, name_ + ": read failed: " + std::strerror(errno));
    return n;
  }
  bool seekable() const override { return seekable_; }
  status seek(uint64_t offset) override {
    if (!seekable_ || fseeko(f_, static_cast<off_t>(offset), SEEK_SET) != 0)
      return make_error(errc::io_read_failed, name_ + ": seek failed");
    return ok_status();
  }
  result<uint64_t> size() override {
    if (!seekable_) return make_error(errc::io_read_failed, name_ + ": not seekable");
    const off_t here = ftello(f_);
    if (fseeko(f_, 0, SEEK_END) != 0) return make_error(errc::io_read_failed, name_ + ": seek failed");
    const off_t end = ftello(f_);
    if (fseeko(f_, here, SEEK_SET) != 0) return make_error(errc::io_read_failed, name_ + ": seek failed");
    return static_cast<uint64_t>(end);
  }

 private:
  std::FILE* f_;
  std::string name_;
  bool seekable_ = false;
};

// A file_source that closes its FILE when destroyed.
class owning_file_source : public file_source {
 public:
  owning_file_source(std::FILE* f, std::string name) : file_source(f, std::move(name)), owned_(f) {}
  ~owning_file_source() override { std::fclose(owned_); }

 private:
  std::FILE* owned_;
};

class memory_source : public byte_source {
 public:
  memory_source(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  result<size_t> read(void* data, size_t size) override {
    const size_t n = size < size_ - pos_ ? size : size_ - pos_;
    if (n) std::memcpy(data, data_ + pos_, n);
    pos_ += n;
    return n;
  }
  bool seekable() const override { return true; }
  status seek(uint64_t offset) override {
    if (offset > size_) return make_error(errc::io_read_failed, "seek past the end");
    pos_ = static_cast<size_t>(offset);
    return ok_status();
  }
  result<uint64_t> size() override { return static_cast<uint64_t>(size_); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace

status memory_sink::write(const void* data, size_t size) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  bytes.insert(bytes.end(), p, p + size);
  return ok_status();
}

std::unique_ptr<byte_sink> make_file_sink(std::FILE* f, std::string name) {
  return std::make_unique<file_sink>(f, std::move(name));
}
std::unique_ptr<byte_source> make_file_source(std::FILE* f, std::string name) {
  return std::make_unique<file_source>(f, std::move(name));
}
std::unique_ptr<byte_source> make_owning_file_source(std::FILE* f, std::string name) {
  return std::make_unique<owning_file_source>(f, std::move(name));
}
std::unique_ptr<byte_source> make_memory_source(const uint8_t* data, size_t size) {
  return std::make_unique<memory_source>(data, size);
}

}  // namespace v1
}  // namespace archive_nn
