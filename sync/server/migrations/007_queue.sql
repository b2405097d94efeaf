-- 007: the station queue (sync/server/queue.ts). Tickets themselves are `queue_tickets` documents.

-- Every queue command and lease by its idempotency key: a replay gets the stored answer.
CREATE TABLE queue_commands (
  command_id  text PRIMARY KEY,
  station_id  text        NOT NULL,
  terminal_id text,
  kind        text        NOT NULL,
  -- SHA-256 of the canonical request (with the station): the same id with another body is refused.
  body_hash   text        NOT NULL,
  status      integer     NOT NULL,
  response    jsonb       NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);

-- Per station and station day: `number:<category>` (last number issued or leased), `streak:<window>`.
CREATE TABLE queue_counters (
  station_id  text    NOT NULL,
  station_day text    NOT NULL,
  name        text    NOT NULL,
  value       integer NOT NULL,
  PRIMARY KEY (station_id, station_day, name)
);

-- Number blocks leased to a terminal (kiosk) for issuing offline.
CREATE TABLE queue_leases (
  command_id  text PRIMARY KEY,
  station_id  text        NOT NULL,
  terminal_id text        NOT NULL,
  station_day text        NOT NULL,
  category    text        NOT NULL,
  prefix      text        NOT NULL,
  from_number integer     NOT NULL,
  to_number   integer     NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX queue_leases_terminal ON queue_leases (station_id, terminal_id, station_day, category);

-- A station's recent tickets (ids are UUIDv7, time-ordered): the line and the state view read a range.
CREATE INDEX documents_queue_station ON documents ((data->>'stationId'), (id COLLATE "C")) WHERE collection = 'queue_tickets';
