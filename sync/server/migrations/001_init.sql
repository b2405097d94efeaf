-- 001: documents with a platform-assigned sequence, terminals, enrollment codes, attachments.

CREATE SEQUENCE document_seq;

-- Every replicated document of every collection. Never deleted: `_deleted` lives in data.
CREATE TABLE documents (
  collection     text        NOT NULL,
  id             text        NOT NULL,
  seq            bigint      NOT NULL,
  -- NULL = global (catalog, forms); otherwise the stations that may read it.
  stations       text[],
  data           jsonb       NOT NULL,
  -- SHA-256 of the canonical newDocumentState of the last accepted push (idempotent replays).
  last_push_hash text,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (collection, id)
);
CREATE UNIQUE INDEX documents_collection_seq ON documents (collection, seq);

CREATE TABLE enroll_codes (
  code_hash   text PRIMARY KEY,
  station_id  text        NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  terminal_id text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE terminals (
  id           text PRIMARY KEY,
  station_id   text        NOT NULL,
  token_hash   text        NOT NULL UNIQUE,
  label        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

CREATE TABLE attachments (
  sha256       text PRIMARY KEY,
  size         bigint,
  received     bigint      NOT NULL DEFAULT 0,
  complete     boolean     NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);

CREATE TABLE attachment_chunks (
  sha256   text   NOT NULL REFERENCES attachments (sha256) ON DELETE CASCADE,
  "offset" bigint NOT NULL,
  data     bytea  NOT NULL,
  PRIMARY KEY (sha256, "offset")
);

-- 受理号 counters, one row per station and day.
CREATE TABLE acceptance_counters (
  scope      text PRIMARY KEY,
  last_value integer NOT NULL
);

CREATE TABLE staff_login_failures (
  staff_id     text PRIMARY KEY,
  failures     integer     NOT NULL,
  window_start timestamptz NOT NULL
);
