# Generates C++ messages and gRPC stubs for proto/ into the build tree and
# wraps them in one library, signet_proto.
set(SIGNET_PROTO_DIR ${PROJECT_SOURCE_DIR}/proto)
set(SIGNET_PROTO_OUT ${PROJECT_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${SIGNET_PROTO_OUT})
get_target_property(SIGNET_GRPC_CPP_PLUGIN gRPC::grpc_cpp_plugin LOCATION)

set(SIGNET_PROTOS
  signet/v1/gateway.proto
  signet/config/v1/config.proto
  grpc/health/v1/health.proto)
set(SIGNET_GRPC_PROTOS
  signet/v1/gateway.proto
  grpc/health/v1/health.proto)

set(SIGNET_PROTO_SRCS)
foreach(proto ${SIGNET_PROTOS})
  string(REGEX REPLACE "\\.proto$" "" stem ${proto})
  set(outputs ${SIGNET_PROTO_OUT}/${stem}.pb.cc ${SIGNET_PROTO_OUT}/${stem}.pb.h)
  set(plugin_args)
  if(proto IN_LIST SIGNET_GRPC_PROTOS)
    list(APPEND outputs ${SIGNET_PROTO_OUT}/${stem}.grpc.pb.cc ${SIGNET_PROTO_OUT}/${stem}.grpc.pb.h)
    set(plugin_args --grpc_out=${SIGNET_PROTO_OUT} --plugin=protoc-gen-grpc=${SIGNET_GRPC_CPP_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND protobuf::protoc
      --proto_path=${SIGNET_PROTO_DIR}
      --cpp_out=${SIGNET_PROTO_OUT}
      ${plugin_args}
      ${SIGNET_PROTO_DIR}/${proto}
    DEPENDS ${SIGNET_PROTO_DIR}/${proto} protobuf::protoc
    COMMENT "protoc ${proto}"
    VERBATIM)
  list(APPEND SIGNET_PROTO_SRCS ${outputs})
endforeach()

add_library(signet_proto STATIC ${SIGNET_PROTO_SRCS})
target_include_directories(signet_proto SYSTEM PUBLIC ${SIGNET_PROTO_OUT})
target_link_libraries(signet_proto PUBLIC protobuf::libprotobuf gRPC::grpc++)
