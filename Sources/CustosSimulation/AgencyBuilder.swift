import CustosCore

/// Builds an ``Agency`` step by step from a configuration: staff, scenario plan (which shapes some HR records),
/// persons and watch lists, then cases. Every choice comes from one seeded generator, in a fixed order.
struct AgencyBuilder {
    let config: SimulationConfig
    private var r: SeededRandom
    private(set) var staff: [StaffMember] = []
    private(set) var cases: [CaseFile] = []
    private(set) var persons: PersonRegistry
    private(set) var watchLists: [WatchListKind: [Int]] = [:]
    private(set) var scenarios: [PlannedScenario] = []
    private var commonSurnameActors: Set<Int> = []
    private var excludedSubjects: Set<Int> = []

    /// Creates a builder; call ``build()`` next.
    init(config: SimulationConfig) {
        self.config = config
        self.r = SeededRandom(seed: config.seed, stream: 0x4147_454E_4359)
        self.persons = PersonRegistry(count: max(2000, config.officers * 40), seed: config.seed)
    }

    /// Runs every step.
    mutating func build() {
        makeStaff()
        planScenarios()
        assignPersons()
        makeCases()
        resolveScenarioTargets()
    }

    private var startDay: Int64 { config.start.dayNumber }

    // MARK: Staff

    private mutating func makeStaff() {
        let n = config.officers
        let plan: [(StaffRole, Int)] = [
            (.officer, n), (.supervisor, max(1, (n + 9) / 10)), (.analyst, max(1, (n + 14) / 15)),
            (.recordsClerk, max(1, (n + 24) / 25)), (.itAdmin, max(1, (n + 99) / 100)),
        ]
        let width = max(4, String(n).count)
        for (role, count) in plan {
            for i in 0..<count { addHuman(role: role, number: i, width: width) }
        }
        let services = ["svc-nightly-export", "svc-records-sync", "svc-dmv-batch"]
        for (i, name) in services.enumerated() {
            staff.append(
                StaffMember(
                    index: staff.count,
                    id: name,
                    role: .service,
                    officeIndex: FieldOffice.headquartersIndex,
                    shift: .day,
                    hireDayNumber: startDay - 900 - Int64(i) * 30,
                    lastActivityDayNumber: startDay - 1,
                    ip: "10.20.200.\(11 + i)",
                    device: "srv-batch-0\(i + 1)",
                    laptop: nil
                )
            )
        }
    }

    private mutating func addHuman(role: StaffRole, number i: Int, width: Int) {
        let index = staff.count
        let officeIndex: Int
        let shift: WorkShift
        switch role {
        case .officer:
            officeIndex = r.below(4)
            let roll = r.unit()
            shift = i == 1 ? .night : i == 2 ? .evening : roll < 0.70 ? .day : roll < 0.88 ? .evening : .night
        case .supervisor:
            officeIndex = i % 4
            shift = i % 5 == 4 ? .evening : .day
        case .analyst:
            officeIndex = i % 3 == 2 ? i % 4 : FieldOffice.headquartersIndex
            shift = .day
        case .recordsClerk:
            officeIndex = i % FieldOffice.all.count
            shift = .day
        case .itAdmin, .service:
            officeIndex = FieldOffice.headquartersIndex
            shift = i % 3 == 2 ? .evening : .day
        }
        let office = FieldOffice.all[officeIndex]
        let host = "\(1 + index / 250).\(2 + index % 250)"
        let hasLaptop = role != .recordsClerk && r.chance(0.5)
        staff.append(
            StaffMember(
                index: index,
                id: role.idPrefix + "-" + TextFormatting.zeroPadded(i + 1, width: width),
                role: role,
                officeIndex: officeIndex,
                shift: shift,
                hireDayNumber: startDay - Int64(r.int(120...9000)),
                lastActivityDayNumber: startDay - 1 - Int64(r.chance(0.2) ? r.int(1...3) : 0),
                ip: "10.\(office.networkOctet).\(host)",
                device: "WS-\(office.code)-" + TextFormatting.zeroPadded(index + 1, width: 4),
                laptop: hasLaptop
                    ? ("LT-\(office.code)-" + TextFormatting.zeroPadded(index + 1, width: 4), "172.16.\(host)") : nil
            )
        )
    }

