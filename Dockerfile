# DMS service image: multi-stage Swift build, slim Debian runtime.
# Not buildable on the development machine (no Docker engine there); see docs/DEPLOY.md.
FROM swift:6.1-bookworm AS build
WORKDIR /build
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product dms --static-swift-stdlib \
 && mkdir -p /staging \
 && cp "$(swift build -c release --show-bin-path)/dms" /staging/ \
 && cp -R "$(swift build -c release --show-bin-path)/dms_DMSStore.resources" /staging/

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata poppler-utils \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app dms
WORKDIR /app
# The migrations travel in the resource bundle next to the executable.
COPY --from=build /staging /app
USER dms
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
ENTRYPOINT ["/app/dms"]
CMD ["serve"]
