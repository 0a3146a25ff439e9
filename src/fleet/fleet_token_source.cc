#include "fleet/fleet_token_source.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "crypto/aes_gcm.h"

namespace signet {
namespace {

// Deletes KEYS[1] only while it still holds ARGV[1]: releasing a lock that
// expired and was taken by another replica, or deleting a rejected token
// another replica already replaced, must not touch their value.
constexpr char kCompareAndDelete[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('DEL', KEYS[1]) else return 0 end";

// Sealed plaintext: the expiry in Unix microseconds (8 bytes, big-endian),
// then the token.
std::string Plaintext(const Token& token) {
  const int64_t micros = absl::ToUnixMicros(token.expires_at);
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>((static_cast<uint64_t>(micros) >> (56 - 8 * i)) &
                               0xff);
  }
  const absl::string_view value = token.value.Reveal();
  out.append(value.data(), value.size());
  return out;
}

std::optional<Token> FromPlaintext(std::string plaintext) {
  if (plaintext.size() <= 8) return std::nullopt;
  uint64_t micros = 0;
  for (int i = 0; i < 8; ++i) {
    micros = (micros << 8) | static_cast<unsigned char>(plaintext[i]);
  }
  Token token{Secret(plaintext.substr(8)),
              absl::FromUnixMicros(static_cast<int64_t>(micros))};
  std::fill(plaintext.begin(), plaintext.end(), '\0');
  return token;
}

std::string NewOwner() {
  absl::StatusOr<std::string> nonce = RandomNonce();
  // Without randomness the owner is still unique enough among replicas for
  // a lock that also expires by itself; it never protects a secret.
  return nonce.ok() ? absl::BytesToHexString(*nonce)
                    : absl::StrCat(reinterpret_cast<uintptr_t>(&nonce));
}

}  // namespace

struct FleetTokenSource::Attempt {
  TokenCallback on_done;
  absl::Time wait_until = absl::InfinitePast();
  absl::Duration next_poll;
};

FleetTokenSource::FleetTokenSource(Options options,
                                   std::shared_ptr<TokenSource> local,
                                   std::shared_ptr<RedisCommands> redis,
                                   const Clock* clock, Scheduler* scheduler)
    : options_(std::move(options)),
      lock_key_(options_.key + ":lock"),
      local_(std::move(local)),
      redis_(std::move(redis)),
      clock_(*clock),
      scheduler_(*scheduler) {}

void FleetTokenSource::Fetch(TokenCallback on_done) {
  auto attempt = std::make_shared<Attempt>();
  attempt->on_done = std::move(on_done);
  attempt->next_poll = options_.first_poll;
  Read(std::move(attempt));
}

void FleetTokenSource::Rejected(const Secret& token) {
  absl::MutexLock lock(&mu_);
  rejected_ = token;
}

std::optional<Token> FleetTokenSource::Usable(const RedisReply& reply,
                                              bool* rejected) const {
  *rejected = false;
  if (reply.type != RedisReply::Type::kString) return std::nullopt;
  absl::StatusOr<std::string> plaintext =
      AesGcmOpen(options_.encryption_key.Reveal(), options_.key, reply.text);
  if (!plaintext.ok()) return std::nullopt;  // another key, or garbage
  std::optional<Token> token = FromPlaintext(*std::move(plaintext));
  if (!token.has_value()) return std::nullopt;
  {
    absl::MutexLock lock(&mu_);
    if (rejected_.has_value() && rejected_->Equals(token->value.Reveal())) {
      *rejected = true;
      return std::nullopt;
    }
  }
  if (clock_.Now() >= token->expires_at - options_.refresh_before) {
    return std::nullopt;  // due: time for a new one
  }
  return token;
}

absl::StatusOr<std::string> FleetTokenSource::Seal(const Token& token) const {
  absl::StatusOr<std::string> nonce = RandomNonce();
  if (!nonce.ok()) return nonce.status();
  std::string plaintext = Plaintext(token);
  absl::StatusOr<std::string> sealed = AesGcmSeal(
      options_.encryption_key.Reveal(), *nonce, options_.key, plaintext);
  std::fill(plaintext.begin(), plaintext.end(), '\0');
  return sealed;
}

void FleetTokenSource::Read(std::shared_ptr<Attempt> attempt) {
  redis_->Command(
      {"GET", options_.key}, [self = shared_from_this(), attempt](
                                 absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) {
          self->FetchLocally(std::move(attempt));
          return;
        }
        bool rejected = false;
        if (std::optional<Token> token = self->Usable(*reply, &rejected)) {
          std::move(attempt->on_done)(*std::move(token));
          return;
        }
        if (rejected) {
          // Delete it only if it is still the rejected one; either way the
          // lock decides who fetches the next.
          self->redis_->Command(
              {"EVAL", kCompareAndDelete, "1", self->options_.key, reply->text},
              [self, attempt](absl::StatusOr<RedisReply>) mutable {
                self->Lock(std::move(attempt));
              });
          return;
        }
        self->Lock(std::move(attempt));
      });
}

