-- 022: electronic ID QR codes (可信身份认证, sync/server/identity/id-qr.ts). One row per code the
-- reference issuer signed: its one-time id, the key that signed it, the holder's identity sealed with
-- AES-256-GCM under a platform secret (never in clear; removed once the code is used or expired),
-- and its use. A second redemption finds `redeemed_at` set and is refused (single use). Rows are
-- deleted a day after they expire (a code is refused as expired by its signed `exp` anyway).
-- The issuer's Ed25519 key and the sealing key live in platform_secrets (002).
CREATE TABLE id_qr_codes (
  jti           text PRIMARY KEY,
  kid           text        NOT NULL,
  holder_sealed text,
  issued_at     timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  redeemed_at   timestamptz,
  redeemed_by   text,
  station_id    text
);
CREATE INDEX id_qr_codes_expires ON id_qr_codes (expires_at);
