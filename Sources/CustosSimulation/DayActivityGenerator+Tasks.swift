import CustosCore

extension DayActivityGenerator {
    /// One unit of ordinary work for the day's role, starting at `t`; returns when it ended.
    mutating func ordinaryTask(at t: Int64) -> Int64 {
        switch role {
        case .officer: caseWork(at: t, cases: workCases, analyst: false)
        case .analyst: caseWork(at: t, cases: workCases, analyst: true)
        case .supervisor: supervisorReview(at: t)
        case .recordsClerk: recordsRequest(at: t)
        case .itAdmin: administration(at: t)
        case .service: t
        }
    }

    /// Work on an assigned case: search for a subject, view their records, vehicles, address and the case file,
    /// sometimes print or export. Every access cites the case.
    mutating func caseWork(at start: Int64, cases: [Int], analyst: Bool) -> Int64 {
        guard !cases.isEmpty else { return listMyCases(at: start) }
        var t = start
        let file = agency.cases[r.pick(cases)]
        let purpose = Purpose(caseID: file.id)
        let subject = r.pick(file.subjects)
        if r.chance(0.55) {
            emit(
                t,
                "search",
                app: HostApp.records,
                resource: RecordResources.personsTable,
                query: personQuery(subject),
                rows: Int64(r.int(1...12)),
                purpose: purpose
            )
            t += step()
        }
        viewPerson(subject, at: t, purpose: purpose)
        t += step()
        if analyst {
            emit(
                t,
                "search",
                app: HostApp.records,
                resource: RecordResources.personsTable,
                query: "associates_of = '" + PersonRegistry.subjectID(subject) + "'",
                rows: Int64(r.int(20...400)),
                purpose: purpose
            )
            t += step()
        }
        if r.chance(analyst ? 0.6 : 0.35) {
            viewPerson(r.pick(file.subjects), at: t, purpose: purpose)
            t += step()
        }
        if r.chance(0.3) {
            let vehicle = agency.persons.vehicleRecord(subject, second: r.chance(0.3))
            emit(
                t,
                "search",
                app: HostApp.dmv,
                resource: RecordResources.vehiclesTable,
                query: "owner_id = " + String(subject),
                rows: Int64(r.int(1...2)),
                purpose: purpose
            )
            t += step()
            emit(
                t,
                "view",
                app: HostApp.dmv,
                resource: RecordResources.vehicle(vehicle),
                subjects: [PersonRegistry.subjectID(subject)],
                rows: 1,
                purpose: purpose
            )
            t += step()
        }
        if r.chance(0.2) {
            emit(
                t,
                "view",
                app: HostApp.geo,
                resource: RecordResources.address(agency.persons.addressRecord(subject)),
                subjects: [PersonRegistry.subjectID(subject)],
                rows: 1,
                purpose: purpose
            )
            t += step()
        }
        if r.chance(0.35) {
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
        }
        if r.chance(0.08) {
            emit(
                t,
                "update",
                app: HostApp.casebook,
                resource: RecordResources.caseFile(file),
                rows: 1,
                purpose: purpose
            )
            t += step()
        }
        if r.chance(0.04) {
            emit(
                t,
                "print",
                app: HostApp.records,
                resource: personResource(subject),
                subjects: [PersonRegistry.subjectID(subject)],
                rows: 1,
                bytes: Int64(r.int(30_000...90_000)),
                purpose: purpose
            )
            t += step()
        }
        if r.chance(analyst ? 0.05 : 0.02) {
            let rows = analyst ? Int64(r.int(50...800)) : Int64(file.subjects.count)
            emit(
                t,
                "export",
                app: HostApp.casebook,
                resource: RecordResources.caseFile(file),
                subjects: file.subjects.map(PersonRegistry.subjectID),
                rows: rows,
                bytes: rows * Int64(r.int(300...900)),
                purpose: purpose
            )
            t += step()
        }
        if r.chance(0.006) {
            // An honest mistake: a record the actor may not open.
            let other = unlistedPerson()
            emit(
                t,
                "view",
                app: HostApp.records,
                resource: personResource(other),
                subjects: [PersonRegistry.subjectID(other)],
                purpose: purpose,
                outcome: .denied
            )
            t += step()
        }
        return t
    }

