-- An e-book library / notes store, in the manner of e-book managers: FTS5 external content
-- synced by triggers, generated columns, expression indexes on JSON, STRICT tables.
CREATE TABLE books (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL COLLATE NOCASE,
    author_sort TEXT,
    meta TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta)),
    series_index REAL NOT NULL DEFAULT 1.0,
    title_key TEXT GENERATED ALWAYS AS (lower(title)) VIRTUAL,
    lang TEXT GENERATED ALWAYS AS (json_extract(meta, '$.lang')) STORED
);
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE) STRICT;
CREATE TABLE books_tags_link (
    book INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
    tag INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (book, tag)
) WITHOUT ROWID;
CREATE INDEX books_author_sort ON books (author_sort COLLATE NOCASE, series_index DESC);
CREATE INDEX books_publisher ON books (json_extract(meta, '$.publisher')) WHERE json_extract(meta, '$.publisher') IS NOT NULL;
CREATE INDEX books_title_len ON books ((length(title) + 1));
CREATE VIRTUAL TABLE books_fts USING fts5(title, author_sort, content='books', content_rowid='id', tokenize='porter unicode61', prefix='2 3');
CREATE TRIGGER books_ai AFTER INSERT ON books BEGIN
  INSERT INTO books_fts(rowid, title, author_sort) VALUES (new.id, new.title, new.author_sort);
END;
CREATE TRIGGER books_ad AFTER DELETE ON books BEGIN
  INSERT INTO books_fts(books_fts, rowid, title, author_sort) VALUES('delete', old.id, old.title, old.author_sort);
END;
CREATE TRIGGER books_au AFTER UPDATE ON books BEGIN
  INSERT INTO books_fts(books_fts, rowid, title, author_sort) VALUES('delete', old.id, old.title, old.author_sort);
  INSERT INTO books_fts(rowid, title, author_sort) VALUES (new.id, new.title, new.author_sort);
END;
