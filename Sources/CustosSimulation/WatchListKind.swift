/// The watch lists of persons whose records deserve extra scrutiny; each is a `Custos::WatchList` entity and a
/// parent of its members' `Custos::Person` entities.
enum WatchListKind: String, Sendable, Hashable, CaseIterable {
    /// Celebrities, politicians and other public figures (`vip`).
    case vip
    /// The agency's own staff, as persons in the records (`colleagues`).
    case colleague = "colleagues"
    /// Protected persons: witnesses, victims under protection (`protected`); their records are restricted.
    case protected

    /// A description for the entity.
    var description: String {
        switch self {
        case .vip: "Public figures: celebrities, politicians, athletes"
        case .colleague: "Agency staff appearing in the records"
        case .protected: "Protected persons: witnesses and victims under protection"
        }
    }
}
