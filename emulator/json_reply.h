#ifndef SIGNET_EMULATOR_JSON_REPLY_H_
#define SIGNET_EMULATOR_JSON_REPLY_H_

#include "httplib.h"
#include "nlohmann/json.hpp"

namespace signet::emulator {

// Sets `status` and a JSON body. ordered_json keeps members in the order
// written, which is the order of the seeds' examples. Invalid UTF-8 (e.g.
// echoed header bytes) is replaced rather than thrown on.
void ReplyJson(httplib::Response& res, int status,
               const nlohmann::ordered_json& body);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_JSON_REPLY_H_
