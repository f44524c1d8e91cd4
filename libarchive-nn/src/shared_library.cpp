// libarchive_nn.so is the static layers (archive_nn_internal and below)
// linked whole (cmake/install.cmake); a shared library needs a source of its
// own, and this is it.
#include "archive_nn/archive_nn.hpp"
