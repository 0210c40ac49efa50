-- A chat server's store, in the manner of self-hosted Matrix/XMPP servers: mixed-case quoted
-- names, a keyword as a column name, composite keys, DEFERRABLE keys, an event log STRICT table.
CREATE TABLE "Users" (
    "UserId" TEXT NOT NULL PRIMARY KEY,
    "DisplayName" TEXT,
    "CreatedTs" BIGINT NOT NULL,
    "IsAdmin" SMALLINT DEFAULT 0 NOT NULL,
    "Deactivated" SMALLINT DEFAULT 0 NOT NULL
);
CREATE TABLE "Rooms" (
    "RoomId" TEXT NOT NULL PRIMARY KEY,
    "Creator" TEXT REFERENCES "Users"("UserId") DEFERRABLE INITIALLY DEFERRED,
    "IsPublic" BOOL,
    "Version" TEXT DEFAULT '10'
);
CREATE TABLE "RoomMemberships" (
    "RoomId" TEXT NOT NULL REFERENCES "Rooms"("RoomId") ON DELETE CASCADE,
    "UserId" TEXT NOT NULL REFERENCES "Users"("UserId") ON DELETE CASCADE,
    "Membership" TEXT NOT NULL CHECK ("Membership" IN ('join', 'invite', 'leave', 'ban')),
    "Order" INTEGER,
    PRIMARY KEY ("RoomId", "UserId")
) WITHOUT ROWID;
CREATE TABLE "Events" (
    "StreamOrdering" INTEGER PRIMARY KEY AUTOINCREMENT,
    "EventId" TEXT NOT NULL UNIQUE,
    "RoomId" TEXT NOT NULL,
    "Sender" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "Content" TEXT,
    "ReceivedTs" INTEGER NOT NULL,
    FOREIGN KEY ("RoomId") REFERENCES "Rooms"("RoomId") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "Events_Room_Stream" ON "Events" ("RoomId", "StreamOrdering" DESC);
CREATE INDEX "Events_Type" ON "Events" ("Type") WHERE "Type" <> 'm.room.message';
CREATE INDEX "Memberships_User" ON "RoomMemberships" ("UserId", "Membership");
CREATE TRIGGER "Users_NoDelete" BEFORE DELETE ON "Users" WHEN old."IsAdmin" = 1
BEGIN
    SELECT RAISE(FAIL, 'admins are deactivated, not deleted');
END;
