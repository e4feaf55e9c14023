#ifndef CCUSTOS_SQLITE_CONFIG_H
#define CCUSTOS_SQLITE_CONFIG_H

/// Sets SQLite's process-wide options before its first connection opens (`sqlite3_config` is variadic, so Swift
/// cannot call it): multi-thread mode, so that no call on a connection takes that connection's mutex (each connection
/// is used by one thread at a time: GRDB serializes its connections, and the tile reader holds a lock of its own), and
/// no memory statistics, which take a global mutex on every allocation. Returns 0 when both are set, else SQLite's
/// error code (`SQLITE_MISUSE` once SQLite has initialized: the options then stay as they were).
int custos_sqlite_configure(void);

#endif