    // MARK: Scenario plan

    private mutating func planScenarios() {
        let postDays = config.days - config.warmUpDays
        guard postDays > 0 else { return }
        let officers = staff.filter { $0.role == .officer }.map(\.index)
        var used: Set<Int> = []
        var dedicated: Set<Int> = []
        let officerDays = Double(config.officers * postDays)
        let misuseCount = max(
            ScenarioKind.misuseKinds.count,
            Int(config.misuseRate * officerDays + 0.5)
        )
        let everyday = ScenarioKind.misuseKinds.filter { !$0.needsDedicatedAccount }
        for ordinal in 0..<misuseCount {
            var kind: ScenarioKind
            if ordinal < ScenarioKind.misuseKinds.count {
                kind = ScenarioKind.misuseKinds[ordinal]
            } else {
                kind = r.pick(everyday)
                if r.chance(0.12) && dedicated.count < officers.count / 5 {
                    kind = r.pick(ScenarioKind.misuseKinds.filter(\.needsDedicatedAccount))
                }
            }
            plan(kind, ordinal: ordinal, officers: officers, used: &used, dedicated: &dedicated)
        }
        let benignCount = max(2, Int(config.benignLookAlikeRate * officerDays + 0.5))
        for ordinal in 0..<benignCount {
            let kind: ScenarioKind = ordinal % 2 == 0 ? .commonSurnameMatch : .nightShift
            plan(kind, ordinal: ordinal, officers: officers, used: &used, dedicated: &dedicated)
        }
        // One account disabled during the period with no misuse at all: a quiet true negative.
        if config.officers >= 10, let quiet = officers.first(where: { !dedicated.contains($0) && !isUsed($0) }) {
            staff[quiet].status = .disabled
            staff[quiet].statusChangeDay = r.int(1...max(1, config.days - 1))
        }
    }

    private func isUsed(_ actor: Int) -> Bool { scenarios.contains { $0.actor == actor } }

    private mutating func plan(
        _ kind: ScenarioKind,
        ordinal: Int,
        officers: [Int],
        used: inout Set<Int>,
        dedicated: inout Set<Int>
    ) {
        let firstDay = config.warmUpDays
        for _ in 0..<40 {
            let actor = r.pick(officers)
            if dedicated.contains(actor) { continue }
            switch kind {
            case .offHours, .commonSurnameMatch: if staff[actor].shift != .day { continue }
            case .nightShift: if staff[actor].shift != .night { continue }
            default: break
            }
            var day = r.int(firstDay...config.days - 1)
            if kind.needsDedicatedAccount && day == 0 {
                guard config.days > 1 else { return }
                day = 1
            }
            let key = Agency.userDayKey(day: day, actor: actor)
            if used.contains(key) { continue }
            if kind.needsDedicatedAccount {
                if isUsed(actor) { continue }
                let changeDay = max(1, day - r.int(1...4))
                switch kind {
                case .dormantAccount:
                    staff[actor].isDormant = true
                    staff[actor].lastActivityDayNumber = startDay - Int64(r.int(90...420))
                case .afterTermination:
                    staff[actor].status = ordinal % 2 == 0 ? .terminated : .disabled
                    staff[actor].statusChangeDay = changeDay
                default:
                    staff[actor].previousRole = .officer
                    staff[actor].role = .recordsClerk
                    staff[actor].roleChangeDay = changeDay
                }
                dedicated.insert(actor)
            }
            used.insert(key)
            if kind == .commonSurnameMatch { commonSurnameActors.insert(actor) }
            scenarios.append(
                PlannedScenario(
                    kind: kind,
                    actor: actor,
                    day: day,
                    minuteOfShift: r.int(40...staff[actor].shift.lengthMinutes - 70),
                    ordinal: ordinal
                )
            )
            return
        }
    }

