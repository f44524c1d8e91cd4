# ASan + UBSan for tests and fuzzers when ANN_SANITIZE is ON.
if(ANN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
