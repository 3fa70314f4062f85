# syntax=docker/dockerfile:1.7
# Lectern in one image: the server binary and the built SPA, run as a
# non-root user on a distroless base (glibc and CA certificates, no shell).
#
#   docker build -t lectern .
#
# The first build compiles every dependency (about 15 minutes on two cores);
# the cache mounts keep the registry and the target folder for the next.

FROM rust:1.95.0-bookworm AS build
# wasm-opt from npm's binaryen: Debian's is too old for today's wasm, and the
# optimised SPA is a third smaller.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/* \
 && npm install --global --no-audit --no-fund binaryen@132
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo run --locked --package xtask -- spa \
 && cargo build --locked --release --package lectern-server --bin lectern \
 && install -D target/release/lectern /out/usr/local/bin/lectern \
 && mkdir -p /out/usr/share/lectern \
 && cp -r frontend/dist /out/usr/share/lectern/dist \
 && install -d -m 0700 /out/var/lib/lectern

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/usr/local/bin/lectern /usr/local/bin/lectern
COPY --from=build /out/usr/share/lectern/dist /usr/share/lectern/dist
COPY --from=build --chown=nonroot:nonroot /out/var/lib/lectern /var/lib/lectern
ENV LECTERN_BIND=0.0.0.0:8080 \
    LECTERN_DATA_DIR=/var/lib/lectern \
    LECTERN_STATIC_DIR=/usr/share/lectern/dist \
    LECTERN_LOG_FORMAT=json
USER nonroot
VOLUME /var/lib/lectern
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["lectern", "healthcheck"]
ENTRYPOINT ["lectern"]
CMD ["serve"]
