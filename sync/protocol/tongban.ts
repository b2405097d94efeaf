// 通办 (cross-region services): which administrative divisions accept a service item, and the
// division an application is handled by when it is filed away from there (省内通办, 跨省通办).
// Shared by the platform (push rules, routing, back office) and the renderer: zod and pure TS only.
import { z } from 'zod';
import { shortText } from './common';

/**
 * 行政区划代码 (GB/T 2260): six digits — province (2), prefecture (2), county (2); `00` pairs mark
 * the higher levels (360000 江西省, 360100 南昌市, 360121 南昌县). The first digit is 1–8.
 */
export const DIVISION_CODE_PATTERN = /^[1-8]\d{5}$/;
export const divisionCode = z.string().regex(DIVISION_CODE_PATTERN, 'must be a 6-digit administrative division code (GB/T 2260), e.g. 360121');

/** 通办 scope of a service item: handled only where the resident belongs, anywhere in the province, or across provinces. */
export const TONGBAN_SCOPES = ['local', 'province', 'cross_province'] as const;
export const tongbanScope = z.enum(TONGBAN_SCOPES);
export type TongbanScope = z.infer<typeof tongbanScope>;

/**
 * What decides the responsible division (shown to the resident when they choose it):
 * 户籍所在地, 参保地, 经常居住地, 证件发放地 (where the licence/card was issued).
 */
export const TONGBAN_BASES = ['household', 'insured_place', 'residence', 'issuing_place'] as const;
export const tongbanBasis = z.enum(TONGBAN_BASES);
export type TongbanBasis = z.infer<typeof tongbanBasis>;

/** A division that accepts an item: its code and name (the terminal shows the name; the platform routes by the code). */
export const tongbanDivision = z.strictObject({ code: divisionCode, name: shortText(60).min(1) });
export type TongbanDivision = z.infer<typeof tongbanDivision>;

/** `service_items.tongban`: absent = local only (the default of every item written before 通办). */
export const serviceItemTongban = z.strictObject({
  scope: tongbanScope,
  basis: tongbanBasis,
  /** Divisions (counties, 6 digits) that accept the item from elsewhere. */
  divisions: z.array(tongbanDivision).max(200),
});
export type ServiceItemTongban = z.infer<typeof serviceItemTongban>;

/**
 * `applications.tongban`: the division the resident chose to handle the application (set by the
 * terminal while the application is a draft; absent = handled where it was filed). `scope` says
 * whether that division is in the station's province.
 */
export const applicationTongban = z.strictObject({
  scope: z.enum(['province', 'cross_province']),
  divisionCode,
  divisionName: shortText(60).min(1),
});
export type ApplicationTongban = z.infer<typeof applicationTongban>;

/** The province (2-digit prefix) of a division or station division code (6, 9 or 12 digits). */
export const provinceOf = (code: string): string => code.slice(0, 2);
/** The county (6-digit prefix) of a 6, 9 or 12-digit division code. */
export const countyOf = (code: string): string => code.slice(0, 6);

/** 省内通办 when the division is in the station's province, 跨省通办 otherwise. */
export function tongbanScopeBetween(stationDivision: string, target: string): 'province' | 'cross_province' {
  return provinceOf(stationDivision) === provinceOf(target) ? 'province' : 'cross_province';
}

/** An item is offered as 异地通办 when it has a scope other than local and at least one division. */
export function isTongbanItem(item: { tongban?: ServiceItemTongban | undefined }): boolean {
  return !!item.tongban && item.tongban.scope !== 'local' && item.tongban.divisions.length > 0;
}

/**
 * The divisions a station may route an item to: those the item lists, minus the station's own
 * county (that is a local application), minus other provinces unless the item is 跨省通办.
 */
export function tongbanTargets(item: { tongban?: ServiceItemTongban | undefined }, stationDivision: string): TongbanDivision[] {
  if (!isTongbanItem(item)) return [];
  const t = item.tongban!;
  return t.divisions.filter((d) => d.code !== countyOf(stationDivision) && (t.scope === 'cross_province' || provinceOf(d.code) === provinceOf(stationDivision)));
}

/** Why an application's 通办 choice is refused: the reason's code (the words for people are the caller's), its division, English for logs and APIs. */
export type TongbanReason = 'UNKNOWN_DIVISION' | 'UNKNOWN_ITEM' | 'NOT_TONGBAN' | 'DIVISION_NOT_LISTED' | 'STATION_NO_DIVISION' | 'OWN_COUNTY' | 'PROVINCE_ONLY' | 'SCOPE_MISMATCH';
export interface TongbanProblem {
  reason: TongbanReason;
  /** The chosen division code (a 6-digit code of the registry, or what the application said). */
  divisionCode: string;
  message: string;
}

/**
 * Checks an application's 通办 choice against its service item (as the platform or the terminal
 * has it) and the filing station's division code. `knownDivision` answers whether a code is in the
 * division registry (the platform's GB/T 2260 table). Null = acceptable.
 */
export function tongbanProblem(
  choice: ApplicationTongban,
  item: { code: string; tongban?: ServiceItemTongban | undefined } | null,
  stationDivision: string | null,
  knownDivision: (code: string) => boolean,
): TongbanProblem | null {
  const code = choice.divisionCode;
  if (!knownDivision(code)) {
    return { reason: 'UNKNOWN_DIVISION', divisionCode: code, message: `unknown administrative division code ${code}` };
  }
  if (!item) return { reason: 'UNKNOWN_ITEM', divisionCode: code, message: 'the service item is unknown to the platform' };
  if (!isTongbanItem(item)) {
    return { reason: 'NOT_TONGBAN', divisionCode: code, message: `the service item ${item.code} is not offered for cross-region handling` };
  }
  const listed = item.tongban!.divisions.find((d) => d.code === code);
  if (!listed) {
    return { reason: 'DIVISION_NOT_LISTED', divisionCode: code, message: `the division ${code} does not accept the service item ${item.code}` };
  }
  if (!stationDivision) return { reason: 'STATION_NO_DIVISION', divisionCode: code, message: 'the station has no division code' };
  if (countyOf(stationDivision) === code) {
    return { reason: 'OWN_COUNTY', divisionCode: code, message: `the division ${code} is the station's own county: file it as a local application` };
  }
  const scope = tongbanScopeBetween(stationDivision, code);
  if (scope === 'cross_province' && item.tongban!.scope !== 'cross_province') {
    return { reason: 'PROVINCE_ONLY', divisionCode: code, message: `the service item ${item.code} is handled across provinces nowhere; ${code} is in another province` };
  }
  if (scope !== choice.scope) {
    return { reason: 'SCOPE_MISMATCH', divisionCode: code, message: `tongban.scope is ${choice.scope} but ${code} is ${scope === 'province' ? 'in' : 'outside'} the station's province` };
  }
  return null;
}
