# Every external dependency of nntar is found here, from Debian 12 packages.
find_package(PkgConfig REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(LZMA REQUIRED IMPORTED_TARGET liblzma)
pkg_check_modules(FLAC REQUIRED IMPORTED_TARGET flac)
pkg_check_modules(JXL REQUIRED IMPORTED_TARGET libjxl)
pkg_check_modules(LIBJPEG REQUIRED IMPORTED_TARGET libjpeg)  # tests and fuzzers write their JPEGs with it
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost REQUIRED COMPONENTS program_options)
if(ANN_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()
