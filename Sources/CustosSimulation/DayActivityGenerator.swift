import CustosCore

/// Generates one account's events for one simulated day: the ordinary shift (sessions of case work, logins and
/// logouts) with any planned scenarios woven in, and the labels of those scenarios.
///
/// The result is a pure function of the agency, the account and the day: each account-day has its own random
/// stream, so labels can be recomputed by regenerating only the days that hold scenarios.
struct DayActivityGenerator {
    let agency: Agency
    let member: StaffMember
    let day: Int
    /// The events made so far, in generation order (not sorted by time).
    var events: [AccessEvent]
    /// The labels of the scenarios completed so far.
    var labels: [ScenarioLabel] = []
    var r: SeededRandom
    var actor: Actor
    let role: StaffRole
    let workCases: [Int]
    /// Inline scenarios still to run, earliest first.
    var pending: [PlannedScenario] = []
    var shiftStart: Int64 = 0
    private var counter = 0
    private let idPrefix: String
    private var recording: [String]?
    private var recordingStart: Int64 = 0
    private var recordingEnd: Int64 = 0

    /// Prepares the generator; `events` is the buffer to append to (moved in and out to avoid copies).
    init(agency: Agency, memberIndex: Int, day: Int, events: [AccessEvent]) {
        self.agency = agency
        self.member = agency.staff[memberIndex]
        self.day = day
        self.events = events
        self.r = SeededRandom(seed: agency.config.seed, stream: 0x4441_59, UInt64(day), UInt64(memberIndex))
        self.role = member.role(on: day)
        self.workCases = member.cases(on: day)
        self.idPrefix = "e" + String(day) + "-" + String(memberIndex) + "-"
        self.actor = Actor(
            id: member.id,
            name: member.displayName,
            roles: [role.rawValue],
            org: FieldOffice.all[member.officeIndex].id,
            ip: member.ip,
            device: member.device
        )
    }

    /// Generates the day.
    mutating func run() {
        let planned = agency.scenariosByUserDay[Agency.userDayKey(day: day, actor: member.index)] ?? []
        if member.role == .service {
            runServiceDay()
            return
        }
        let office = member.officeIndex
        let midnight = agency.localMidnight(day: day, officeIndex: office)
        let startMinute = member.shift.startMinute + r.int(-40...35)
        shiftStart = midnight + Int64(startMinute) * 60_000 + Int64(r.below(60_000))
        let shiftEnd = shiftStart + Int64(member.shift.lengthMinutes + r.int(-60...45)) * 60_000
        for scenario in planned where scenario.kind == .dormantAccount || scenario.kind == .afterTermination {
            runStrayAccountSession(scenario)
        }
        guard member.worksNormally(on: day) else { return }
        if let changeDay = member.statusChangeDay, shiftEnd >= agency.localMidnight(day: changeDay, officeIndex: office)
        {
            return  // a last shift would run past the local midnight the account is disabled at
        }
        let attendance = member.shift.attendance
        let works = !planned.isEmpty || r.chance(agency.isWeekend(day: day) ? attendance.weekend : attendance.weekday)
        guard works else { return }
        if let offHours = planned.first(where: { $0.kind == .offHours }) {
            runOffHoursSession(offHours, midnight: midnight)
        }
        pending = planned.filter(\.runsInsideShift).sorted { $0.minuteOfShift < $1.minuteOfShift }
        let nightShift = planned.first { $0.kind == .nightShift }
        if nightShift != nil { beginRecording() }
        let newDevice = planned.first { $0.kind == .newDevice }
        let sessions = sessionBounds(from: shiftStart, to: shiftEnd)
        for (i, bounds) in sessions.enumerated() {
            let isNewDevice = i == 0 && newDevice != nil
            if isNewDevice { beginRecording() }
            workSession(from: bounds.0, to: bounds.1, isLast: i == sessions.count - 1, newDevice: isNewDevice)
            if isNewDevice, let newDevice {
                finishRecording(newDevice, details: [("device", actor.device ?? ""), ("ip", actor.ip ?? "")])
            }
        }
        if let nightShift { finishRecording(nightShift, details: [("shift", member.shift.rawValue)]) }
    }

    /// Splits a shift into one to three sessions separated by breaks.
    private mutating func sessionBounds(from start: Int64, to end: Int64) -> [(Int64, Int64)] {
        let roll = r.unit()
        let count = roll < 0.6 ? 1 : roll < 0.95 ? 2 : 3
        var bounds: [(Int64, Int64)] = []
        var from = start
        for k in 1...count {
            if k == count {
                bounds.append((from, end))
            } else {
                let cut = from + (end - from) / Int64(count - k + 1) + Int64(r.int(-20...20)) * 60_000
                bounds.append((from, cut))
                from = cut + Int64(r.int(15...55)) * 60_000
            }
        }
        return bounds
    }

