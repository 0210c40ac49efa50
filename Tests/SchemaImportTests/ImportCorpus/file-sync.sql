-- A file-sync engine's journal, in the manner of desktop sync clients: `backtick` quoting,
-- identifiers with spaces, DEFERRABLE foreign keys, triggers with RAISE and UPSERT bodies.
CREATE TABLE `folder` (
  `folder id` INTEGER PRIMARY KEY,
  `path` TEXT NOT NULL UNIQUE,
  `parent id` INTEGER REFERENCES `folder`(`folder id`) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE `file entry` (
  `id` INTEGER PRIMARY KEY,
  `folder id` INTEGER NOT NULL REFERENCES `folder`(`folder id`) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  `name` TEXT NOT NULL,
  `size` INTEGER NOT NULL DEFAULT 0 CHECK (`size` >= 0),
  `mtime` INTEGER NOT NULL,
  `checksum` BLOB,
  `state` TEXT NOT NULL DEFAULT 'synced' CHECK (`state` IN ('synced', 'pending', 'conflict')),
  UNIQUE (`folder id`, `name`)
);
CREATE TABLE `folder stat` (
  `folder id` INTEGER PRIMARY KEY REFERENCES `folder`(`folder id`) ON DELETE CASCADE,
  `files` INTEGER NOT NULL DEFAULT 0,
  `bytes` INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX `idx file state` ON `file entry` (`state`) WHERE `state` <> 'synced';
CREATE TRIGGER `file entry counted` AFTER INSERT ON `file entry`
BEGIN
  INSERT INTO `folder stat` (`folder id`, `files`, `bytes`) VALUES (new.`folder id`, 1, new.`size`)
    ON CONFLICT (`folder id`) DO UPDATE SET `files` = `files` + 1, `bytes` = `bytes` + excluded.`bytes`;
END;
CREATE TRIGGER `file entry no shrink` BEFORE UPDATE OF `size` ON `file entry`
FOR EACH ROW WHEN new.`size` < 0
BEGIN
  SELECT RAISE(ABORT, 'negative size');
END;
