-- 021: 通办 (cross-region services, issue 17). The division registry (行政区划, GB/T 2260) that
-- applications are routed by, the division scope of back-office officers, and the record of every
-- application handed to the division that handles it (sync/server/tongban.ts).

-- The registry: the reference platform loads a demo subset (sync/server/seed/tongban.ts keeps the
-- same rows); an integrator loads the full GB/T 2260 table (INSERT … ON CONFLICT DO UPDATE).
CREATE TABLE divisions (
  code      text PRIMARY KEY CHECK (code ~ '^[1-8][0-9]{5}$'),
  name      text NOT NULL,
  full_name text NOT NULL,
  level     text NOT NULL CHECK (level IN ('province', 'prefecture', 'county')),
  parent    text
);

INSERT INTO divisions (code, name, full_name, level, parent) VALUES
  ('360000', '江西省', '江西省', 'province', NULL),
  ('360100', '南昌市', '江西省南昌市', 'prefecture', '360000'),
  ('360102', '东湖区', '江西省南昌市东湖区', 'county', '360100'),
  ('360121', '南昌县', '江西省南昌市南昌县', 'county', '360100'),
  ('360124', '进贤县', '江西省南昌市进贤县', 'county', '360100'),
  ('360400', '九江市', '江西省九江市', 'prefecture', '360000'),
  ('360402', '濂溪区', '江西省九江市濂溪区', 'county', '360400'),
  ('360700', '赣州市', '江西省赣州市', 'prefecture', '360000'),
  ('360702', '章贡区', '江西省赣州市章贡区', 'county', '360700'),
  ('360731', '于都县', '江西省赣州市于都县', 'county', '360700'),
  ('361100', '上饶市', '江西省上饶市', 'prefecture', '360000'),
  ('361102', '信州区', '江西省上饶市信州区', 'county', '361100'),
  ('330000', '浙江省', '浙江省', 'province', NULL),
  ('330100', '杭州市', '浙江省杭州市', 'prefecture', '330000'),
  ('330106', '西湖区', '浙江省杭州市西湖区', 'county', '330100'),
  ('350000', '福建省', '福建省', 'province', NULL),
  ('350200', '厦门市', '福建省厦门市', 'prefecture', '350000'),
  ('350206', '湖里区', '福建省厦门市湖里区', 'county', '350200'),
  ('430000', '湖南省', '湖南省', 'province', NULL),
  ('430100', '长沙市', '湖南省长沙市', 'prefecture', '430000'),
  ('430104', '岳麓区', '湖南省长沙市岳麓区', 'county', '430100'),
  ('440000', '广东省', '广东省', 'province', NULL),
  ('440100', '广州市', '广东省广州市', 'prefecture', '440000'),
  ('440106', '天河区', '广东省广州市天河区', 'county', '440100'),
  ('440300', '深圳市', '广东省深圳市', 'prefecture', '440000'),
  ('440305', '南山区', '广东省深圳市南山区', 'county', '440300')
ON CONFLICT (code) DO NOTHING;

-- The divisions an officer works for (6-digit codes; a province or prefecture code covers what is
-- under it). Empty: the province's own officers, who see every application but decide only those
-- not routed to a division by 通办.
ALTER TABLE officers ADD COLUMN divisions text[] NOT NULL DEFAULT '{}';

-- Each 通办 application handed over to its division, once (the exchange adapter's record).
CREATE TABLE tongban_routes (
  application_id    text PRIMARY KEY,
  station_id        text        NOT NULL,
  service_item_code text        NOT NULL,
  division_code     text        NOT NULL,
  scope             text        NOT NULL CHECK (scope IN ('province', 'cross_province')),
  -- The adapter that took it ('platform': routed inside this platform) and its reference there.
  exchange          text        NOT NULL,
  exchange_ref      text,
  -- pending: taken, not yet handed over (a crash in between: retried); failed: the adapter refused (retried).
  state             text        NOT NULL CHECK (state IN ('pending', 'dispatched', 'failed')),
  attempts          integer     NOT NULL DEFAULT 0,
  last_error        text,
  routed_at         timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tongban_routes_division ON tongban_routes (division_code, routed_at);
CREATE INDEX tongban_routes_state ON tongban_routes (state) WHERE state <> 'dispatched';
