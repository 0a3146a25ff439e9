#include "config/yaml_to_proto.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace signet {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Error(absl::string_view path, const YAML::Node& node,
                   absl::string_view what) {
  const YAML::Mark mark = node.Mark();
  if (mark.line >= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " (line ", mark.line + 1, "): ", what));
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

absl::string_view TypeName(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      return "true or false";
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
      return "an integer";
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return "a non-negative integer";
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return "a number";
    case FieldDescriptor::CPPTYPE_ENUM:
      return "one of the documented names";
    case FieldDescriptor::CPPTYPE_STRING:
      return "a string";
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return "a mapping";
  }
  return "a value";
}

const FieldDescriptor* FindField(const Descriptor& descriptor,
                                 const std::string& key) {
  if (const FieldDescriptor* field = descriptor.FindFieldByName(key)) {
    return field;
  }
  for (int i = 0; i < descriptor.field_count(); ++i) {
    if (descriptor.field(i)->json_name() == key) return descriptor.field(i);
  }
  return nullptr;
}

absl::Status FillMessage(const YAML::Node& node, Message* message,
                         const std::string& path);

// Sets one scalar (or message) value: the field's single value, or an
// element appended to a repeated field.
absl::Status SetValue(const YAML::Node& node, Message* message,
                      const FieldDescriptor& field, const std::string& path) {
  const Reflection& reflection = *message->GetReflection();
  const bool repeated = field.is_repeated();
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    Message* child = repeated ? reflection.AddMessage(message, &field)
                              : reflection.MutableMessage(message, &field);
    return FillMessage(node, child, path);
  }
  if (!node.IsScalar()) {
    return Error(path, node, absl::StrCat("expected ", TypeName(field)));
  }
  const std::string& text = node.Scalar();
  const absl::Status wrong_type =
      Error(path, node, absl::StrCat("expected ", TypeName(field)));
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? reflection.AddString(message, &field, text)
               : reflection.SetString(message, &field, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_BOOL: {
      const std::string lower = absl::AsciiStrToLower(text);
      bool value;
      if (lower == "true" || lower == "yes" || lower == "on") {
        value = true;
      } else if (lower == "false" || lower == "no" || lower == "off") {
        value = false;
      } else {
        return wrong_type;
      }
      repeated ? reflection.AddBool(message, &field, value)
               : reflection.SetBool(message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t value;
      if (!absl::SimpleAtoi(text, &value)) return wrong_type;
      repeated ? reflection.AddInt32(message, &field, value)
               : reflection.SetInt32(message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t value;
      if (!absl::SimpleAtoi(text, &value)) return wrong_type;
      repeated ? reflection.AddInt64(message, &field, value)
               : reflection.SetInt64(message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t value;
      if (!absl::SimpleAtoi(text, &value)) return wrong_type;
      repeated ? reflection.AddUInt32(message, &field, value)
               : reflection.SetUInt32(message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t value;
      if (!absl::SimpleAtoi(text, &value)) return wrong_type;
      repeated ? reflection.AddUInt64(message, &field, value)
               : reflection.SetUInt64(message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double value;
      if (!absl::SimpleAtod(text, &value)) return wrong_type;
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        repeated
            ? reflection.AddFloat(message, &field, static_cast<float>(value))
            : reflection.SetFloat(message, &field, static_cast<float>(value));
      } else {
        repeated ? reflection.AddDouble(message, &field, value)
                 : reflection.SetDouble(message, &field, value);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = field.enum_type()->FindValueByName(text);
      if (value == nullptr) return wrong_type;
      repeated ? reflection.AddEnum(message, &field, value)
               : reflection.SetEnum(message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return wrong_type;
}

// A proto map is a repeated message of {key, value}; YAML gives a mapping.
absl::Status FillMap(const YAML::Node& node, Message* message,
                     const FieldDescriptor& field, const std::string& path) {
  if (!node.IsMap()) return Error(path, node, "expected a mapping");
  const Reflection& reflection = *message->GetReflection();
  const Descriptor& entry_type = *field.message_type();
  const FieldDescriptor& key_field = *entry_type.map_key();
  const FieldDescriptor& value_field = *entry_type.map_value();
  for (const auto& item : node) {
    if (!item.first.IsScalar()) {
      return Error(path, item.first, "keys must be plain strings");
    }
    const std::string key = item.first.Scalar();
    const std::string entry_path = absl::StrCat(path, ".", key);
    Message* entry = reflection.AddMessage(message, &field);
    if (auto status = SetValue(item.first, entry, key_field, entry_path);
        !status.ok()) {
      return status;
    }
    if (auto status = SetValue(item.second, entry, value_field, entry_path);
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::Status FillMessage(const YAML::Node& node, Message* message,
                         const std::string& path) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsMap()) {
    return Error(path.empty() ? "config" : path, node, "expected a mapping");
  }
  const Descriptor& descriptor = *message->GetDescriptor();
  const Reflection& reflection = *message->GetReflection();
  for (const auto& item : node) {
    if (!item.first.IsScalar()) {
      return Error(path.empty() ? "config" : path, item.first,
                   "keys must be plain strings");
    }
    const std::string key = item.first.Scalar();
    const std::string field_path =
        path.empty() ? key : absl::StrCat(path, ".", key);
    const FieldDescriptor* field = FindField(descriptor, key);
    if (field == nullptr) {
      return Error(field_path, item.first, "unknown key");
    }
    if (!field->is_repeated() &&
        field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE &&
        reflection.HasField(*message, field)) {
      return Error(field_path, item.first, "given twice");
    }
    if (const auto* oneof = field->real_containing_oneof();
        oneof != nullptr && reflection.HasOneof(*message, oneof)) {
      return Error(field_path, item.first,
                   absl::StrCat("only one of the ", oneof->name(),
                                " choices may be set"));
    }
    const YAML::Node& value = item.second;
    if (value.IsNull()) continue;
    absl::Status status;
    if (field->is_map()) {
      status = FillMap(value, message, *field, field_path);
    } else if (field->is_repeated()) {
      if (!value.IsSequence()) {
        return Error(field_path, value, "expected a list");
      }
      for (const YAML::Node& element : value) {
        status = SetValue(element, message, *field, field_path);
        if (!status.ok()) break;
      }
    } else {
      status = SetValue(value, message, *field, field_path);
    }
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status YamlToProto(const YAML::Node& node, Message* message) {
  return FillMessage(node, message, "");
}

}  // namespace signet