    /// One session of ordinary work: a login, tasks separated by pauses, planned inline scenarios when their time
    /// comes, and (usually) a logout.
    private mutating func workSession(from start: Int64, to end: Int64, isLast: Bool, newDevice: Bool) {
        var t = start
        if newDevice {
            let network = r.chance(0.5) ? "198.51.100." : "203.0.113."
            beginSession(
                at: t,
                device: "PC-" + TextFormatting.hex(r.next(), digits: 6),
                ip: network + String(1 + r.below(254))
            )
        } else if let laptop = member.laptop, r.chance(0.08) {
            beginSession(at: t, device: laptop.device, ip: laptop.ip)
        } else {
            beginSession(at: t, device: member.device, ip: member.ip)
        }
        t += Int64(r.int(5...90)) * 1000
        let meanGap = meanMinutesBetweenTasks
        while t < end {
            if let next = pending.first, shiftStart + Int64(next.minuteOfShift) * 60_000 <= t {
                pending.removeFirst()
                t = inject(next, at: t)
            }
            t = ordinaryTask(at: t)
            guard meanGap.isFinite else { break }
            t += Int64(r.exponential(mean: meanGap) * 60_000) + 20_000
        }
        if isLast {
            while !pending.isEmpty {
                t = inject(pending.removeFirst(), at: t)
            }
        }
        if r.chance(0.9) { emit(t + Int64(r.int(1...30)) * 1000, "logout", app: HostApp.sso) }
    }

    /// The mean pause between two tasks, in minutes, for the day's role.
    private var meanMinutesBetweenTasks: Double {
        let base: Double
        switch role {
        case .officer: base = 18
        case .supervisor: base = 26
        case .analyst: base = 15
        case .recordsClerk: base = 13
        case .itAdmin: base = 32
        case .service: base = 60
        }
        return agency.config.activityScale > 0 ? base / agency.config.activityScale : .infinity
    }

    // MARK: Emitting

    /// Starts a session: a fresh session id, the given device and address, and a login event.
    mutating func beginSession(at t: Int64, device: String, ip: String) {
        actor.session = "s-" + TextFormatting.hex(r.next(), digits: 16)
        actor.device = device
        actor.ip = ip
        emit(t, "login", app: HostApp.sso)
    }

    /// Appends one event by the current actor; returns its id.
    @discardableResult
    mutating func emit(
        _ t: Int64,
        _ action: String,
        app: String,
        resource: Resource? = nil,
        subjects: [String] = [],
        query: String? = nil,
        rows: Int64? = nil,
        bytes: Int64? = nil,
        purpose: Purpose? = nil,
        outcome: Outcome = .success
    ) -> String {
        counter += 1
        let id = idPrefix + String(counter)
        events.append(
            AccessEvent(
                id: id,
                time: Timestamp(millisecondsSinceEpoch: t),
                actor: actor,
                action: action,
                resource: resource,
                subjects: subjects,
                query: query,
                rows: rows,
                bytes: bytes,
                purpose: purpose,
                outcome: outcome,
                app: app
            )
        )
        if recording != nil {
            if recording!.isEmpty {
                recordingStart = t
                recordingEnd = t
            }
            recording!.append(id)
            recordingStart = min(recordingStart, t)
            recordingEnd = max(recordingEnd, t)
        }
        return id
    }

    /// Starts collecting the ids of the events emitted next.
    mutating func beginRecording() { recording = [] }

    /// Stops collecting and files a label for `scenario` with the collected events.
    mutating func finishRecording(_ scenario: PlannedScenario, details: [(String, String)] = []) {
        finishRecording(kind: scenario.kind, details: details)
    }

    /// Stops collecting and files a label of `kind` with the collected events.
    mutating func finishRecording(kind: ScenarioKind, details: [(String, String)] = []) {
        guard let ids = recording else { return }
        recording = nil
        guard !ids.isEmpty else { return }
        labels.append(
            ScenarioLabel(
                scenario: kind,
                actor: member.id,
                start: Timestamp(millisecondsSinceEpoch: recordingStart),
                end: Timestamp(millisecondsSinceEpoch: recordingEnd),
                eventIDs: ids,
                details: details
            )
        )
    }

    /// A pause of a few seconds to a minute between the steps of one task.
    mutating func step() -> Int64 { Int64(r.int(4_000...75_000)) }

    /// Whether person `number` is on the protected watch list.
    func isProtected(_ number: Int) -> Bool { agency.watchListOfPerson[number] == .protected }
}

extension PlannedScenario {
    /// Whether the scenario happens inside the actor's ordinary shift (rather than in a session of its own).
    var runsInsideShift: Bool {
        switch kind {
        case .offHours, .newDevice, .nightShift, .dormantAccount, .afterTermination, .scheduledExport: false
        default: true
        }
    }
}
