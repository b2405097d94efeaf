/** Back-office officers for e2e journeys, created through the platform's admin API. */
import { expect } from '@playwright/test';
import type { Platform } from '../sync/server/platform';

export interface NewOfficer {
  id: string;
  name: string;
  roles: string[];
  password: string;
  /** 通办: the divisions the officer works for (absent: the province's own). */
  divisions?: string[];
}

export async function createOfficer(platform: Pick<Platform, 'url' | 'adminToken'>, officer: NewOfficer): Promise<void> {
  const r = await fetch(`${platform.url}/api/v1/admin/officers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(officer),
  });
  expect(r.status, await r.clone().text()).toBe(200);
}
