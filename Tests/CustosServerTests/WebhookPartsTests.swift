import CustosCore
import CustosServer
import CustosTestKit
import Foundation
import Testing

/// The pure parts of webhooks: the signature recipe, the backoff schedule and the configuration.
@Suite("Webhook parts")
struct WebhookPartsTests {
    @Test func signatureIsHMACSHA256OfTimestampDotBody() {
        let secret = Array("0123456789abcdef-secret".utf8)
        let body = Array(#"{"id":"dlv_1","kind":"ping"}"#.utf8)
        // Computed independently: python3 -c "import hmac,hashlib; print(hmac.new(b'0123456789abcdef-secret',
        //   b'1764000000.{\"id\":\"dlv_1\",\"kind\":\"ping\"}', hashlib.sha256).hexdigest())"
        let expected = "sha256=cc358ea940d54a5349b4784107f12748bb87826796cdb4c79414ab021a1cc1f4"
        #expect(WebhookSignature.sign(secret: secret, timestamp: 1_764_000_000, body: body) == expected)
        #expect(WebhookSignature.verify(expected, secret: secret, timestamp: 1_764_000_000, body: body))
        #expect(!WebhookSignature.verify(expected, secret: secret, timestamp: 1_764_000_001, body: body))
        #expect(!WebhookSignature.verify(expected, secret: secret, timestamp: 1_764_000_000, body: body + [0x20]))
        #expect(!WebhookSignature.verify(expected, secret: Array("other".utf8), timestamp: 1_764_000_000, body: body))
        #expect(!WebhookSignature.verify("sha256=00", secret: secret, timestamp: 1_764_000_000, body: body))
    }

    @Test func backoffDoublesUpToTheCapWithJitterAndRetryAfter() {
        let delays = (1...6).map {
            WebhookBackoff.delay(afterAttempt: $0, baseSeconds: 1, capSeconds: 10, jitter: 1)
        }
        #expect(delays == [1, 2, 4, 8, 10, 10])
        #expect(WebhookBackoff.delay(afterAttempt: 3, baseSeconds: 1, capSeconds: 10, jitter: 0.5) == 2)
        #expect(WebhookBackoff.delay(afterAttempt: 3, baseSeconds: 1, capSeconds: 10, jitter: 0) == 2)
        #expect(
            WebhookBackoff.delay(afterAttempt: 1, baseSeconds: 1, capSeconds: 10, jitter: 1, retryAfterSeconds: 30)
                == 30
        )
        #expect(
            WebhookBackoff.delay(afterAttempt: 4, baseSeconds: 1, capSeconds: 10, jitter: 1, retryAfterSeconds: 2)
                == 8
        )
        #expect(
            WebhookBackoff.delay(afterAttempt: 1, baseSeconds: 1, capSeconds: 10, jitter: 1, retryAfterSeconds: 1e9)
                == WebhookBackoff.maximumRetryAfterSeconds
        )
        #expect(WebhookBackoff.delay(afterAttempt: 500, baseSeconds: 1, capSeconds: 60, jitter: 1) == 60)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(WebhookBackoff.retryAfterSeconds("120", now: now) == 120)
        #expect(WebhookBackoff.retryAfterSeconds("Wed, 21 Oct 2015 07:29:00 GMT", now: now) == 60)
        #expect(WebhookBackoff.retryAfterSeconds("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == 0)
        #expect(WebhookBackoff.retryAfterSeconds("soon", now: now) == nil)
        #expect(WebhookBackoff.retryAfterSeconds("-5", now: now) == nil)
    }

    @Test func configurationReadsEndpointsWithSecretFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data("file-secret-0123456789\n".utf8).write(to: URL(fileURLWithPath: dir.path + "/hook.secret"))
        let config = dir.path + "/custos.json"
        try Data(
            #"""
            {"port": 0, "webhooks": [
              {"name": "siem", "url": "https://siem.example/hooks/custos", "secret": "inline-secret-0123456789",
               "kinds": ["alert.*"], "timeout_seconds": 2.5, "max_attempts": 3, "backoff_base_seconds": 0.5,
               "backoff_cap_seconds": 60},
              {"name": "pager", "url": "http://127.0.0.1:9/x", "secret_file": "hook.secret"}
            ]}
            """#.utf8
        ).write(to: URL(fileURLWithPath: config))
        let c = try ServerConfiguration.load(path: config)
        try #require(c.webhooks.count == 2)
        let siem = c.webhooks[0]
        #expect(siem.name == "siem")
        #expect(siem.secret == Array("inline-secret-0123456789".utf8))
        #expect(siem.kinds == ["alert.*"])
        #expect(siem.timeoutSeconds == 2.5)
        #expect(siem.maximumAttempts == 3)
        #expect(siem.backoffBaseSeconds == 0.5)
        #expect(siem.backoffCapSeconds == 60)
        #expect(siem.accepts("alert.opened") && siem.accepts("ping") && !siem.accepts("case.closed"))
        let pager = c.webhooks[1]
        #expect(pager.secret == Array("file-secret-0123456789".utf8))
        #expect(pager.kinds == ["*"] && pager.maximumAttempts == 8 && pager.timeoutSeconds == 10)
        // The secret never shows in what may be logged.
        for text in ["\(siem)", String(reflecting: siem), "\(c.webhooks)"] {
            #expect(!text.contains("inline-secret"))
        }
    }

    @Test(arguments: [
        (#"{"webhooks": {}}"#, "webhooks: must be an array"),
        (#"{"webhooks": [{"url": "http://a/", "secret": "0123456789abcdef"}]}"#, "webhooks[0].name: is required"),
        (#"{"webhooks": [{"name": "a b", "url": "http://a/", "secret": "0123456789abcdef"}]}"#, "webhooks[0].name"),
        (#"{"webhooks": [{"name": "a", "url": "ftp://a/", "secret": "0123456789abcdef"}]}"#, "webhooks[0].url"),
        (#"{"webhooks": [{"name": "a", "url": "http://a/"}]}"#, "webhooks[0].secret: is required"),
        (#"{"webhooks": [{"name": "a", "url": "http://a/", "secret": "short"}]}"#, "at least 16 bytes"),
        (#"{"webhooks": [{"name": "a", "url": "http://a/", "secret_file": "/nonexistent/x"}]}"#, "cannot be read"),
        (
            #"{"webhooks": [{"name": "a", "url": "http://a/", "secret": "0123456789abcdef", "secret_file": "x"}]}"#,
            "not both"
        ),
        (#"{"webhooks": [{"name": "a", "url": "http://a/", "secret": "0123456789abcdef", "kinds": []}]}"#, "kinds"),
        (
            #"{"webhooks": [{"name": "a", "url": "http://a/", "secret": "0123456789abcdef", "max_attempts": 2.5}]}"#,
            "max_attempts"
        ),
        (
            #"{"webhooks": [{"name": "a", "url": "http://a/", "secret": "0123456789abcdef", "backoff_base_seconds": 9,"#
                + #" "backoff_cap_seconds": 1}]}"#,
            "backoff_cap_seconds"
        ),
        (#"{"webhooks": [{"name": "a", "url": "http://a/", "secret": "0123456789abcdef", "verb": "PUT"}]}"#, "verb"),
        (
            #"{"webhooks": [{"name": "a", "url": "http://a/", "secret": "0123456789abcdef"},"#
                + #" {"name": "a", "url": "http://b/", "secret": "0123456789abcdef"}]}"#,
            "earlier endpoint"
        ),
    ])
    func configurationRefusesBadEndpoints(text: String, expected: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = dir.path + "/custos.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
        #expect {
            _ = try ServerConfiguration.load(path: config)
        } throws: { error in
            let description = "\(error)"
            return description.contains(expected) && !description.contains("0123456789abcdef")
        }
    }
}
