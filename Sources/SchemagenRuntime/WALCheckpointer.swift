// WALCheckpointer: a DatabasePool's WAL checkpoints, off the writer's thread.
//
// In WAL mode every commit appends pages to the WAL; a checkpoint copies them back into the
// database file (with a sync of the WAL before and of the file after, unless synchronous=OFF).
// SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages, on the
// writing thread: that one write waits for the whole copy and both syncs (5–10 ms on the
// benchmark machine; a third of a loop of one-row writes' time there). A pool owns threads, so
// it can do better: the writer's WAL hook (called after each commit) hands the checkpoint to a
// connection of its own, on its own queue, and the writes go on meanwhile (a PASSIVE checkpoint
// takes no lock a writer needs).
//
// The WAL starts over from its beginning only when a write transaction begins while everything in
// it has been copied back. Under a constant stream of writes that never happens by itself (each
// background checkpoint leaves the pages written while it ran), so once the WAL holds
// `writerFactor` × `pages` pages and no background checkpoint runs, the writer checkpoints the
// remainder itself, as SQLite would; if writes outrun a background checkpoint by as much again,
// the writer waits for it first. The WAL so stays within 2 × `writerFactor` × `pages` pages (and one
// commit's) whenever no read holds an older snapshot (one that does keeps SQLite's own checkpoint
// from finishing too), and the writer pays about one checkpoint in `writerFactor`.

import CSQLite
import Foundation

/// Background checkpoints of one pool's WAL (`DatabasePool.Configuration.Checkpointing.background`).
///
/// Thread safety: `running` and the counters are atomic words; `nextBackgroundAt` and
/// `lastFrames` are touched only by the writer connection's thread (SQLite calls the WAL hook from
/// inside the writer's COMMIT), and `connection` only on `queue`; hence `@unchecked Sendable`.
final class WALCheckpointer: @unchecked Sendable {
    /// How many new WAL pages start a background checkpoint.
    let pages: Int
    /// Once the WAL holds this many times `pages`, the writer checkpoints after its commit.
    static let writerFactor = 4
    /// `writerFactor` × `pages`, and twice that (where the writer first waits for a background checkpoint).
    private let writerAt: Int
    private let waitAt: Int

    private let connection: Database
    private let queue = DispatchQueue(label: "schemagen.checkpointer", qos: .utility)
    /// 1 while a background checkpoint is queued or runs.
    private let running = AtomicWord()
    /// Background checkpoints run, and checkpoints the writer ran itself (for tests and diagnostics).
    private let backgroundCount = AtomicWord()
    private let writerCount = AtomicWord()

    // --- the writer's thread only ---
    /// The WAL size (frames) at which the next background checkpoint starts.
    private var nextBackgroundAt: Int
    /// The WAL size reported after the previous commit (smaller now: the WAL started over).
    private var lastFrames = 0

    /// `connection`: a read-write connection to the pool's file, used by nothing else (its
    /// `synchronous` setting decides the checkpoints' syncs: give it the writer's).
    init(connection: Database, pages: Int) {
        self.connection = connection
        // SQLite counts WAL pages in an Int32: larger thresholds mean the same as the largest.
        self.pages = min(max(1, pages), Int(Int32.max) / (2 * WALCheckpointer.writerFactor))
        writerAt = self.pages * WALCheckpointer.writerFactor
        waitAt = 2 * writerAt
        nextBackgroundAt = self.pages
    }

    var backgroundCheckpoints: Int { backgroundCount.load() }
    var writerCheckpoints: Int { writerCount.load() }

    /// Registers the WAL hook on the writer connection `db` (replacing SQLite's automatic
    /// checkpoint, which is itself a WAL hook). `self` must outlive the connection.
    func install(on db: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(db, { context, db, schema, frames in
            if let context, let db {
                Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(db, schema, Int(frames))
            }
            return SQLITE_OK
        }, context)
    }

    /// The writer's thread, after a commit that left `frames` pages in schema `schema`'s WAL.
    private func committed(_ db: OpaquePointer, _ schema: UnsafePointer<CChar>?, _ frames: Int) {
        guard let schema, strcmp(schema, "main") == 0 else {
            // An attached WAL database: SQLite's own rule, in this commit.
            if frames >= pages { sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nil, nil) }
            return
        }
        if frames < lastFrames { nextBackgroundAt = pages }
        lastFrames = frames
        if running.load() != 0 {
            // Writes outran a background checkpoint by another `writerFactor` × `pages`: wait for
            // it (on this, the writer's, thread, as SQLite's own checkpoint makes the commit
            // wait), so that the WAL stays within 2 × `writerFactor` × `pages` pages and a commit.
            guard frames >= waitAt else { return }
            queue.sync {}
        }
        if frames >= writerAt {
            // What the background checkpoints left: copied now, so that the next write starts the WAL over.
            sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            writerCount.add(1)
            nextBackgroundAt = pages
        } else if frames >= nextBackgroundAt {
            nextBackgroundAt = min(frames, Int(Int32.max) - pages) + pages
            running.store(1)
            queue.async { [self] in
                _ = connection.checkpointPassive()
                backgroundCount.add(1)
                running.store(0)
            }
        }
    }

    /// After the checkpoint running (if any), closes the connection; then `done`. A checkpoint
    /// handed over later finds it closed and does nothing.
    func stop(_ done: @escaping @Sendable () -> Void = {}) {
        queue.async { [self] in
            connection.close()
            done()
        }
    }
}
