#ifndef SIGNET_COMMON_STATUS_MACROS_H_
#define SIGNET_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Abseil 20220623 ships no status macros; these are the usual two.

#define SIGNET_RETURN_IF_ERROR(expr)                                    \
  do {                                                                  \
    if (::absl::Status signet_status_ = (expr); !signet_status_.ok()) { \
      return signet_status_;                                            \
    }                                                                   \
  } while (false)

#define SIGNET_STATUS_CONCAT_INNER(a, b) a##b
#define SIGNET_STATUS_CONCAT(a, b) SIGNET_STATUS_CONCAT_INNER(a, b)

#define SIGNET_ASSIGN_OR_RETURN(lhs, expr)                                 \
  SIGNET_ASSIGN_OR_RETURN_IMPL(SIGNET_STATUS_CONCAT(signet_or_, __LINE__), \
                               lhs, expr)

#define SIGNET_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr)  \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // SIGNET_COMMON_STATUS_MACROS_H_
