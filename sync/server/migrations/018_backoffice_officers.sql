-- 018: the province's back office: officer accounts with roles, their sessions, sign-in failures
-- (lockout) and the audit log of every back-office action (sync/server/backoffice).

CREATE TABLE officers (
  id                  text PRIMARY KEY,
  name                text        NOT NULL,
  roles               text[]      NOT NULL,
  -- scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>
  password_hash       text        NOT NULL,
  disabled_at         timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  created_by          text,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  last_sign_in_at     timestamptz
);

-- Session tokens are stored as SHA-256 only.
CREATE TABLE officer_sessions (
  token_hash   text PRIMARY KEY,
  officer_id   text        NOT NULL REFERENCES officers (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
CREATE INDEX officer_sessions_officer ON officer_sessions (officer_id);

-- Failed sign-ins per login name (known or not) within a 15-minute window.
CREATE TABLE officer_sign_in_failures (
  login        text PRIMARY KEY,
  failures     integer     NOT NULL,
  window_start timestamptz NOT NULL
);

CREATE TABLE backoffice_audit (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  officer_id text,
  via        text        NOT NULL,
  action     text        NOT NULL,
  target     text,
  outcome    text        NOT NULL,
  address    text,
  detail     jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX backoffice_audit_officer ON backoffice_audit (officer_id, id);
