// Wraps the store's data key with an AES-256-GCM key kept in the Keychain (readable after
// first unlock, this device only, never synced or backed up to another device). The wrapped
// bytes the core keeps beside the database are the nonce, ciphertext and tag
// (`AES.GCM.SealedBox.combined`); they are useless without this Keychain item.
import CryptoKit
import Foundation
import Security

public final class KeychainKeyWrapper: PlatformKeyWrapper {
    private let service: String
    private let account = "data-key-wrapping-key"

    public init(service: String = "cn.zhifa.store") { self.service = service }

    public func wrap(key: Data) throws -> Data {
        guard let wrappingKey = try wrappingKey(createIfMissing: true) else {
            throw PlatformError.Unavailable(reason: "no wrapping key in the keychain")
        }
        let sealed = try AES.GCM.seal(key, using: wrappingKey)
        return sealed.combined!  // the default 12-byte nonce always has a combined form
    }

    /// `Refused` when the bytes do not open with this device's key (another device's file,
    /// altered, or the Keychain item is gone): the core then sets the store aside.
    public func unwrap(wrapped: Data) throws -> Data {
        guard let key = try wrappingKey(createIfMissing: false) else { throw PlatformError.Refused }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: key)
        } catch {
            throw PlatformError.Refused
        }
    }

    private func wrappingKey(createIfMissing: Bool) throws -> SymmetricKey? {
        var query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
        ]
        var found = query
        found[kSecReturnData as String] = true
        var item: CFTypeRef?
        switch SecItemCopyMatching(found as CFDictionary, &item) {
        case errSecSuccess:
            return SymmetricKey(data: item as! Data)
        case errSecItemNotFound where createIfMissing:
            let key = SymmetricKey(size: .bits256)
            query[kSecValueData as String] = key.withUnsafeBytes { Data($0) }
            query[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
            let status = SecItemAdd(query as CFDictionary, nil)
            guard status == errSecSuccess else {
                throw PlatformError.Unavailable(reason: "keychain add status \(status)")
            }
            return key
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            // Before the first unlock after a reboot (a background task woke the app).
            throw PlatformError.Unavailable(reason: "the keychain is locked until first unlock")
        case let status:
            throw PlatformError.Unavailable(reason: "keychain status \(status)")
        }
    }
}

