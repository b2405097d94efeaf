-- 024: older cases on demand (issue 16 item 2). Terminals pull a bounded window of the station's
-- history (`recentDays`); a case outside it is fetched by id or applicant hash
-- (GET /api/v1/sync/applications/lookup). The id has the primary key; the hash gets this index.
CREATE INDEX documents_application_hash ON documents ((data->>'applicantIdHash')) WHERE collection = 'applications';
