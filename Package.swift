// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "custos",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "custos", targets: ["custos"]),
        .library(name: "CustosCore", targets: ["CustosCore"]),
        .library(name: "CustosLedger", targets: ["CustosLedger"]),
        .library(name: "CustosDetect", targets: ["CustosDetect"]),
        .library(name: "CustosPolicy", targets: ["CustosPolicy"]),
        .library(name: "CustosStore", targets: ["CustosStore"]),
        .library(name: "CustosSQLite", targets: ["CustosSQLite"]),
        .library(name: "CustosServer", targets: ["CustosServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Pure logic: no I/O.
        .target(name: "CustosCore", swiftSettings: swiftSettings),
        .target(name: "CCustosSHA256"),
        .target(
            name: "CustosLedger",
            dependencies: ["CCustosSHA256", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(name: "CustosPolicy", dependencies: ["CustosCore"], swiftSettings: swiftSettings),
        .target(
            name: "CustosDetect",
            dependencies: [
                "CustosCore", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "CustosSimulation", dependencies: ["CustosCore"], swiftSettings: swiftSettings),

        // Storage.
        .target(name: "CustosStore", dependencies: ["CustosCore", "CustosLedger"], swiftSettings: swiftSettings),
        .target(name: "CCustosSQLiteConfig", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "CustosSQLite",
            dependencies: [
                "CustosStore", "CustosLedger", "CCustosSQLiteConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // Edges.
        .target(
            name: "CustosServer",
            dependencies: [
                "CustosCore", "CustosStore", "CustosSQLite", "CustosLedger", "CustosPolicy",
                "CustosDetect",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "custos",
            dependencies: [
                "CustosServer", "CustosSimulation", "CustosLedger",
                "CustosPolicy",
                "CustosDetect",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CustosTestKit",
            dependencies: [
                "CustosCore", "CustosStore", "CustosSQLite", "CustosLedger",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests: one target per module.
        .testTarget(
            name: "CustosCoreTests",
            dependencies: ["CustosCore", "CustosTestKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustosLedgerTests",
            dependencies: ["CustosLedger", "CustosCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustosPolicyTests",
            dependencies: ["CustosPolicy", "CustosCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustosDetectTests",
            dependencies: ["CustosDetect", "CustosCore", "CustosSimulation"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustosSimulationTests",
            dependencies: ["CustosSimulation"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustosSQLiteTests",
            dependencies: [
                "CustosSQLite", "CustosTestKit", "CustosLedger", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustosServerTests",
            dependencies: [
                "CustosServer", "CustosTestKit", "CustosLedger",
                "CustosDetect",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
