import CustosCore

extension DayActivityGenerator {
    /// Runs an inline scenario at `t` inside the current session, labelled; returns when it ended.
    mutating func inject(_ scenario: PlannedScenario, at start: Int64) -> Int64 {
        beginRecording()
        var t = start
        var details: [(String, String)] = []
        let pretext = workCases.isEmpty ? nil : Purpose(caseID: agency.cases[r.pick(workCases)].id)
        switch scenario.kind {
        case .bulkExport:
            let state = r.pick(NameLists.states)
            emit(
                t,
                "search",
                app: HostApp.records,
                resource: RecordResources.personsTable,
                query: "state = '" + state + "'",
                rows: Int64(r.int(5_000...40_000)),
                purpose: pretext
            )
            t += step()
            let rows = Int64(r.int(20_000...250_000))
            emit(
                t,
                "export",
                app: HostApp.records,
                resource: RecordResources.personsTable,
                rows: rows,
                bytes: rows * Int64(r.int(350...450)),
                purpose: pretext
            )
            t += step()
            details = [("rows", String(rows))]
        case .fishing:
            let count = r.int(25...60)
            var seen: Set<Int> = []
            while seen.count < count {
                let p = 1 + r.below(agency.persons.count)
                guard agency.isUnrelated(person: p, to: workCases), seen.insert(p).inserted else { continue }
                if r.chance(0.3) {
                    emit(
                        t,
                        "search",
                        app: HostApp.records,
                        resource: RecordResources.personsTable,
                        query: personQuery(p),
                        rows: Int64(r.int(1...5)),
                        purpose: pretext
                    )
                    t += Int64(r.int(5_000...20_000))
                }
                viewPerson(p, at: t, purpose: pretext)
                t += Int64(r.int(15_000...45_000))
            }
            details = [("distinct_subjects", String(count))]
        case .missingPurpose:
            for _ in 0..<r.int(3...8) {
                let p = unrelatedPerson()
                viewPerson(p, at: t, purpose: nil)
                t += step()
            }
        case .unassignedCase:
            let file = agency.cases[unassignedCase()]
            let purpose = Purpose(caseID: file.id)
            emit(
                t,
                "view",
                app: HostApp.casebook,
                resource: RecordResources.caseFile(file),
                subjects: file.subjects.map(PersonRegistry.subjectID),
                rows: 1,
                purpose: purpose
            )
            t += step()
            for p in file.subjects.prefix(r.int(2...5)) {
                viewPerson(p, at: t, purpose: purpose)
                t += step()
            }
            details = [("case", file.id)]
        case .watchListLookup:
            let kind = WatchListKind.allCases[scenario.ordinal % WatchListKind.allCases.count]
            var members = agency.watchLists[kind] ?? []
            members.removeAll { $0 == member.personNumber }
            let p = r.pick(members)
            let purpose = r.chance(0.6) ? pretext : nil
            emit(
                t,
                "search",
                app: HostApp.records,
                resource: RecordResources.personsTable,
                query: personQuery(p),
                rows: Int64(r.int(1...4)),
                purpose: purpose
            )
            t += step()
            viewPerson(p, at: t, purpose: purpose)
            t += step()
            if r.chance(0.3) {
                emit(
                    t,
                    "view",
                    app: HostApp.geo,
                    resource: RecordResources.address(agency.persons.addressRecord(p)),
                    subjects: [PersonRegistry.subjectID(p)],
                    rows: 1,
                    purpose: purpose
                )
                t += step()
            }
            details = [("watch_list", kind.rawValue), ("target", PersonRegistry.subjectID(p))]
        case .selfLookup:
            let me = member.personNumber
            emit(
                t,
                "search",
                app: HostApp.records,
                resource: RecordResources.personsTable,
                query: personQuery(me),
                rows: Int64(r.int(1...3)),
                purpose: pretext
            )
            t += step()
            viewPerson(me, at: t, purpose: pretext)
            t += step()
            if r.chance(0.5) {
                emit(
                    t,
                    "view",
                    app: HostApp.dmv,
                    resource: RecordResources.vehicle(agency.persons.vehicleRecord(me, second: false)),
                    subjects: [PersonRegistry.subjectID(me)],
                    rows: 1,
                    purpose: pretext
                )
                t += step()
            }
            details = [("target", PersonRegistry.subjectID(me))]
        case .sameSurnameLookup:
            let relatives = sameSurnamePersons(limit: r.int(1...3))
            emit(
                t,
                "search",
                app: HostApp.records,
                resource: RecordResources.personsTable,
                query: "surname = '" + member.surname + "'",
                rows: Int64(r.int(20...300)),
                purpose: pretext
            )
            t += step()
            for p in relatives {
                viewPerson(p, at: t, purpose: pretext)
                t += step()
            }
            details = [("surname", member.surname)]
        case .sequentialEnumeration:
            let length = r.int(30...80)
            let first = 1 + r.below(max(1, agency.persons.count - length))
            let purpose = r.chance(0.5) ? pretext : nil
            for p in first..<first + length {
                viewPerson(p, at: t, purpose: purpose)
                t += Int64(r.int(2_000...8_000))
            }
            details = [("first", PersonRegistry.recordID(first)), ("count", String(length))]
        case .broadQuery:
            let queries = [
                "surname LIKE '%'", "SELECT * FROM persons", "given_name LIKE '%' AND surname LIKE '%'", "*",
                "dob > '1900-01-01'",
            ]
            for _ in 0..<r.int(1...3) {
                emit(
                    t,
                    "search",
                    app: HostApp.records,
                    resource: RecordResources.personsTable,
                    query: r.pick(queries),
                    rows: Int64(r.int(agency.persons.count / 2...agency.persons.count)),
                    purpose: pretext
                )
                t += step()
            }
        case .probing:
            let target = r.pick(agency.watchLists[.protected] ?? [1])
            for _ in 0..<r.int(4...9) {
                viewPerson(target, at: t, purpose: pretext, outcome: .denied)
                t += Int64(r.int(10_000...90_000))
            }
            viewPerson(target, at: t, purpose: pretext)
            t += step()
            details = [("target", PersonRegistry.subjectID(target))]
        case .afterRoleChange:
            let former = member.formerCases.isEmpty ? [unassignedCase()] : member.formerCases
            let file = agency.cases[r.pick(former)]
            let purpose = Purpose(caseID: file.id)
            emit(
                t,
                "view",
                app: HostApp.casebook,
                resource: RecordResources.caseFile(file),
                subjects: file.subjects.map(PersonRegistry.subjectID),
                rows: 1,
                purpose: purpose
            )
            t += step()
            for p in file.subjects.prefix(r.int(2...5)) {
                viewPerson(p, at: t, purpose: purpose)
                t += step()
            }
            details = [("case", file.id), ("previous_role", member.previousRole?.rawValue ?? "")]
        case .commonSurnameMatch:
            if let p = scenario.targetPerson, let c = scenario.targetCase {
                let purpose = Purpose(caseID: agency.cases[c].id)
                emit(
                    t,
                    "search",
                    app: HostApp.records,
                    resource: RecordResources.personsTable,
                    query: personQuery(p),
                    rows: Int64(r.int(1...6)),
                    purpose: purpose
                )
                t += step()
                viewPerson(p, at: t, purpose: purpose)
                t += step()
                details = [("case", agency.cases[c].id), ("target", PersonRegistry.subjectID(p))]
            }
        case .offHours, .newDevice, .nightShift, .dormantAccount, .afterTermination, .scheduledExport:
            break
        }
        finishRecording(scenario, details: details)
        return t
    }

