/**
 * Who this terminal is, asked of main in one place: the station it is enrolled in, its terminal id
 * and whether the platform answers (main's `sync.status`, the source of truth; never cached here,
 * since enrolment can change it while a window is open). Pages and journey modules take it from here
 * instead of calling `sync.status` themselves.
 */
import { call } from '../bridge/client';

export interface StationIdentity {
  /** null until the terminal is enrolled. */
  stationId: string | null;
  terminalId: string | null;
  /** The platform (or the station hub) answers right now. */
  online: boolean;
}

/** The station, terminal and online state as main knows them now; rejects with the bridge's error. */
export async function stationIdentity(): Promise<StationIdentity> {
  const s = await call('sync.status');
  return { stationId: s.stationId, terminalId: s.terminalId, online: s.online };
}

/** The station id, or null when not enrolled or main cannot be asked (callers that can do without it). */
export async function stationIdOrNull(): Promise<string | null> {
  return (await stationIdentity().catch(() => null))?.stationId ?? null;
}

/** Waits until the terminal is enrolled (asking again every `retryMs`), then its station and terminal. */
export async function enrolledStation(retryMs = 2000): Promise<{ stationId: string; terminalId: string | null }> {
  for (;;) {
    const s = await stationIdentity().catch(() => null);
    if (s?.stationId) return { stationId: s.stationId, terminalId: s.terminalId };
    await new Promise((r) => setTimeout(r, retryMs));
  }
}
