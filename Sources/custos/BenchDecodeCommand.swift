import ArgumentParser
import CustosCore
import Foundation

extension BenchCommand {
    /// `custos bench decode`: how fast the ingest endpoint's decoder reads NDJSON batches into validated events,
    /// against Foundation's JSON parser reading the same lines into untyped objects in the same run.
    struct Decode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "NDJSON decoding and validation (POST /v1/events) vs Foundation's JSONSerialization, same lines."
        )

        @Option(help: "Events to decode.") var events: Int = 200_000
        @Option(help: "Events per NDJSON body.") var batch: Int = 1000
        @Option(help: "Rounds over all the bodies (the best round counts).") var rounds: Int = 3

        func run() async throws {
            guard events >= 1, batch >= 1, rounds >= 1 else {
                throw ValidationErrorText("--events, --batch and --rounds must be at least 1")
            }
            printError("Generating \(events) simulated events…")
            let all = BenchCommand.events(events, seed: 12)
            let bodies = BenchCommand.ndjsonBodies(all, batch: batch)
            let megabytes = Double(bodies.reduce(0) { $0 + $1.count }) / 1e6
            let decoder = EventBatchDecoder()
            var best = Double.infinity
            var baseline = Double.infinity
            for _ in 0..<rounds {
                var start = ContinuousClock.now
                var decoded = 0
                for body in bodies {
                    guard case .success(let batch) = decoder.decode(body, framing: .ndjson) else {
                        throw ValidationErrorText("a simulated batch did not validate")
                    }
                    decoded += batch.count
                }
                best = min(best, BenchCommand.seconds(ContinuousClock.now - start))
                guard decoded == all.count else { throw ValidationErrorText("decoded \(decoded) of \(all.count)") }
                start = ContinuousClock.now
                var parsed = 0
                for body in bodies {
                    for line in body.split(separator: 0x0A) {
                        _ = try JSONSerialization.jsonObject(with: Data(line))
                        parsed += 1
                    }
                }
                baseline = min(baseline, BenchCommand.seconds(ContinuousClock.now - start))
                guard parsed == all.count else { throw ValidationErrorText("parsed \(parsed) of \(all.count)") }
            }
            let rate = Double(all.count) / best
            let baselineRate = Double(all.count) / baseline
            printFlushed(
                """
                \(all.count) events, \(String(format: "%.1f", megabytes)) MB of NDJSON in bodies of \(batch), best of \
                \(rounds) rounds
                decode and validate (EventBatchDecoder):  \(Int(rate)) events/s
                JSONSerialization, parse only (baseline): \(Int(baselineRate)) events/s   ratio \
                \(String(format: "%.2f", rate / baselineRate))
                """
            )
            BenchCommand.report(
                "decode",
                [
                    ("events", .integer(Int64(all.count))), ("events_per_s", .integer(Int64(rate))),
                    ("baseline_events_per_s", .integer(Int64(baselineRate))),
                    ("ratio", .double((rate / baselineRate * 100).rounded() / 100)),
                ]
            )
        }
    }
}
