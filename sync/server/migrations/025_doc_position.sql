-- 025: a document's `seq` is a position derived from its writing transaction's id, so writers need no
-- lock (they used to take a per-collection advisory lock through the commit, serialising every push).
--
--   position = (xid8 + base) * 1024 + n
--
-- xid8 = pg_current_xact_id() of the writing transaction (top level, 64-bit, never wraps), n = 0..1023
-- counts the documents the transaction writes (doc_position() below; a transaction may write at most
-- 1024 documents: pushes are at most LIMITS.maxPushRows = 500 rows, platform upserts are chunked by
-- 500, a station hub's pull page is at most LIMITS.maxPullLimit = 1000). `base` (fixed here, once) puts
-- every new position above every existing seq: stores keep their rows and terminals their checkpoints.
--
-- Positions stay JS-safe integers (< 2^53) for 2^53 / 2^10 = 2^43 ≈ 8.8e12 transaction ids: 27 years at
-- a sustained 10,000 writing transactions per second across the whole cluster, 279 years at 1,000/s.
-- doc_position() refuses to go past 2^53 rather than hand out an unsafe number.
--
-- Pulls stay gap-free without a lock: a pull reads only `seq < doc_horizon()`, the lowest position any
-- unfinished transaction could still commit (from xmin, the oldest transaction id still running in
-- the pull's own snapshot). Every transaction that can still commit has xid >= xmin, so no later commit
-- lands below a checkpoint a pull handed out.

CREATE TABLE doc_position_base (
  one  boolean PRIMARY KEY DEFAULT true CHECK (one),
  base bigint  NOT NULL
);

-- The greatest seq handed out so far (rows, and the old sequence for good measure), divided by 1024,
-- plus one, minus this transaction's id: any transaction after this one (xid8 only grows) writes above it.
INSERT INTO doc_position_base (base)
SELECT greatest(coalesce((SELECT max(seq) FROM documents), 0), (SELECT last_value FROM document_seq)) / 1024 + 1
       - pg_current_xact_id()::text::bigint;

-- The next position of the calling transaction: the first call computes the transaction's block, later
-- calls count up in it (a transaction-local setting, reset at the end of the transaction).
CREATE FUNCTION doc_position() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  pos bigint := nullif(current_setting('doc_position.pos', true), '')::bigint;
BEGIN
  IF pos IS NULL THEN
    SELECT (pg_current_xact_id()::text::bigint + b.base) * 1024 INTO pos FROM doc_position_base b;
  ELSIF pos % 1024 = 0 THEN
    RAISE EXCEPTION 'a transaction may write at most 1024 documents' USING ERRCODE = '54000';
  END IF;
  IF pos >= 9007199254740992 THEN
    RAISE EXCEPTION 'document positions exhausted (2^53)' USING ERRCODE = '22003';
  END IF;
  PERFORM set_config('doc_position.pos', (pos + 1)::text, true);
  RETURN pos;
END
$$;

-- Positions below this are final: written by transactions that have finished (committed or rolled
-- back). STABLE, so it reads the calling statement's snapshot (pg_current_snapshot() is the active
-- snapshot, src/backend/utils/adt/xid8funcs.c): the horizon and the rows a pull reads agree.
CREATE FUNCTION doc_horizon() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint + b.base) * 1024 FROM doc_position_base b
$$;
