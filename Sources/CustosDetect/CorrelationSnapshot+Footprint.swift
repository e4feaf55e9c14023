extension CorrelationSnapshot {
    /// How many groups hold an open window (over all correlations): a measure of the state the engine keeps, for
    /// memory figures (`custos bench detect`).
    public var openGroupCount: Int {
        correlations.values.reduce(0) { $0 + $1.groups.count }
    }

    /// How many occurrences the open windows buffer (over all correlations and groups).
    public var bufferedOccurrenceCount: Int {
        correlations.values.reduce(0) { total, state in
            total + state.groups.values.reduce(0) { $0 + $1.occurrences.count }
        }
    }
}
