-- Migration 4: a data key per return, erasure, and review dates.
--
-- Each return stored from now on seals its identifiers with a data key of its own, kept here
-- wrapped (sealed) by the workspace's key. Erasing a return deletes its wrapped key: its
-- identifiers can no longer be opened by anyone, with any key (crypto-shredding). Returns stored
-- before this migration have no row here and stay sealed under the workspace's key; erasing
-- one of them deletes its sealed values instead.
CREATE TABLE VAULT.return_keys (
    return_id INTEGER PRIMARY KEY REFERENCES returns(return_id),
    wrapped BLOB NOT NULL
);

-- The fact of an erasure: when, by whom, why. No identifiers.
CREATE TABLE erasures (
    return_id INTEGER PRIMARY KEY REFERENCES returns(return_id),
    at TEXT NOT NULL,
    "user" TEXT NOT NULL,
    reason TEXT NOT NULL
);

-- When a return is due for review (keep or erase): its period's end, or the day it was
-- stored, plus the years the workspace's `[retention]` gives its agency's type.
ALTER TABLE returns ADD COLUMN review_date TEXT;
