# syntax=docker/dockerfile:1
# signet image: built with the same script the README and CI use.
#   docker build -t signet .
#   docker run --rm -v $PWD/config.yaml:/etc/signet/config.yaml signet --config /etc/signet/config.yaml

FROM debian:bookworm AS build
WORKDIR /src
COPY . .
# Exactly what CI runs: scripts/test.sh installs the Debian packages it needs,
# builds and runs every test; the image is only made from a green build.
RUN ./scripts/test.sh \
 && strip -o /tmp/signet build/src/signet \
 && install -D /tmp/signet /out/signet

FROM debian:bookworm-slim AS runtime
# Only the shared libraries signet links against, plus CA certificates and
# zone data for expire_time_zone.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libgrpc++1.51 libprotobuf32 libcurl4 libssl3 libyaml-cpp0.7 \
      libabsl20220623 libmicrohttpd12 libprometheus-cpp-core1.0 \
      ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 65532 --no-create-home --shell /usr/sbin/nologin signet
COPY --from=build /out/signet /usr/local/bin/signet
USER 65532:65532
EXPOSE 50051 8081 9090
ENTRYPOINT ["/usr/local/bin/signet"]
CMD ["--config", "/etc/signet/config.yaml"]
