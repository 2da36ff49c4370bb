// The device key in the Secure Enclave: a P-256 key created there, never exportable, found
// again by its application tag. The core binds the duty credential and enrolment to its
// public key and verifies every signature it returns against it.
import Foundation
import Security

// @unchecked: a SecKey is immutable and the Security framework may use it from any thread.
public final class SecureEnclaveKeystore: PlatformKeystore, @unchecked Sendable {
    private let privateKey: SecKey
    private let spki: Data
    private let queue = DispatchQueue(label: "cn.zhifa.keystore", qos: .userInitiated)

    /// The key under `tag`, created on first use. With `userPresence` every signature asks for
    /// Face ID / Touch ID or the passcode (the core's call waits; it is async). The Simulator
    /// has no Secure Enclave: there the key is an ordinary Keychain key, for development only.
    public static func loadOrCreate(
        tag: String = "cn.zhifa.device-key", userPresence: Bool = false
    ) throws -> SecureEnclaveKeystore {
        if let key = try find(tag: tag) { return try SecureEnclaveKeystore(privateKey: key) }
        return try SecureEnclaveKeystore(privateKey: create(tag: tag, userPresence: userPresence))
    }

    private init(privateKey: SecKey) throws {
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            throw PlatformError.Unavailable(reason: "the Secure Enclave key has no public key")
        }
        var error: Unmanaged<CFError>?
        guard let point = SecKeyCopyExternalRepresentation(publicKey, &error) as Data? else {
            throw PlatformError.Unavailable(reason: describe(error))
        }
        self.privateKey = privateKey
        self.spki = p256SpkiPrefix + point  // X9.63 04‖X‖Y inside SubjectPublicKeyInfo
    }

    public func publicKey() -> Data { spki }

    /// ECDSA over SHA-256, DER-encoded as SecKeyCreateSignature returns it; the core
    /// normalises DER to r‖s and checks it against the key.
    public func sign(message: Data) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            // Off the caller's thread: with user presence this blocks until the prompt ends.
            queue.async { [privateKey] in
                var error: Unmanaged<CFError>?
                if let signature = SecKeyCreateSignature(
                    privateKey, .ecdsaSignatureMessageX962SHA256, message as CFData, &error)
                {
                    continuation.resume(returning: signature as Data)
                } else {
                    continuation.resume(throwing: PlatformError.Unavailable(reason: describe(error)))
                }
            }
        }
    }

    /// Deletes the key (a device handed back); the store it signed for must be enrolled anew.
    public static func delete(tag: String = "cn.zhifa.device-key") {
        SecItemDelete(query(tag: tag) as CFDictionary)
    }

    private static func query(tag: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassKey,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrApplicationTag as String: Data(tag.utf8),
        ]
    }

    private static func find(tag: String) throws -> SecKey? {
        var q = query(tag: tag)
        q[kSecReturnRef as String] = true
        var item: CFTypeRef?
        switch SecItemCopyMatching(q as CFDictionary, &item) {
        case errSecSuccess: return (item as! SecKey)
        case errSecItemNotFound: return nil
        case let status: throw PlatformError.Unavailable(reason: "keychain status \(status)")
        }
    }

    private static func create(tag: String, userPresence: Bool) throws -> SecKey {
        var flags: SecAccessControlCreateFlags = [.privateKeyUsage]
        if userPresence { flags.insert(.userPresence) }
        var error: Unmanaged<CFError>?
        guard
            let access = SecAccessControlCreateWithFlags(
                nil, kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly, flags, &error)
        else { throw PlatformError.Unavailable(reason: describe(error)) }
        var attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: Data(tag.utf8),
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        #if !targetEnvironment(simulator)
            attributes[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave
        #endif
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw PlatformError.Unavailable(reason: describe(error))
        }
        return key
    }
}

/// SubjectPublicKeyInfo DER up to the point: SEQUENCE { SEQUENCE { id-ecPublicKey,
/// prime256v1 }, BIT STRING (65 bytes follow) }.
private let p256SpkiPrefix = Data([
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
])

func describe(_ error: Unmanaged<CFError>?) -> String {
    guard let error = error?.takeRetainedValue() else { return "unknown Security error" }
    return CFErrorCopyDescription(error) as String? ?? "Security error \(CFErrorGetCode(error))"
}
