// The back office's calls to /api/v1/backoffice. The session is an httpOnly cookie the page never
// sees; a 401 sends the officer back to the sign-in screen.
import { ref } from 'vue';
import type { OfficerRole } from '../../sync/protocol/backoffice';

export interface SignedInOfficer {
  id: string;
  name: string;
  roles: OfficerRole[];
  /** 通办: the divisions the officer works for (empty: the province's own officers). */
  divisions?: string[];
}

/** The signed-in officer (null = signed out; undefined = not known yet). */
export const officer = ref<SignedInOfficer | null | undefined>(undefined);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const BASE = '/api/v1/backoffice';

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      credentials: 'same-origin',
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  const json = (await res.json().catch(() => null)) as (T & { error?: { code: string; message: string; details?: { path: string; message: string }[] } }) | null;
  if (!res.ok) {
    const e = json?.error;
    if (res.status === 401 && path !== '/session') officer.value = null;
    throw new ApiError(res.status, e?.code ?? 'unknown', e?.message ?? res.statusText, e?.details ?? []);
  }
  return json as T;
}

export const fileUrl = (applicationId: string, sha256: string) => `${BASE}/applications/${applicationId}/files/${sha256}`;

export const hasRole = (...roles: OfficerRole[]) => !!officer.value && roles.some((r) => officer.value!.roles.includes(r));
