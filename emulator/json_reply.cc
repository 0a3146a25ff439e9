#include "emulator/json_reply.h"

namespace signet::emulator {

void ReplyJson(httplib::Response& res, int status,
               const nlohmann::ordered_json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false,
                            nlohmann::ordered_json::error_handler_t::replace),
                  "application/json");
}

}  // namespace signet::emulator
