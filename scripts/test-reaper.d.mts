// Types of scripts/test-reaper.mjs (plain JS: scripts/test-all.mjs runs it before anything is built).
export declare const RUN_ENV: 'TERMINAL_TEST_RUN';
export declare const RUNS_DIR: string;
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  cmdline: string;
  /** Carries the run's TERMINAL_TEST_RUN marker. */
  marked: boolean;
}
export declare function ensureRun(): string;
export declare function registryFile(id?: string): string;
export declare function startTimeOf(pid: number): string | null;
export declare function isAlive(pid: number, start?: string | null): boolean;
export declare function listProcesses(id?: string | null): ProcessInfo[];
export declare function trackProcess(pid: number | undefined, what: string, group?: boolean): void;
export declare function untrackProcess(pid: number | undefined): void;
export declare function trackDir(dir: string): void;
export declare function untrackDir(dir: string): void;
export declare function trackPostgres(dataDir: string): void;
export declare function untrackPostgres(dataDir: string): void;
export declare function signalProcess(pid: number, signal: NodeJS.Signals, group?: boolean): boolean;
export declare function reapOwnSync(): string[];
export declare function reapRun(id?: string, options?: { graceMs?: number; all?: boolean }): Promise<string[]>;
export declare function strayProcesses(id?: string): ProcessInfo[];
export declare function closeRun(id?: string): void;
export declare function reapStaleRuns(): Promise<string[]>;
