import CustosCore

extension DayActivityGenerator {
    /// A service account's day: its scheduled jobs at fixed UTC times, each in a session of its own, each citing
    /// its job. Exports after the warm-up are labelled as the benign look-alike `scheduled_export`.
    mutating func runServiceDay() {
        let midnightUTC = agency.config.start.millisecondsSinceEpoch + Int64(day) * 86_400_000
        let labelled = day >= agency.config.warmUpDays
        switch member.id {
        case "svc-nightly-export":
            let t = midnightUTC + (8 * 60 + 15) * 60_000 + Int64(r.below(300_000))
            let rows = Int64(max(1, agency.cases.count))
            scheduledExport(
                at: t,
                resource: RecordResources.casesTable,
                app: HostApp.casebook,
                rows: rows,
                bytes: rows * Int64(r.int(1_800...2_400)),
                job: "JOB-NIGHTLY-STATS",
                labelled: labelled
            )
        case "svc-records-sync":
            for hour in [6, 10, 14, 18, 22] {
                let t = midnightUTC + Int64(hour * 60 + 30) * 60_000 + Int64(r.below(120_000))
                let rows = Int64(r.int(200...2_000))
                scheduledExport(
                    at: t,
                    resource: RecordResources.personsTable,
                    app: HostApp.records,
                    rows: rows,
                    bytes: rows * Int64(r.int(350...450)),
                    job: "JOB-STATE-SYNC",
                    labelled: labelled
                )
            }
        default:
            var t = midnightUTC + 11 * 3_600_000 + Int64(r.below(300_000))
            beginSession(at: t, device: member.device, ip: member.ip)
            t += Int64(r.int(1_000...5_000))
            emit(
                t,
                "search",
                app: HostApp.dmv,
                resource: RecordResources.vehiclesTable,
                query: "plate IN (:hotlist)",
                rows: Int64(r.int(300...900)),
                purpose: Purpose(reason: "scheduled batch JOB-DMV-HOTLIST")
            )
            emit(t + Int64(r.int(30_000...90_000)), "logout", app: HostApp.sso)
        }
    }

    /// One scheduled export job: login, export with a stated purpose, logout.
    private mutating func scheduledExport(
        at start: Int64,
        resource: Resource,
        app: String,
        rows: Int64,
        bytes: Int64,
        job: String,
        labelled: Bool
    ) {
        var t = start
        if labelled { beginRecording() }
        beginSession(at: t, device: member.device, ip: member.ip)
        t += Int64(r.int(1_000...5_000))
        emit(
            t,
            "export",
            app: app,
            resource: resource,
            rows: rows,
            bytes: bytes,
            purpose: Purpose(reason: "scheduled export " + job)
        )
        t += Int64(r.int(20_000...600_000))
        emit(t, "logout", app: HostApp.sso)
        if labelled { finishRecording(kind: .scheduledExport, details: [("job", job)]) }
    }
}