    /// The casebook's own list of the actor's cases (no person data, no purpose).
    mutating func listMyCases(at t: Int64) -> Int64 {
        emit(
            t,
            "search",
            app: HostApp.casebook,
            resource: RecordResources.casesTable,
            query: "assigned_to = '" + member.id + "'",
            rows: Int64(workCases.count)
        )
        return t + step()
    }

    /// A supervisor reviews a case of their office: the case file, perhaps a subject, perhaps an approval.
    mutating func supervisorReview(at start: Int64) -> Int64 {
        let officeCases = agency.casesByOffice[member.officeIndex]
        guard !officeCases.isEmpty else { return listMyCases(at: start) }
        var t = start
        let file = agency.cases[r.pick(officeCases)]
        let purpose = Purpose(caseID: file.id, reason: "supervisory review")
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
        if r.chance(0.5) {
            viewPerson(r.pick(file.subjects), at: t, purpose: purpose)
            t += step()
        }
        if r.chance(0.3) {
            emit(
                t,
                "casebook.approve",
                app: HostApp.casebook,
                resource: RecordResources.caseFile(file),
                purpose: purpose
            )
            t += step()
        }
        return t
    }

    /// A records clerk answers a records request: search, view, often print; the purpose is the request number.
    mutating func recordsRequest(at start: Int64) -> Int64 {
        var t = start
        let person = unlistedPerson()
        let purpose = Purpose(
            reason: "records request RR-2026-" + TextFormatting.zeroPadded(r.int(1...99_999), width: 5)
        )
        emit(
            t,
            "search",
            app: HostApp.records,
            resource: RecordResources.personsTable,
            query: personQuery(person),
            rows: Int64(r.int(1...8)),
            purpose: purpose
        )
        t += step()
        viewPerson(person, at: t, purpose: purpose)
        t += step()
        if r.chance(0.5) {
            emit(
                t,
                "print",
                app: HostApp.records,
                resource: personResource(person),
                subjects: [PersonRegistry.subjectID(person)],
                rows: 1,
                bytes: Int64(r.int(30_000...90_000)),
                purpose: purpose
            )
            t += step()
        }
        return t
    }

    /// An IT administrator changes a host's configuration; now and then opens a record for a support ticket.
    mutating func administration(at start: Int64) -> Int64 {
        var t = start
        let operations: [(String, String, String)] = [
            ("records.reindex", HostApp.records, "records/search-index"),
            ("casebook.configure", HostApp.casebook, "casebook/workflows"),
            ("sso.reset-password", HostApp.sso, "sso/directory"),
            ("update", HostApp.adminConsole, "admin-console/retention-policy"),
        ]
        let (action, app, system) = r.pick(operations)
        emit(t, action, app: app, resource: RecordResources.system(system))
        t += step()
        if r.chance(0.1) {
            let person = unlistedPerson()
            let purpose = Purpose(
                reason: "support ticket INC-" + TextFormatting.zeroPadded(r.int(1...99_999), width: 5)
            )
            viewPerson(person, at: t, purpose: purpose)
            t += step()
        }
        return t
    }

    /// A view of person `number`'s record in the records system.
    mutating func viewPerson(_ number: Int, at t: Int64, purpose: Purpose?, outcome: Outcome = .success) {
        emit(
            t,
            "view",
            app: HostApp.records,
            resource: personResource(number),
            subjects: [PersonRegistry.subjectID(number)],
            rows: outcome == .success ? 1 : nil,
            purpose: purpose,
            outcome: outcome
        )
    }

    /// A random person on no watch list (ordinary work never touches watch-listed persons by chance).
    mutating func unlistedPerson() -> Int {
        while true {
            let p = 1 + r.below(agency.persons.count)
            if agency.watchListOfPerson[p] == nil { return p }
        }
    }

    /// The record resource of person `number`.
    func personResource(_ number: Int) -> Resource {
        RecordResources.person(number, protected: isProtected(number))
    }

    /// The query text of a name search for person `number`.
    func personQuery(_ number: Int) -> String {
        "surname = '" + agency.persons.surname(number) + "' AND given_name = '" + agency.persons.givenName(number) + "'"
    }
}
