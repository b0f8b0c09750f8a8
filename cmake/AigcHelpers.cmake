# Helpers that keep each component's CMakeLists.txt short.

# aigc_cc_test(NAME <name> SRCS <files...> [DEPS <targets...>] [LABELS <labels...>])
# One GoogleTest binary registered with CTest under <name>.
function(aigc_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  set_tests_properties(${ARG_NAME} PROPERTIES TIMEOUT 300 LABELS "${ARG_LABELS}")
endfunction()

# aigc_proto_library(NAME <target> PROTOS <paths relative to PROTO_ROOT...>
#                    PROTO_ROOT <dir> [DEPS <proto targets...>])
# Generates C++ messages and gRPC stubs (never committed) and builds them as one
# library target whose include directory is the generated root, so code includes
# "aigc/recommender/v1/recommender.grpc.pb.h".
function(aigc_proto_library)
  cmake_parse_arguments(ARG "" "NAME;PROTO_ROOT" "PROTOS;DEPS" ${ARGN})
  set(out_root "${CMAKE_BINARY_DIR}/gen")
  set(generated "")
  set(proto_files "")
  foreach(proto ${ARG_PROTOS})
    get_filename_component(dir "${proto}" DIRECTORY)
    get_filename_component(stem "${proto}" NAME_WE)
    set(base "${out_root}/${dir}/${stem}")
    set(outputs "${base}.pb.cc" "${base}.pb.h" "${base}.grpc.pb.cc" "${base}.grpc.pb.h")
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND ${CMAKE_COMMAND} -E make_directory "${out_root}"
      COMMAND protobuf::protoc
        -I "${ARG_PROTO_ROOT}"
        --cpp_out "${out_root}"
        --grpc_out "${out_root}"
        --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN}
        "${ARG_PROTO_ROOT}/${proto}"
      DEPENDS "${ARG_PROTO_ROOT}/${proto}" protobuf::protoc
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(APPEND generated ${outputs})
  endforeach()
  add_library(${ARG_NAME} ${generated})
  target_include_directories(${ARG_NAME} SYSTEM PUBLIC "${out_root}")
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS} protobuf::libprotobuf gRPC::grpc++)
  # Generated code is not ours to keep warning-free.
  target_compile_options(${ARG_NAME} PRIVATE -w)
  aigc_add_alias(${ARG_NAME})
endfunction()

# aigc_add_alias(<target>): aigc_<component> gets the alias aigc::<component>.
function(aigc_add_alias target)
  string(REGEX REPLACE "^aigc_" "aigc::" alias "${target}")
  add_library(${alias} ALIAS ${target})
endfunction()
