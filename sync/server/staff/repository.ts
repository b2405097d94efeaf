// Staff accounts on the platform: the PIN a back office sets, and the online login at a station
// (scrypt check, at most 5 failures per 15 minutes per station and staff id).
import type { StaffDoc } from '../../protocol/index';
import type { Database } from '../db/driver';
import type { Documents } from '../db/documents';
import { PlatformError } from '../errors';
import { makePinVerifier, verifyPin } from './pin';

export class StaffAccounts {
  constructor(
    private readonly db: Database,
    private readonly documents: Pick<Documents, 'get' | 'upsertAsPlatform'>,
  ) {}

  async setStaffPin(staffId: string, pin: string): Promise<StaffDoc> {
    const cur = (await this.documents.get('staff', staffId)) as StaffDoc | null;
    if (!cur) throw new PlatformError('NOT_FOUND', 'no staff member with this id', 404);
    const next: StaffDoc = { ...cur, pinVerifier: await makePinVerifier(pin), updatedAt: new Date().toISOString() };
    await this.documents.upsertAsPlatform('staff', [next]);
    return next;
  }

  /**
   * Online login at `stationId`: checks the PIN (scrypt) and limits failures to 5 per 15 minutes per
   * station and staff id. A staff id that is unknown, inactive or not of this station is refused
   * before anything is counted (no PIN check): wrong PINs sent with another station's token never
   * lock the real staff member out.
   */
  async staffLogin(staffId: string, pin: string, stationId: string): Promise<StaffDoc> {
    const invalid = () => new PlatformError('INVALID_CREDENTIALS', 'unknown staff id, wrong PIN, or not allowed at this station', 401);
    const staff = (await this.documents.get('staff', staffId)) as StaffDoc | null;
    if (!staff || staff._deleted || !staff.active || !staff.stations.includes(stationId) || !staff.pinVerifier) throw invalid();
    const failures = await this.db.query<{ failures: number }>(
      "SELECT failures FROM staff_login_failures WHERE station_id = $1 AND staff_id = $2 AND window_start > now() - interval '15 minutes'",
      [stationId, staffId],
    );
    if ((failures[0]?.failures ?? 0) >= 5) throw new PlatformError('TOO_MANY_ATTEMPTS', 'too many failed logins; try again in 15 minutes', 429);
    if (!(await verifyPin(pin, staff.pinVerifier))) {
      await this.db.query(
        `INSERT INTO staff_login_failures (station_id, staff_id, failures, window_start) VALUES ($1, $2, 1, now())
         ON CONFLICT (station_id, staff_id) DO UPDATE SET
           failures = CASE WHEN staff_login_failures.window_start > now() - interval '15 minutes' THEN staff_login_failures.failures + 1 ELSE 1 END,
           window_start = CASE WHEN staff_login_failures.window_start > now() - interval '15 minutes' THEN staff_login_failures.window_start ELSE now() END`,
        [stationId, staffId],
      );
      throw invalid();
    }
    await this.db.query('DELETE FROM staff_login_failures WHERE station_id = $1 AND staff_id = $2', [stationId, staffId]);
    return staff;
  }
}
