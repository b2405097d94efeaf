export declare const FAKETIME_LIBS: string[];
export declare function e2eClockTarget(now?: Date, at?: string): Date;
export declare function e2eClockEnv(now?: Date, env?: Record<string, string | undefined>): { env: Record<string, string>; line: string };
/** Removes libfaketime's per-pid shared memory pairs of pids that no longer run; returns how many. */
export function sweepStaleFaketimeShm(dir?: string, alive?: (pid: number) => boolean): number;
