# DMS service image: multi-stage Swift build, slim Debian runtime.
# Not buildable on the development machine (no Docker engine there); see docs/DEPLOY.md.
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libxlsxwriter-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product dms --static-swift-stdlib \
 && mkdir -p /staging \
 && cp "$(swift build -c release --show-bin-path)/dms" /staging/ \
 && cp -R "$(swift build -c release --show-bin-path)"/*.resources /staging/

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata poppler-utils tesseract-ocr tesseract-ocr-fra libxlsxwriter4 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app dms
WORKDIR /app
# Migrations, the OpenAPI description and the PV template travel in resource bundles next to the executable.
COPY --from=build /staging /app
USER dms
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
ENTRYPOINT ["/app/dms"]
CMD ["serve"]
