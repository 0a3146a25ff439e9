#ifndef SIGNET_EMULATOR_EMULATOR_SERVER_H_
#define SIGNET_EMULATOR_EMULATOR_SERVER_H_

#include <microhttpd.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/optional.h"
#include "emulator/held_connections.h"
#include "emulator/http_message.h"

namespace signet::emulator {

// Answers `request` in `response`, or returns a Hold: the connection is
// then suspended and the handler called again, with request.resumed set,
// once the hold ends. A resumed request must be answered.
using RequestHandler =
    std::function<absl::optional<Hold>(const HttpRequest&, HttpResponse&)>;

// The emulator's HTTP/1.1 server on libmicrohttpd: a pool of polling
// threads (epoll), keep-alive, and requests handed over whole, with header
// values as sent. Not signet's src/http server: the emulator links nothing
// from src/, so a bug there cannot hide itself here.
class EmulatorServer {
 public:
  // Listens on `host`:`port` (0: an ephemeral port) with `threads` polling
  // threads.
  static absl::StatusOr<std::unique_ptr<EmulatorServer>> Start(
      const std::string& host, int port, int threads, RequestHandler handler);

  // Stops (see Stop).
  ~EmulatorServer();

  EmulatorServer(const EmulatorServer&) = delete;
  EmulatorServer& operator=(const EmulatorServer&) = delete;

  // The port bound.
  int port() const { return port_; }

  // Asks held requests whether they are released (see Hold::released).
  void RecheckHolds() { held_.Recheck(); }

  // Resumes held requests and closes every connection, idle keep-alive ones
  // included. Idempotent.
  void Stop();

 private:
  struct Exchange;

  explicit EmulatorServer(RequestHandler handler);

  static void* OnUri(void* cls, const char* uri, MHD_Connection* connection);
  static MHD_Result OnRequest(void* cls, MHD_Connection* connection,
                              const char* url, const char* method,
                              const char* version, const char* upload_data,
                              size_t* upload_data_size, void** context);
  static void OnCompleted(void* cls, MHD_Connection* connection, void** context,
                          MHD_RequestTerminationCode code);

  MHD_Result Handle(MHD_Connection* connection, Exchange& exchange,
                    const char* method, const char* upload_data,
                    size_t* upload_data_size);

  const RequestHandler handler_;
  HeldConnections held_;
  MHD_Daemon* daemon_ = nullptr;
  // Ours until MHD starts on it.
  int listen_fd_ = -1;
  int port_ = 0;
};

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_EMULATOR_SERVER_H_
