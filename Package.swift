// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "dms",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dms", targets: ["dms"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Server-rendered French pages.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // bcrypt for passwords (HummingbirdBcrypt only: it needs nothing but its C core).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // NIOHTTPTypes: the connection handler that closes after an early error (EarlyCloseHandler).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Reads uploaded OOXML archives with our own limits (entry count, sizes, budgets).
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // Metrics: the swift-metrics API, through a factory the layers are given (no global bootstrap).
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // The registry `GET /metrics` writes out in Prometheus text (rather than our own exposition writer).
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure domain: no I/O, no NIO, no SQL.
        .target(
            name: "DMSCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL: configuration, migrations, repositories, error classification.
        .target(
            name: "DMSStore",
            dependencies: [
                "DMSCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // libxlsxwriter (Debian libxlsxwriter-dev), through a shim header: writes the CBA workbook.
        .systemLibrary(
            name: "CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // Documents: what a file is (from its bytes), reading DOCX/PDF text, writing CBA/PV.
        .target(
            name: "DMSDocuments",
            dependencies: [
                "DMSCore",
                "CXLSXWriter",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Resources/pv")],
            swiftSettings: swiftSettings
        ),
        // Use cases: one type per operation, shared by the JSON API and the web pages.
        .target(
            name: "DMSApp",
            dependencies: [
                "DMSCore",
                "DMSStore",
                "DMSDocuments",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            // The auditor's archive carries its own verifier and LISEZMOI (docs/ARCHIVE.md).
            resources: [.copy("Resources/archive")],
            swiftSettings: swiftSettings
        ),
        // HTTP: routes (decode → use case → encode), wire DTOs, error mapping. No SQL, no driver types.
        .target(
            name: "DMSServer",
            dependencies: [
                "DMSCore",
                "DMSStore",
                "DMSApp",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                // The open-connection count shared by every connection (EdgeGate).
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/web")],
            swiftSettings: swiftSettings
        ),
        // Executable: wiring only.
        .executableTarget(
            name: "dms",
            dependencies: [
                "DMSServer",
                "DMSApp",
                "DMSCore",
                "DMSStore",
                "DMSDocuments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Real-PostgreSQL helpers shared by the test targets (a fresh database per test).
        .target(
            name: "DMSTestSupport",
            dependencies: [
                "DMSApp",
                "DMSServer",
                "DMSStore",
                "DMSCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // StoppableApp: the application in a service group a test shuts down mid-request.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Tests/DMSTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DMSCoreTests",
            dependencies: ["DMSCore"],
            // The labelled price-schedule corpus (tune, blind, extra), read through Bundle.module.
            resources: [.copy("../PriceScheduleCorpus")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DMSDocumentsTests",
            dependencies: ["DMSDocuments", "DMSCore", "DMSTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DMSStoreTests",
            dependencies: [
                "DMSStore", "DMSCore", "DMSTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DMSServerTests",
            dependencies: [
                "DMSTestSupport",
                "DMSApp",
                "DMSServer",
                "DMSStore",
                "DMSCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
