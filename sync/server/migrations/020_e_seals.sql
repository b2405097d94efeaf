-- 020: 电子印章. The platform is the seal authority of the reference setup: its SM2 root key is kept in
-- platform_secrets ('seal-root-key', private key hex); every seal certificate it issues to a
-- terminal (the station's seal bound to that terminal's own SM2 key) is recorded here, for the back
-- office and for revocation later (sync/protocol/seal.ts, sync/README.md).
CREATE TABLE seal_certificates (
  serial       text PRIMARY KEY,
  station_id   text        NOT NULL,
  terminal_id  text        NOT NULL,
  public_key   text        NOT NULL,
  not_before   timestamptz NOT NULL,
  not_after    timestamptz NOT NULL,
  issued_at    timestamptz NOT NULL DEFAULT now(),
  -- the certificate as issued (JSON), so it can be handed out again
  certificate  jsonb       NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX seal_certificates_terminal ON seal_certificates (terminal_id, issued_at);
