# Generates C++ messages and gRPC stubs for proto/ into the build tree and
# wraps them in two libraries: signet_proto, the messages (protobuf only),
# and signet_grpc_proto, the service stubs (gRPC++). Code that only reads or
# builds messages (config, its tests) links the first and so not gRPC++.
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

# One protoc run for the messages and, for services, another for the stubs,
# so that each generated file belongs to the one library that compiles it.
set(SIGNET_PROTO_SRCS)
set(SIGNET_GRPC_PROTO_SRCS)
foreach(proto ${SIGNET_PROTOS})
  string(REGEX REPLACE "\\.proto$" "" stem ${proto})
  set(messages ${SIGNET_PROTO_OUT}/${stem}.pb.cc ${SIGNET_PROTO_OUT}/${stem}.pb.h)
  add_custom_command(
    OUTPUT ${messages}
    COMMAND protobuf::protoc
      --proto_path=${SIGNET_PROTO_DIR}
      --cpp_out=${SIGNET_PROTO_OUT}
      ${SIGNET_PROTO_DIR}/${proto}
    DEPENDS ${SIGNET_PROTO_DIR}/${proto} protobuf::protoc
    COMMENT "protoc ${proto} (messages)"
    VERBATIM)
  list(APPEND SIGNET_PROTO_SRCS ${messages})
  if(proto IN_LIST SIGNET_GRPC_PROTOS)
    set(stubs ${SIGNET_PROTO_OUT}/${stem}.grpc.pb.cc ${SIGNET_PROTO_OUT}/${stem}.grpc.pb.h)
    add_custom_command(
      OUTPUT ${stubs}
      COMMAND protobuf::protoc
        --proto_path=${SIGNET_PROTO_DIR}
        --grpc_out=${SIGNET_PROTO_OUT}
        --plugin=protoc-gen-grpc=${SIGNET_GRPC_CPP_PLUGIN}
        ${SIGNET_PROTO_DIR}/${proto}
      DEPENDS ${SIGNET_PROTO_DIR}/${proto} protobuf::protoc
      COMMENT "protoc ${proto} (gRPC stubs)"
      VERBATIM)
    list(APPEND SIGNET_GRPC_PROTO_SRCS ${stubs})
  endif()
endforeach()

add_library(signet_proto STATIC ${SIGNET_PROTO_SRCS})
target_include_directories(signet_proto SYSTEM PUBLIC ${SIGNET_PROTO_OUT})
target_link_libraries(signet_proto PUBLIC protobuf::libprotobuf)

add_library(signet_grpc_proto STATIC ${SIGNET_GRPC_PROTO_SRCS})
target_link_libraries(signet_grpc_proto PUBLIC signet_proto gRPC::grpc++)
