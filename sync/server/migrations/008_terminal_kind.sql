-- 008: what kind of client a terminal token belongs to. A station hub enrolls as `station_hub`: the
-- province then accepts the queue-ticket records its queue wrote (a plain terminal may push only
-- tickets issued offline from a lease).
ALTER TABLE terminals ADD COLUMN kind text NOT NULL DEFAULT 'terminal';
