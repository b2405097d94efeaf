import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict option parsing: unknown options and missing values are a BAD_ARGS error (exit 2). */
export function parseOptions<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new CliError('BAD_ARGS', (err as Error).message, 2);
  }
}

export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new CliError('BAD_ARGS', `--${name} is required`, 2);
  return value;
}

export function intOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) {
    throw new CliError('BAD_ARGS', `--${name} must be an integer from ${min} to ${max}`, 2);
  }
  return n;
}

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError('BAD_DATA_FILE', `cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError('BAD_DATA_FILE', `${file} is not valid JSON: ${(err as Error).message}`);
  }
}