    /// A labelled session by an account that should be silent: dormant for months, or disabled or terminated.
    /// It browses persons with no case, and after termination sometimes exports.
    mutating func runStrayAccountSession(_ scenario: PlannedScenario) {
        var t = shiftStart + Int64(scenario.minuteOfShift) * 60_000
        beginRecording()
        beginSession(at: t, device: member.device, ip: member.ip)
        t += step()
        for _ in 0..<r.int(8...25) {
            let p = unrelatedPerson()
            if r.chance(0.4) {
                emit(
                    t,
                    "search",
                    app: HostApp.records,
                    resource: RecordResources.personsTable,
                    query: personQuery(p),
                    rows: Int64(r.int(1...10))
                )
                t += step()
            }
            viewPerson(p, at: t, purpose: nil)
            t += step()
        }
        if scenario.kind == .afterTermination && r.chance(0.5) {
            let rows = Int64(r.int(200...5_000))
            emit(
                t,
                "export",
                app: HostApp.records,
                resource: RecordResources.personsTable,
                rows: rows,
                bytes: rows * 400
            )
            t += step()
        }
        emit(t, "logout", app: HostApp.sso)
        var details: [(String, String)] = []
        if scenario.kind == .afterTermination {
            details = [("status", member.status.rawValue)]
            if let changed = member.statusChangeDay {
                details.append(
                    ("status_changed", TextFormatting.date(dayNumber: agency.config.start.dayNumber + Int64(changed)))
                )
            }
        } else {
            details = [("last_activity", TextFormatting.date(dayNumber: member.lastActivityDayNumber))]
        }
        finishRecording(scenario, details: details)
    }

    /// A labelled session of case work between 01:00 and 04:30 local time by a day-shift officer.
    mutating func runOffHoursSession(_ scenario: PlannedScenario, midnight: Int64) {
        var t = midnight + Int64(r.int(60...270)) * 60_000
        beginRecording()
        beginSession(at: t, device: member.laptop?.device ?? member.device, ip: member.laptop?.ip ?? member.ip)
        t += step()
        for _ in 0..<r.int(3...6) {
            t = caseWork(at: t, cases: workCases, analyst: false) + Int64(r.int(60...400)) * 1000
        }
        emit(t, "logout", app: HostApp.sso)
        finishRecording(scenario)
    }

    /// A person on no watch list and in none of the actor's cases.
    mutating func unrelatedPerson() -> Int {
        while true {
            let p = 1 + r.below(agency.persons.count)
            if agency.isUnrelated(person: p, to: workCases) && p != member.personNumber { return p }
        }
    }

    /// A case the actor is not assigned to, preferably of another office.
    mutating func unassignedCase() -> Int {
        for _ in 0..<100 {
            let c = r.below(agency.cases.count)
            if !workCases.contains(c) && agency.cases[c].officeIndex != member.officeIndex { return c }
        }
        for _ in 0..<100 {
            let c = r.below(agency.cases.count)
            if !workCases.contains(c) { return c }
        }
        return r.below(agency.cases.count)
    }

    /// Up to `limit` persons sharing the actor's surname who are neither the actor nor related to their cases.
    mutating func sameSurnamePersons(limit: Int) -> [Int] {
        var found: [Int] = []
        let count = agency.persons.count
        var p = 1 + r.below(count)
        for _ in 0..<count {
            if agency.persons.surname(p) == member.surname && p != member.personNumber
                && agency.isUnrelated(person: p, to: workCases)
            {
                found.append(p)
                if found.count == limit { break }
            }
            p = p % count + 1
        }
        return found
    }
}
