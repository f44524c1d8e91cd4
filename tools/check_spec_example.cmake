# Checks (or, with -DUPDATE=ON, rewrites) the generated examples of spec/:
#   ann_spec_example                 == spec/examples/example_1.txt
#                                    == the example_1 block of spec/archive_format.md
#   ann_spec_example --mix           == spec/examples/mix_1.txt
#                                    == the mix_1 block of spec/mix_codec.md
#   ann_spec_example --write-archive == spec/examples/example_1.nna (byte for byte)
#   ann_spec_example --range-coder   == spec/examples/range_coder_1.txt
#                                    == the range_coder_1 block of spec/nn_codec.md
# Usage: cmake -DTOOL=path/to/ann_spec_example -DSOURCE_DIR=repo -DWORK_DIR=dir [-DUPDATE=ON]
#          -P tools/check_spec_example.cmake
cmake_minimum_required(VERSION 3.18)
foreach(var TOOL SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_spec_example.cmake: -D${var}=... is required")
  endif()
endforeach()

set(failures "")

function(run_tool out_var)
  execute_process(COMMAND ${TOOL} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${TOOL} ${ARGN} failed (${rc}): ${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Replaces or compares the text between "<!-- BEGIN name -->\n" and "<!-- END name -->".
function(check_block doc name text)
  file(READ ${doc} md)
  set(begin "<!-- BEGIN ${name} -->\n")
  set(end "<!-- END ${name} -->")
  string(FIND "${md}" "${begin}" b)
  string(FIND "${md}" "${end}" e)
  if(b EQUAL -1 OR e EQUAL -1)
    set(failures "${failures}\n  ${doc}: markers for ${name} not found" PARENT_SCOPE)
    return()
  endif()
  string(LENGTH "${begin}" blen)
  math(EXPR from "${b} + ${blen}")
  math(EXPR len "${e} - ${from}")
  if(len LESS 0)
    set(failures "${failures}\n  ${doc}: markers for ${name} out of order" PARENT_SCOPE)
    return()
  endif()
  string(SUBSTRING "${md}" ${from} ${len} block)
  if(UPDATE)
    string(SUBSTRING "${md}" 0 ${from} head)
    string(SUBSTRING "${md}" ${e} -1 tail)
    file(WRITE ${doc} "${head}${text}${tail}")
  elseif(NOT "${block}" STREQUAL "${text}")
    file(WRITE ${WORK_DIR}/${name}.block.txt "${block}")
    set(failures "${failures}\n  ${doc}: the ${name} block differs from the tool's output (see ${WORK_DIR}/${name}.block.txt)"
        PARENT_SCOPE)
  endif()
endfunction()

function(check_text file text)
  if(UPDATE)
    file(WRITE ${file} "${text}")
    return()
  endif()
  if(NOT EXISTS ${file})
    set(failures "${failures}\n  ${file} is missing" PARENT_SCOPE)
    return()
  endif()
  file(READ ${file} expect)
  if(NOT "${expect}" STREQUAL "${text}")
    get_filename_component(base ${file} NAME)
    file(WRITE ${WORK_DIR}/${base}.actual "${text}")
    set(failures "${failures}\n  ${file} differs from the tool's output (see ${WORK_DIR}/${base}.actual)" PARENT_SCOPE)
  endif()
endfunction()

set(examples ${SOURCE_DIR}/spec/examples)

run_tool(walk)
check_text(${examples}/example_1.txt "${walk}")
check_block(${SOURCE_DIR}/spec/archive_format.md example_1 "${walk}")

run_tool(coder --range-coder)
check_text(${examples}/range_coder_1.txt "${coder}")
check_block(${SOURCE_DIR}/spec/nn_codec.md range_coder_1 "${coder}")

run_tool(mix --mix)
check_text(${examples}/mix_1.txt "${mix}")
check_block(${SOURCE_DIR}/spec/mix_codec.md mix_1 "${mix}")

if(UPDATE)
  run_tool(ignored --write-archive ${examples}/example_1.nna)
else()
  run_tool(ignored --write-archive ${WORK_DIR}/example_1.nna)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/example_1.nna ${examples}/example_1.nna
                  RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    set(failures "${failures}\n  ${examples}/example_1.nna differs from ${WORK_DIR}/example_1.nna")
  endif()
endif()

if(failures)
  message(FATAL_ERROR "spec examples out of sync:${failures}\n"
          "If the change is intended, regenerate on purpose and commit the result:\n"
          "  cmake -DTOOL=${TOOL} -DSOURCE_DIR=${SOURCE_DIR} -DWORK_DIR=${WORK_DIR} -DUPDATE=ON -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
if(UPDATE)
  message(STATUS "spec examples regenerated")
else()
  message(STATUS "spec examples in sync")
endif()
