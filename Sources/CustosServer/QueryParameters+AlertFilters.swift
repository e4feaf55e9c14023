import CustosStore

extension QueryParameters {
    /// Reads the alert filters — `status`, `severity`, `rule` and `assignee` — into `query`, as the alert API and
    /// the console's queue both take them; 400 naming the parameter for an unknown status or severity.
    func alertFilters(into query: inout AlertQuery) throws(Problem) {
        if let v = try string("status") {
            guard let s = AlertStatus(rawValue: v) else {
                throw Problem.badParameter("status", "must be one of open, acknowledged, resolved")
            }
            query.status = s
        }
        if let v = try string("severity") {
            guard let s = AlertSeverity(rawValue: v) else {
                throw Problem.badParameter("severity", "must be one of informational, low, medium, high, critical")
            }
            query.severity = s
        }
        query.rule = try string("rule")
        query.assignee = try string("assignee")
    }
}