    // MARK: Persons and watch lists

    private mutating func assignPersons() {
        var taken: Set<Int> = []
        for i in staff.indices where staff[i].isHuman {
            var p = 1 + r.below(persons.count)
            while taken.contains(p)
                || (commonSurnameActors.contains(i) && !NameLists.commonSurnames.contains(persons.surname(p)))
            {
                p = 1 + r.below(persons.count)
            }
            taken.insert(p)
            staff[i].personNumber = p
            staff[i].surname = persons.surname(p)
            staff[i].givenName = persons.givenName(p)
            staff[i].homeAddress = StreetAddress.random(using: &r, state: FieldOffice.all[staff[i].officeIndex].state)
        }
        watchLists[.colleague] = staff.filter(\.isHuman).map(\.personNumber)
        excludedSubjects = taken
        let listSize = max(8, persons.count / 800)
        for kind in [WatchListKind.vip, .protected] {
            var members: [Int] = []
            while members.count < listSize {
                let p = 1 + r.below(persons.count)
                if excludedSubjects.insert(p).inserted { members.append(p) }
            }
            watchLists[kind] = members
        }
    }

    // MARK: Cases

    private mutating func makeCases() {
        let width = 4
        for officeIndex in 0..<4 {
            let officers = staff.filter { $0.officeIndex == officeIndex && $0.role(on: 0) == .officer }.map(\.index)
            guard !officers.isEmpty else { continue }
            let first = cases.count
            let count = max(2, officers.count * 3 / 2 + 1)
            for _ in 0..<count { addCase(officeIndex: officeIndex, width: width) }
            let officeCases = Array(first..<cases.count)
            for officer in officers {
                let picks = r.distinctIndexes(r.int(3...5), below: officeCases.count).map { officeCases[$0] }
                for c in picks { assign(officer, to: c) }
            }
            for c in officeCases where cases[c].assigned.isEmpty && cases[c].formerlyAssigned.isEmpty {
                assign(r.pick(officers), to: c)
            }
        }
        guard !cases.isEmpty else { return }
        for analyst in staff.indices where staff[analyst].role == .analyst {
            for c in r.distinctIndexes(r.int(4...8), below: cases.count) { assign(analyst, to: c) }
        }
    }

    private mutating func addCase(officeIndex: Int, width: Int) {
        let number = cases.count + 1
        var subjects: [Int] = []
        let subjectCount = r.int(2...10)
        while subjects.count < subjectCount {
            let p = 1 + r.below(persons.count)
            if !excludedSubjects.contains(p) && !subjects.contains(p) { subjects.append(p) }
        }
        cases.append(
            CaseFile(
                index: cases.count,
                id: "C-2026-" + TextFormatting.zeroPadded(number, width: width),
                kind: r.pick(NameLists.caseKinds),
                officeIndex: officeIndex,
                openedDayNumber: startDay - Int64(r.int(5...400)),
                isRestricted: r.chance(0.08),
                subjects: subjects
            )
        )
    }

    private mutating func assign(_ member: Int, to c: Int) {
        if staff[member].roleChangeDay != nil {
            cases[c].formerlyAssigned.append(member)
            staff[member].formerCases.append(c)
        } else {
            cases[c].assigned.append(member)
            staff[member].cases.append(c)
        }
    }

    // MARK: Targets

    private mutating func resolveScenarioTargets() {
        for i in scenarios.indices where scenarios[i].kind == .commonSurnameMatch {
            let actor = scenarios[i].actor
            guard !staff[actor].cases.isEmpty else { continue }
            let c = r.pick(staff[actor].cases)
            let surname = staff[actor].surname
            var p = 1 + r.below(persons.count)
            for _ in 0..<persons.count {
                if persons.surname(p) == surname && !excludedSubjects.contains(p) && !cases[c].subjects.contains(p) {
                    break
                }
                p = p % persons.count + 1
            }
            cases[c].subjects.append(p)
            scenarios[i].targetPerson = p
            scenarios[i].targetCase = c
        }
    }
}
