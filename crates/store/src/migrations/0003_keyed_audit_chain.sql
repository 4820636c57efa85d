-- Migration 3: the audit chain keyed with a MAC (HMAC-SHA-256, its key from the key file).
--
-- Events already in the log stay as they were written, chained with plain SHA-256: they are
-- never rewritten (no role may update the audit log). The first keyed event chains onto their
-- last hash, so from then on the keyed chain vouches for them too. `audit_keyed_from` is the
-- first event that must be keyed: a store made with this migration keys every event.
INSERT INTO meta (key, value)
    SELECT 'audit_keyed_from', CAST(COALESCE(MAX(seq), 0) + 1 AS TEXT) FROM audit;
