import CustosCore

extension Agency {
    /// The reference data as a Cedar entities array, in a fixed order: roles, org units, watch lists, datasets,
    /// users, cases, persons.
    func entitiesJSON() -> JSONValue {
        typealias E = CedarEntities
        var out: [JSONValue] = []
        for role in StaffRole.allCases {
            out.append(E.entity("Role", role.rawValue, attrs: [("title", .string(role.title))]))
        }
        for office in FieldOffice.all {
            out.append(
                E.entity(
                    "OrgUnit",
                    office.id,
                    attrs: [
                        ("name", .string(office.name)), ("time_zone", .string(office.timeZone)),
                        ("utc_offset_minutes", .integer(Int64(office.utcOffsetMinutes))),
                    ]
                )
            )
        }
        for kind in WatchListKind.allCases {
            out.append(
                E.entity(
                    "WatchList",
                    kind.rawValue,
                    attrs: [
                        ("description", .string(kind.description)),
                        ("size", .integer(Int64(watchLists[kind]?.count ?? 0))),
                    ]
                )
            )
        }
        let datasets: [(String, String, [String], String)] = [
            ("persons", HostApp.records, ["pii"], "Persons: names, dates of birth, addresses, identifiers"),
            ("cases", HostApp.casebook, ["restricted"], "Case files: investigations, subjects, notes"),
            ("vehicles", HostApp.dmv, ["pii"], "Vehicle registrations and owners"),
            ("addresses", HostApp.geo, ["pii"], "Addresses and their residents"),
        ]
        for (id, app, labels, description) in datasets {
            out.append(
                E.entity(
                    "Dataset",
                    id,
                    attrs: [
                        ("app", .string(app)), ("labels", E.strings(labels)), ("description", .string(description)),
                    ]
                )
            )
        }
        for member in staff { out.append(userEntity(member)) }
        for file in cases { out.append(caseEntity(file)) }
        var staffByPerson: [Int: StaffMember] = [:]
        for member in staff where member.isHuman { staffByPerson[member.personNumber] = member }
        for number in 1...persons.count { out.append(personEntity(number, staffMember: staffByPerson[number])) }
        return .array(out)
    }

    private func date(_ dayNumber: Int64) -> JSONValue { .string(TextFormatting.date(dayNumber: dayNumber)) }

    private func simulatedDate(_ day: Int) -> JSONValue { date(config.start.dayNumber + Int64(day)) }

    private func userEntity(_ member: StaffMember) -> JSONValue {
        typealias E = CedarEntities
        let office = FieldOffice.all[member.officeIndex]
        var attrs: [(String, JSONValue)] = [
            ("name", .string(member.displayName)),
            ("kind", .string(member.isHuman ? "human" : "service")),
            ("role", .string(member.role.rawValue)),
            ("org", E.reference("OrgUnit", office.id)),
            ("shift", .string(member.shift.rawValue)),
            ("status", .string(member.status.rawValue)),
            ("hire_date", date(member.hireDayNumber)),
            ("last_activity", date(member.lastActivityDayNumber)),
            ("devices", E.strings([member.device] + (member.laptop.map { [$0.device] } ?? []))),
            ("ips", E.strings([member.ip] + (member.laptop.map { [$0.ip] } ?? []))),
        ]
        if member.isHuman {
            attrs.append(("given_name", .string(member.givenName)))
            attrs.append(("surname", .string(member.surname)))
            attrs.append(("person", E.reference("Person", PersonRegistry.subjectID(member.personNumber))))
            if let home = member.homeAddress { attrs.append(("home_address", home.jsonValue)) }
        }
        if let day = member.statusChangeDay {
            attrs.append((member.status == .terminated ? "termination_date" : "disabled_date", simulatedDate(day)))
        }
        if let day = member.roleChangeDay, let previous = member.previousRole {
            attrs.append(("role_change_date", simulatedDate(day)))
            attrs.append(("previous_role", .string(previous.rawValue)))
        }
        return E.entity(
            "User",
            member.id,
            attrs: attrs,
            parents: [E.uid("OrgUnit", office.id), E.uid("Role", member.role.rawValue)]
        )
    }

    private func caseEntity(_ file: CaseFile) -> JSONValue {
        typealias E = CedarEntities
        let office = FieldOffice.all[file.officeIndex]
        let attrs: [(String, JSONValue)] = [
            ("title", .string(file.kind + " investigation " + file.id)),
            ("kind", .string(file.kind)),
            ("status", .string("open")),
            ("org", E.reference("OrgUnit", office.id)),
            ("opened", date(file.openedDayNumber)),
            ("restricted", .bool(file.isRestricted)),
            ("assigned", .array(file.assigned.map { E.reference("User", staff[$0].id) })),
            ("formerly_assigned", .array(file.formerlyAssigned.map { E.reference("User", staff[$0].id) })),
            ("subjects", .array(file.subjects.map { E.reference("Person", PersonRegistry.subjectID($0)) })),
        ]
        return E.entity("Case", file.id, attrs: attrs, parents: [E.uid("OrgUnit", office.id)])
    }

    private func personEntity(_ number: Int, staffMember: StaffMember?) -> JSONValue {
        typealias E = CedarEntities
        let address = staffMember?.homeAddress ?? persons.address(number)
        let attrs: [(String, JSONValue)] = [
            ("surname", .string(persons.surname(number))),
            ("given_name", .string(persons.givenName(number))),
            ("birth_year", .integer(Int64(persons.birthYear(number)))),
            ("address", address.jsonValue),
            ("record", .string(PersonRegistry.recordID(number))),
        ]
        let parents = watchListOfPerson[number].map { [E.uid("WatchList", $0.rawValue)] } ?? []
        return E.entity("Person", PersonRegistry.subjectID(number), attrs: attrs, parents: parents)
    }
}
