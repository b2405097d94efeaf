-- 019: 电子证照: the reference platform's licence library (sync/server/e-licences). Holders are kept
-- by the province ID hash (sync/server/id-hash.ts), never by ID number; the file (a rendered PDF or
-- image) is kept once per licence. Every lookup records the resident's consent as the terminal sent it
-- (also on a station hub, which relays lookups to the province).

CREATE TABLE e_licences (
  id             text PRIMARY KEY,
  type_code      text        NOT NULL,
  holder_id_hash text        NOT NULL,
  number         text        NOT NULL,
  issuer         text        NOT NULL,
  valid_from     date        NOT NULL,
  valid_until    date,
  file_sha256    text        NOT NULL,
  file_mime      text        NOT NULL,
  file_size      integer     NOT NULL,
  file_bytes     bytea       NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX e_licences_holder ON e_licences (holder_id_hash, type_code);

CREATE TABLE e_licence_consents (
  id             text PRIMARY KEY,
  terminal_id    text        NOT NULL,
  station_id     text        NOT NULL,
  holder_id_hash text        NOT NULL,
  types          text[]      NOT NULL,
  channel        text        NOT NULL,
  staff_id       text,
  application_id text,
  given_at       timestamptz NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  found          integer     NOT NULL DEFAULT 0,
  -- The licences answered (id, type, file hash/size/type; numbers masked): a file is handed out only
  -- to the terminal that was answered it.
  licences       jsonb       NOT NULL DEFAULT '[]'
);
CREATE INDEX e_licence_consents_terminal ON e_licence_consents (terminal_id, holder_id_hash, recorded_at);
