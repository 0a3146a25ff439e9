#ifndef SIGNET_TESTING_FREE_PORT_H_
#define SIGNET_TESTING_FREE_PORT_H_

namespace signet::testing {

// A free loopback TCP port (bound, then released), for servers that cannot
// pick their own (nginx, redis-server); -1 if none could be bound.
int FreePort();

}  // namespace signet::testing

#endif  // SIGNET_TESTING_FREE_PORT_H_
