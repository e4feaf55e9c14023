import CustosCore

extension Agency {
    /// Appends every account's events of simulated day `day` to `batch`, in generation order.
    func generateDay(_ day: Int, into batch: inout [AccessEvent]) {
        for member in staff.indices {
            var generator = DayActivityGenerator(agency: self, memberIndex: member, day: day, events: [])
            swap(&generator.events, &batch)
            generator.run()
            swap(&generator.events, &batch)
        }
    }

    /// The labels of every planned scenario and every labelled scheduled export, ordered by start time.
    func allLabels() -> [ScenarioLabel] {
        var userDays = Set(scenarios.map { Agency.userDayKey(day: $0.day, actor: $0.actor) })
        if config.warmUpDays < config.days {
            for member in staff where member.role == .service {
                for day in config.warmUpDays..<config.days {
                    userDays.insert(Agency.userDayKey(day: day, actor: member.index))
                }
            }
        }
        var labels: [ScenarioLabel] = []
        for key in userDays.sorted() {
            var generator = DayActivityGenerator(
                agency: self,
                memberIndex: key % 1_000_003,
                day: key / 1_000_003,
                events: []
            )
            generator.run()
            labels.append(contentsOf: generator.labels)
        }
        labels.sort {
            ($0.start, $0.actor, $0.scenario.rawValue) < ($1.start, $1.actor, $1.scenario.rawValue)
        }
        return labels
    }
}
