-- Secrets the platform hands to enrolled terminals (e.g. the province's applicant ID lookup hash key).
CREATE TABLE platform_secrets (
  name       text PRIMARY KEY,
  value      text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
