# `cmake --install build [--prefix P]`: the nntar command and its man page,
# nntar-train when it is built, and the library for developers: one shared
# library (libarchive_nn.so, the static layers linked whole), its public
# headers, a CMake package (find_package(archive_nn) -> archive_nn::archive_nn)
# and a pkg-config file (archive_nn.pc).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

add_library(archive_nn_shared SHARED ${PROJECT_SOURCE_DIR}/libarchive-nn/src/shared_library.cpp)
set_target_properties(archive_nn_shared PROPERTIES OUTPUT_NAME archive_nn VERSION ${PROJECT_VERSION}
                                                   SOVERSION ${PROJECT_VERSION_MAJOR})
# The static layers whole (their objects, not only those the source needs),
# then what they link against.
set(ANN_SHARED_LAYERS archive_nn_internal archive_nn_engine archive_nn_format archive_nn_model archive_nn_errors)
set(ANN_SHARED_ARCHIVES "")
foreach(layer IN LISTS ANN_SHARED_LAYERS)
  list(APPEND ANN_SHARED_ARCHIVES "$<TARGET_FILE:${layer}>")
endforeach()
add_dependencies(archive_nn_shared ${ANN_SHARED_LAYERS})
target_link_libraries(archive_nn_shared PRIVATE -Wl,--whole-archive ${ANN_SHARED_ARCHIVES} -Wl,--no-whole-archive
  PkgConfig::ZSTD PkgConfig::XXHASH PkgConfig::LZMA PkgConfig::FLAC PkgConfig::JXL ZLIB::ZLIB Threads::Threads)
target_include_directories(archive_nn_shared PRIVATE ${PROJECT_SOURCE_DIR}/libarchive-nn/include ${PROJECT_SOURCE_DIR}/format/include)
target_include_directories(archive_nn_shared INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(archive_nn_shared INTERFACE cxx_std_17)
add_library(archive_nn::archive_nn ALIAS archive_nn_shared)

install(TARGETS archive_nn_shared EXPORT archive_nn_targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/libarchive-nn/include/archive_nn/archive_nn.hpp
              ${PROJECT_SOURCE_DIR}/format/include/archive_nn/errors.hpp
              ${PROJECT_SOURCE_DIR}/format/include/archive_nn/format.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/archive_nn)
set_target_properties(archive_nn_shared PROPERTIES EXPORT_NAME archive_nn)
install(EXPORT archive_nn_targets NAMESPACE archive_nn:: FILE archive_nnTargets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/archive_nn)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/templates/archive_nnConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/archive_nnConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/archive_nn)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/archive_nnConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/archive_nnConfig.cmake ${PROJECT_BINARY_DIR}/archive_nnConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/archive_nn)
# Relative to the .pc file, so `cmake --install --prefix` anywhere works.
file(RELATIVE_PATH ANN_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
configure_file(${PROJECT_SOURCE_DIR}/cmake/templates/archive_nn.pc.in ${PROJECT_BINARY_DIR}/archive_nn.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/archive_nn.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The man page, from cli/nntar.1.md (tools/md2man.py, python3 only).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/nntar.1
                   COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/tools/md2man.py
                           ${PROJECT_SOURCE_DIR}/cli/nntar.1.md ${PROJECT_BINARY_DIR}/nntar.1
                   DEPENDS ${PROJECT_SOURCE_DIR}/cli/nntar.1.md ${PROJECT_SOURCE_DIR}/tools/md2man.py)
add_custom_target(man_page ALL DEPENDS ${PROJECT_BINARY_DIR}/nntar.1)
install(FILES ${PROJECT_BINARY_DIR}/nntar.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
