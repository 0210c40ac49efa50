-- A reference manager's library, in the manner of desktop citation managers: typeless and
-- oddly typed columns, names with spaces, ordered creator lists, a collated title index.
CREATE TABLE items (
    itemID INTEGER PRIMARY KEY,
    itemTypeID INT NOT NULL,
    dateAdded TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    dateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL,
    key TEXT NOT NULL,
    version INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0,
    UNIQUE (libraryID, key)
);
CREATE TABLE itemDataValues (
    valueID INTEGER PRIMARY KEY,
    value UNIQUE
);
CREATE TABLE itemData (
    itemID INT,
    fieldID INT,
    valueID,
    PRIMARY KEY (itemID, fieldID),
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (valueID) REFERENCES itemDataValues(valueID)
);
CREATE TABLE creators (
    creatorID INTEGER PRIMARY KEY,
    firstName TEXT,
    lastName TEXT,
    fieldMode INT,
    UNIQUE (lastName, firstName, fieldMode)
);
CREATE TABLE itemCreators (
    itemID INT NOT NULL,
    creatorID INT NOT NULL,
    creatorTypeID INT NOT NULL DEFAULT 1,
    orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (itemID, creatorID, creatorTypeID, orderIndex),
    UNIQUE (itemID, orderIndex),
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (creatorID) REFERENCES creators(creatorID) ON DELETE CASCADE
);
CREATE TABLE "saved searches" (
    "search id" INTEGER PRIMARY KEY,
    "search name" TEXT NOT NULL COLLATE NOCASE,
    conditions TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX itemData_fieldID ON itemData(fieldID);
CREATE INDEX creators_name ON creators(lastName COLLATE NOCASE, firstName COLLATE NOCASE);
CREATE INDEX "saved searches by name" ON "saved searches" ("search name" COLLATE BINARY);
CREATE TRIGGER items_touch AFTER UPDATE OF version ON items
BEGIN
    UPDATE items SET clientDateModified = CURRENT_TIMESTAMP WHERE itemID = new.itemID;
END;
CREATE VIEW itemCreatorNames AS SELECT ic.itemID, CAST(c.lastName || ', ' || c.firstName AS TEXT) AS name, ic.orderIndex FROM itemCreators ic JOIN creators c USING (creatorID);
CREATE VIEW "first creators" AS SELECT itemID, name FROM itemCreatorNames WHERE orderIndex = 0;
