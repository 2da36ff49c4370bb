// swift-tools-version:5.9
// ZhifaKit: the Swift face of the zhifa core for the iOS app.
//
// `scripts/xcframework` (on a Mac) fills in what is generated and never committed:
//   Frameworks/ZhifaFFI.xcframework   libzhifa_ffi.a per platform, the C module ZhifaFFI
//   Sources/Zhifa/ZhifaCore.swift     records and enums of zhifa-core (UniFFI)
//   Sources/Zhifa/Zhifa.swift         objects and records of zhifa-ffi (UniFFI)
// Both generated files form one Swift module, Zhifa: UniFFI's Swift calls one crate's
// converters from the other's file without an import. The hand-written files beside them are
// the custom-type helpers the generated code calls and the error's LocalizedError
// conformance; ZhifaKit is the shell's own layer over the module.
import PackageDescription

let package = Package(
    name: "ZhifaKit",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "ZhifaKit", targets: ["ZhifaKit"]),
    ],
    targets: [
        .binaryTarget(name: "ZhifaFFI", path: "Frameworks/ZhifaFFI.xcframework"),
        .target(
            name: "Zhifa", dependencies: ["ZhifaFFI"], path: "Sources/Zhifa",
            // What the Rust static library calls: the keychain and certificates (rustls'
            // platform roots, SQLCipher's randomness) and the proxy settings reqwest reads.
            linkerSettings: [.linkedFramework("Security"), .linkedFramework("SystemConfiguration")]),
        .target(name: "ZhifaKit", dependencies: ["Zhifa"], path: "Sources/ZhifaKit"),
    ]
)
