import CustosPolicy
import Testing

@Suite struct ExtensionTests {
    @Test func decimals() {
        #expect(CedarDecimal(parsing: "1.5")?.tenThousandths == 15000)
        #expect(CedarDecimal(parsing: "-0.0001")?.tenThousandths == -1)
        #expect(CedarDecimal(parsing: "922337203685477.5807")?.tenThousandths == Int64.max)
        #expect(CedarDecimal(parsing: "-922337203685477.5808")?.tenThousandths == Int64.min)
        for bad in ["1", ".5", "1.", "1.23456", "922337203685477.5808", "+1.0", "1.0a", "", "-"] {
            #expect(CedarDecimal(parsing: bad) == nil, "\(bad)")
        }
        #expect(CedarDecimal(tenThousandths: -12500).description == "-1.2500")
    }

    @Test func ipAddresses() throws {
        let v4 = try #require(IPAddress(parsing: "192.168.0.1/24"))
        #expect(!v4.isIPv6 && v4.prefixLength == 24)
        #expect(try #require(IPAddress(parsing: "192.168.0.7")).isInRange(v4))
        #expect(try #require(IPAddress(parsing: "::ffff")).isIPv6)
        #expect(try #require(IPAddress(parsing: "1:2:3:4:5:6:7:8/128")).prefixLength == 128)
        #expect(try #require(IPAddress(parsing: "127.0.0.1")).isLoopback)
        for bad in [
            "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.1.1.1", "1.2.3.4/33", "1.2.3.4/01", ":::", "1::2::3",
            "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8:9", "12345::", "1.2.3.4/",
        ] {
            #expect(IPAddress(parsing: bad) == nil, "\(bad)")
        }
        let a = try #require(IPAddress(parsing: "10.0.0.1"))
        let b = try #require(IPAddress(parsing: "10.0.0.1/32"))
        #expect(a == b)
    }

    @Test func datetimes() throws {
        #expect(CedarDatetime(parsing: "1970-01-01")?.millisecondsSinceEpoch == 0)
        #expect(CedarDatetime(parsing: "1970-01-02T00:00:00Z")?.millisecondsSinceEpoch == 86_400_000)
        #expect(CedarDatetime(parsing: "1970-01-01T01:00:00+0100")?.millisecondsSinceEpoch == 0)
        #expect(CedarDatetime(parsing: "1969-12-31T23:59:59.999Z")?.millisecondsSinceEpoch == -1)
        #expect(CedarDatetime(parsing: "2000-02-29")?.millisecondsSinceEpoch == 951_782_400_000)
        for bad in [
            "2001-02-29", "2024-1-01", "2024-01-01T", "2024-01-01T00:00:00", "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:60Z", "2024-01-01T00:00:00.1Z", "2024-01-01T00:00:00+2400", "2024-01-01Z",
        ] {
            #expect(CedarDatetime(parsing: bad) == nil, "\(bad)")
        }
        let before = try #require(CedarDatetime(parsing: "1969-12-31T12:00:00Z"))
        #expect(before.toTime().milliseconds == 43_200_000)
        #expect(before.toDate()?.millisecondsSinceEpoch == -86_400_000)
        #expect(CedarDatetime(millisecondsSinceEpoch: Int64.min).toDate() == nil)
    }

    @Test func durations() {
        #expect(CedarDuration(parsing: "1h30m")?.milliseconds == 5_400_000)
        #expect(CedarDuration(parsing: "-2d")?.milliseconds == -172_800_000)
        #expect(CedarDuration(parsing: "5ms")?.milliseconds == 5)
        #expect(CedarDuration(parsing: "-9223372036854775808ms")?.milliseconds == Int64.min)
        for bad in ["", "-", "1", "1x", "1s1m", "1d1d", "9223372036854775808ms", "106751991167301d", "1.5h"] {
            #expect(CedarDuration(parsing: bad) == nil, "\(bad)")
        }
        #expect(CedarDuration(milliseconds: -90_000_000).days == -1)
    }
}

extension ExtensionTests {
    /// Printed extension values are Cedar expressions that evaluate back to the same value.
    @Test func descriptionsEvaluateBack() throws {
        let evaluator = Evaluator(
            request: AuthorizationRequest(
                principal: EntityUID(type: "U", id: "u"),
                action: EntityUID(type: "Action", id: "a"),
                resource: EntityUID(type: "R", id: "r")
            ),
            entities: EntityStore()
        )
        let values: [ExtensionValue] = [
            .decimal(CedarDecimal(tenThousandths: -12345)), .ipaddr(try #require(IPAddress(parsing: "10.0.0.0/8"))),
            .ipaddr(try #require(IPAddress(parsing: "fe80::1/64"))), .duration(CedarDuration(milliseconds: -5)),
            .datetime(CedarDatetime(millisecondsSinceEpoch: 1_700_000_000_123)),
            .datetime(CedarDatetime(millisecondsSinceEpoch: Int64.min)),
        ]
        for value in values {
            let text = Value.extensionValue(value).description
            #expect(try evaluator.evaluate(try CedarExpression(parsing: text)) == .extensionValue(value), "\(text)")
        }
    }
}
