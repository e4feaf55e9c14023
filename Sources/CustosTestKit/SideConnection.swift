public import GRDB

extension DatabaseQueue {
    /// A second connection to a store's file, as another process would open it: it waits for the store's own
    /// background writers (the rollup packer) instead of failing with "database is locked".
    public static func sideConnection(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(30)
        return try DatabaseQueue(path: path, configuration: config)
    }
}
