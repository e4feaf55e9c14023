public import CustosCore
import CustosPolicy
import CustosStore

extension ReviewItem {
    /// The review a break-glass decision event names (`break_glass: true`, `review`, `cedar_principal`,
    /// `cedar_action`, `reasons`), as the decision point opened it; nil for any other event.
    public init?(breakGlassDecision event: AccessEvent) {
        guard event.action == "authorize", event.outcome == .success, let decisionID = event.decision,
            let attributes = event.attributes, attributes["break_glass"] == .bool(true),
            case .string(let id)? = attributes["review"], case .string(let action)? = attributes["cedar_action"],
            case .string(let policy)? = attributes["reasons"]?.arrayValue?.first
        else { return nil }
        let resource = EntityUID(type: event.resource?.type ?? "", id: event.resource?.id ?? "")
        self.init(
            id: id,
            decisionID: decisionID,
            openedAt: event.time,
            principal: attributes["cedar_principal"]?.stringValue ?? event.actor.id,
            action: action,
            resource: resource.description,
            policy: policy,
            app: event.app,
            purpose: event.purpose
        )
    }
}

extension CustosAPI {
    /// How many events one read of the recovery scan takes.
    static let reviewRecoveryPage = 10_000

    /// Opens the review of every break-glass decision in the ledger that has none — one stored before a crash
    /// (or a failed write) kept its review from being opened — reading the events after the last checked `seq`
    /// (``ReviewStore/checkedThroughSeq``) and then moving that mark to the end. Run it before serving; it returns
    /// the reviews it opened.
    public func recoverReviews() async throws -> [ReviewItem] {
        let next = try await store.statistics().events
        let from = reviews.checkedThroughSeq + 1
        guard from < next else { return [] }
        var found: [ReviewItem] = []
        if let scanner = store as? any EventRangeScanning {
            var low = from
            while low < next {
                let page = try await scanner.events(seqs: low...(next - 1), in: .all, limit: Self.reviewRecoveryPage)
                guard let last = page.last else { break }
                found += page.compactMap { ReviewItem(breakGlassDecision: $0.event) }
                low = last.seq + 1
            }
        } else {
            var query = EventQuery(
                action: "authorize",
                outcome: .success,
                limit: Self.reviewRecoveryPage,
                order: .ascending
            )
            repeat {
                let page = try await store.events(query)
                found += page.events.filter { $0.seq >= from }.compactMap { ReviewItem(breakGlassDecision: $0.event) }
                query.cursor = page.nextCursor
            } while query.cursor != nil
        }
        return try reviews.reopen(found, checkedThrough: next - 1)
    }

    /// Moves the recovery mark to the end of the ledger (at a clean shutdown, when every decision answered has
    /// had its review opened); kept where it is when opening a review failed while the server ran.
    public func markReviewsChecked() async throws {
        let next = try await store.statistics().events
        if next > 0 { try reviews.markChecked(through: next - 1) }
    }
}
