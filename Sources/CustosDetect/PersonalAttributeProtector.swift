import Crypto
public import CustosCore

/// Replaces the personal attributes of reference data by keyed hashes of their normalised values, so the oversight
/// system holds no second copy of names and addresses while equality matching (same surname, same address) still
/// works between values protected with the same key.
///
/// A protected value is `hmac:v1:` followed by the unpadded base64url HMAC-SHA256, under the operator's key, of the
/// normalised value (``PersonalAttributeNormalizer``): `hmac:v1:` + 43 characters. Protection is idempotent: a
/// value that is already protected passes unchanged. Protected attributes (docs/reference-data.md):
/// `Custos::Person` `surname`, `given_name`, `address`; `Custos::User` `surname`, `given_name`, `home_address`.
/// Addresses (a record `{street, city, state, zip}` or a string) become one protected string of their street-level
/// key.
public struct PersonalAttributeProtector: Sendable {
    /// The prefix of every protected value.
    public static let tag = "hmac:v1:"

    /// The attributes protected, per entity type.
    public static let protectedAttributes: [String: (names: [String], addresses: [String])] = [
        "Custos::Person": (["surname", "given_name"], ["address"]),
        "Custos::User": (["surname", "given_name"], ["home_address"]),
    ]

    private let key: SymmetricKey

    /// A protector with the operator's key (at least 16 bytes; 32 random bytes recommended).
    public init?(key: [UInt8]) {
        guard key.count >= 16 else { return nil }
        self.key = SymmetricKey(data: key)
    }

    /// Whether a text is already a protected value.
    public static func isProtected(_ text: String) -> Bool {
        text.hasPrefix(tag) && text.utf8.count == tag.utf8.count + 43
    }

    /// The protected form of a name or other free text (unchanged when already protected).
    public func protect(name: String) -> String {
        Self.isProtected(name) ? name : seal(PersonalAttributeNormalizer.name(name))
    }

    /// The protected form of an address: a record with `street`, `city`, `state` or a one-line string.
    /// Returns nil for a value that is neither.
    public func protect(address: JSONValue) -> String? {
        Self.addressKey(address).map { Self.isProtected($0) ? $0 : seal($0) }
    }

    /// The normalised street-level key of an address value, or the value itself when already protected.
    public static func addressKey(_ address: JSONValue) -> String? {
        switch address {
        case .string(let text):
            return isProtected(text) ? text : PersonalAttributeNormalizer.address(street: text, city: nil, state: nil)
        case .object(let object):
            guard let street = object["street"]?.stringValue else { return nil }
            return PersonalAttributeNormalizer.address(
                street: street,
                city: object["city"]?.stringValue,
                state: object["state"]?.stringValue
            )
        default:
            return nil
        }
    }

    /// An entities array with every documented personal attribute protected; everything else is unchanged.
    public func protect(entities: JSONValue) -> JSONValue {
        guard let list = entities.arrayValue else { return entities }
        return .array(list.map(protect(entity:)))
    }

    /// One entity with its personal attributes protected.
    public func protect(entity: JSONValue) -> JSONValue {
        guard var object = entity.objectValue, let type = object["uid"]?.objectValue?["type"]?.stringValue,
            let fields = Self.protectedAttributes[type], var attrs = object["attrs"]?.objectValue
        else { return entity }
        for name in fields.names {
            if let text = attrs[name]?.stringValue { attrs[name] = .string(protect(name: text)) }
        }
        for name in fields.addresses {
            if let value = attrs[name], let protected = protect(address: value) { attrs[name] = .string(protected) }
        }
        object["attrs"] = .object(attrs)
        return .object(object)
    }

    private func seal(_ normalized: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(normalized.utf8), using: key)
        return Self.tag + Self.base64URL(Array(mac))
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func base64URL(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index + 2 < bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
            out.append(alphabet[Int(n & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let n = UInt32(bytes[index]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