void FleetTokenSource::Lock(std::shared_ptr<Attempt> attempt) {
  std::string owner = NewOwner();
  const int64_t lock_ms =
      std::max<int64_t>(1, absl::ToInt64Milliseconds(options_.token_timeout));
  redis_->Command(
      {"SET", lock_key_, owner, "NX", "PX", std::to_string(lock_ms)},
      [self = shared_from_this(), attempt,
       owner](absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) {
          self->FetchLocally(std::move(attempt));
        } else if (reply->type == RedisReply::Type::kStatus) {
          self->ReadUnderLock(std::move(attempt), std::move(owner));
        } else {  // nil: another replica is fetching
          attempt->wait_until =
              self->clock_.Now() + self->options_.token_timeout;
          self->Poll(std::move(attempt));
        }
      });
}

void FleetTokenSource::ReadUnderLock(std::shared_ptr<Attempt> attempt,
                                     std::string owner) {
  // The replica that held the lock before may have stored a token between
  // this replica's first read and its lock: use that one, issue none.
  redis_->Command({"GET", options_.key},
                  [self = shared_from_this(), attempt,
                   owner](absl::StatusOr<RedisReply> reply) mutable {
                    bool rejected = false;
                    std::optional<Token> token;
                    if (reply.ok()) token = self->Usable(*reply, &rejected);
                    if (!token.has_value()) {
                      self->FetchAndStore(std::move(attempt), std::move(owner));
                      return;
                    }
                    self->Release(owner);
                    std::move(attempt->on_done)(*std::move(token));
                  });
}

void FleetTokenSource::Release(const std::string& owner) {
  redis_->Command({"EVAL", kCompareAndDelete, "1", lock_key_, owner},
                  [](absl::StatusOr<RedisReply>) {});
}

void FleetTokenSource::FetchAndStore(std::shared_ptr<Attempt> attempt,
                                     std::string owner) {
  local_->Fetch([self = shared_from_this(), attempt,
                 owner](absl::StatusOr<Token> token) mutable {
    auto release = [self, owner] { self->Release(owner); };
    if (!token.ok()) {
      release();
      std::move(attempt->on_done)(token.status());
      return;
    }
    {
      absl::MutexLock lock(&self->mu_);
      self->rejected_.reset();  // a new token replaces whatever was refused
    }
    const absl::Duration ttl = token->expires_at - self->clock_.Now();
    absl::StatusOr<std::string> sealed = self->Seal(*token);
    if (sealed.ok() && ttl >= absl::Milliseconds(1)) {
      // Stored before the lock goes, so a replica polling finds it.
      self->redis_->Command(
          {"SET", self->options_.key, *std::move(sealed), "PX",
           std::to_string(absl::ToInt64Milliseconds(ttl))},
          [release](absl::StatusOr<RedisReply>) { release(); });
    } else {
      release();
    }
    std::move(attempt->on_done)(*std::move(token));
  });
}

void FleetTokenSource::Poll(std::shared_ptr<Attempt> attempt) {
  const absl::Duration delay = attempt->next_poll;
  attempt->next_poll = std::min(attempt->next_poll * 2, options_.max_poll);
  scheduler_.RunAfter(delay, [self = shared_from_this(), attempt]() mutable {
    self->redis_->Command(
        {"GET", self->options_.key},
        [self, attempt](absl::StatusOr<RedisReply> reply) mutable {
          if (!reply.ok()) {
            self->FetchLocally(std::move(attempt));
            return;
          }
          bool rejected = false;
          if (std::optional<Token> token = self->Usable(*reply, &rejected)) {
            std::move(attempt->on_done)(*std::move(token));
          } else if (self->clock_.Now() >= attempt->wait_until) {
            // The lock holder is stuck or gone: do not wait any longer.
            self->FetchLocally(std::move(attempt));
          } else {
            self->Poll(std::move(attempt));
          }
        });
  });
}

void FleetTokenSource::FetchLocally(std::shared_ptr<Attempt> attempt) {
  local_->Fetch([attempt](absl::StatusOr<Token> token) mutable {
    std::move(attempt->on_done)(std::move(token));
  });
}

}  // namespace signet
