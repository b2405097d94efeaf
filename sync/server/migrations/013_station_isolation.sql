-- 013: station isolation (issue 13). Attachments belong to the stations that uploaded their bytes;
-- a partial upload belongs to the one terminal that sends it; PIN failures count per station and staff.

-- Who may read a complete attachment: every station that uploaded its bytes ('#platform' = the back
-- office). Other stations read it only through a document of an owner station that is shared with them.
CREATE TABLE attachment_owners (
  sha256     text        NOT NULL REFERENCES attachments (sha256) ON DELETE CASCADE,
  station_id text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sha256, station_id)
);

-- Partial (resumable) uploads, one per uploading terminal and hash: nobody else can append to it,
-- announce another size for it or read it. Moved into `attachments` once the bytes hash to the id.
CREATE TABLE attachment_uploads (
  sha256      text        NOT NULL,
  uploader    text        NOT NULL,
  station_id  text        NOT NULL,
  size        bigint,
  received    bigint      NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sha256, uploader)
);
CREATE INDEX attachment_uploads_updated ON attachment_uploads (updated_at);
CREATE INDEX attachment_uploads_uploader ON attachment_uploads (uploader);

CREATE TABLE attachment_upload_chunks (
  sha256   text   NOT NULL,
  uploader text   NOT NULL,
  "offset" bigint NOT NULL,
  data     bytea  NOT NULL,
  PRIMARY KEY (sha256, uploader, "offset"),
  FOREIGN KEY (sha256, uploader) REFERENCES attachment_uploads (sha256, uploader) ON DELETE CASCADE
);

-- Partial uploads from before this migration had no uploader: dropped (their terminals start again at 0).
DELETE FROM attachments WHERE NOT complete;

-- Complete attachments from before: owned by the stations whose applications reference them.
INSERT INTO attachment_owners (sha256, station_id)
SELECT DISTINCT a.sha256, s.station
  FROM attachments a
  JOIN documents d ON d.collection = 'applications'
   AND (d.data->'authorization'->>'letterSha256' = a.sha256
        OR d.data->'materials' @> jsonb_build_array(jsonb_build_object('attachments', jsonb_build_array(jsonb_build_object('sha256', a.sha256)))))
  CROSS JOIN LATERAL unnest(d.stations) AS s(station)
 WHERE a.complete
ON CONFLICT DO NOTHING;

-- PIN failures per station and staff id: wrong PINs sent from one station never lock the staff
-- member out at another.
DELETE FROM staff_login_failures;
ALTER TABLE staff_login_failures ADD COLUMN station_id text NOT NULL;
ALTER TABLE staff_login_failures DROP CONSTRAINT staff_login_failures_pkey;
ALTER TABLE staff_login_failures ADD PRIMARY KEY (station_id, staff_id);
