-- 023: rate-limit counters shared by every platform process over one PostgreSQL (issue 16 item 3,
-- sync/server/rate-limits.ts). One row per limiter key (`push:token:<terminal id>`, `enroll:ip:<address>`…):
-- the start of its current window (the database's clock, so processes on machines with skewed clocks
-- agree) and the requests counted in it. A request past the window starts a new one. Rows idle for a
-- window are deleted now and then. PGlite (one process by construction) counts in memory instead.
CREATE TABLE rate_limit_counters (
  key          text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits         integer     NOT NULL
);
CREATE INDEX rate_limit_counters_window ON rate_limit_counters (window_start);
