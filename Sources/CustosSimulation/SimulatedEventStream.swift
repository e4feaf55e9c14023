import CustosCore

/// The events of a simulation run as a lazy sequence in non-decreasing time order (ties in a fixed order).
///
/// Events are generated one simulated day at a time and released up to the earliest instant the next day could
/// reach, so memory holds about one day of events however long the run is. Iterating twice yields the same events.
public struct SimulatedEventStream: Sequence, Sendable {
    let agency: Agency

    /// Starts generating from the first day.
    public func makeIterator() -> Iterator { Iterator(agency: agency) }

    /// Walks the run day by day.
    public struct Iterator: IteratorProtocol {
        private let agency: Agency
        private var nextDay = 0
        private var ready: [AccessEvent] = []
        private var position = 0
        private var carried: [AccessEvent] = []

        init(agency: Agency) { self.agency = agency }

        /// The next event in time order, or nil after the last.
        public mutating func next() -> AccessEvent? {
            while position >= ready.count {
                if nextDay >= agency.config.days {
                    if carried.isEmpty { return nil }
                    ready = carried
                    carried = []
                    position = 0
                } else {
                    generateNextDay()
                }
            }
            position += 1
            return ready[position - 1]
        }

        private mutating func generateNextDay() {
            var batch = carried
            carried = []
            agency.generateDay(nextDay, into: &batch)
            nextDay += 1
            let watermark = nextDay < agency.config.days ? agency.earliestInstant(ofDay: nextDay) : Int64.max
            var released: [AccessEvent] = []
            released.reserveCapacity(batch.count)
            for i in Self.timeOrder(of: batch) {
                if batch[i].time.millisecondsSinceEpoch < watermark {
                    released.append(batch[i])
                } else {
                    carried.append(batch[i])
                }
            }
            ready = released
            position = 0
        }

        /// The indexes of `batch` ordered by time, ties by index. Sorts packed integer keys (time offset in the high
        /// bits, index in the low 32) when the batch spans less than 2^31 ms, as a day's batch always does.
        static func timeOrder(of batch: [AccessEvent]) -> [Int] {
            guard let first = batch.first else { return [] }
            var low = first.time.millisecondsSinceEpoch
            var high = low
            for event in batch {
                low = Swift.min(low, event.time.millisecondsSinceEpoch)
                high = Swift.max(high, event.time.millisecondsSinceEpoch)
            }
            if high - low < 1 << 31 && batch.count < 1 << 32 {
                var keys = batch.indices.map { UInt64(batch[$0].time.millisecondsSinceEpoch - low) << 32 | UInt64($0) }
                keys.sort()
                return keys.map { Int($0 & 0xFFFF_FFFF) }
            }
            var order = batch.indices.map { (batch[$0].time.millisecondsSinceEpoch, $0) }
            order.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            return order.map(\.1)
        }
    }
}
