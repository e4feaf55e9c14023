/// The statements of the console-accounts migration (docs/console.md): the people who sign in to the console.
enum SQLiteConsoleSchema {
    static let statements: [String] = [
        """
        CREATE TABLE console_accounts(
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            actor TEXT NOT NULL,
            org_units TEXT NOT NULL,
            created INTEGER NOT NULL,
            disabled INTEGER
        )
        """
    ]
}
