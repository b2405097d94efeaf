-- 005: the station hub's upstream replication state (empty and unused on a province).
-- Everything the hub needs to resume after a kill lives here, next to the documents it describes.

-- Small named values: the upstream enrollment (url, terminal id, station id, token), pull
-- checkpoints per collection, last contact, counters.
CREATE TABLE hub_state (
  key        text PRIMARY KEY,
  value      jsonb       NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per document of an upward collection: the upstream (province) state as last known, and the local
-- seq at which the local document equalled it. A local document whose seq is greater is pending
-- (the drain pushes it with `data` as its assumed master state); -1 = pending whatever the seq.
CREATE TABLE hub_upstream (
  collection text        NOT NULL,
  id         text        NOT NULL,
  data       jsonb       NOT NULL,
  local_seq  bigint      NOT NULL,
  synced_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (collection, id)
);

-- Per-document refusals by the upstream, kept with the reason; the document at `local_seq` is not
-- pushed again (a later local change is).
CREATE TABLE hub_rejections (
  collection text        NOT NULL,
  id         text        NOT NULL,
  local_seq  bigint      NOT NULL,
  code       text        NOT NULL,
  message    text        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (collection, id)
);

-- Attachments sent upstream (complete there), or refused there (with a retry time).
CREATE TABLE hub_attachment_uploads (
  sha256      text PRIMARY KEY,
  uploaded_at timestamptz,
  attempts    integer     NOT NULL DEFAULT 0,
  code        text,
  message     text,
  next_at     timestamptz
);
