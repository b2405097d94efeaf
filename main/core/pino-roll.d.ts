// pino-roll 4.0.0 ships no types: the part main/core/log.ts uses.
declare module 'pino-roll' {
  import type SonicBoom from 'sonic-boom';
  interface PinoRollOptions {
    file: string;
    extension?: string;
    frequency?: 'daily' | 'hourly' | number;
    dateFormat?: string;
    size?: string | number;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
    /** Passed to sonic-boom. */
    mkdir?: boolean;
    mode?: number;
    sync?: boolean;
  }
  export default function pinoRoll(options: PinoRollOptions): Promise<SonicBoom>;
}
