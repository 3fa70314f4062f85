# Lectern in one image: the server binary and the built SPA.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo xtask spa \
 && cargo build --release -p lectern-server --bin lectern

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/lectern --create-home lectern
COPY --from=build /src/target/release/lectern /usr/local/bin/lectern
COPY --from=build /src/frontend/dist /usr/share/lectern/dist
ENV LECTERN_BIND=0.0.0.0:8080 \
    LECTERN_DATA_DIR=/var/lib/lectern \
    LECTERN_STATIC_DIR=/usr/share/lectern/dist \
    LECTERN_LOG_FORMAT=json
USER lectern
VOLUME /var/lib/lectern
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["lectern"]
CMD ["serve"]
