/** A feature area of the main side: its bridge handlers plus its lifecycle. */
import type { HandlerGroup } from './dispatcher';
import type { EventHub } from './events';
import type { Logger } from './log';
import type { TerminalConfig } from './config';
import type { StationZone } from './station-zone';

export interface FeatureContext {
  config: TerminalConfig;
  log: Logger;
  events: EventHub;
  /** The terminal's own data folder (keys, logs, caches). */
  dataDir: string;
  host: 'electron' | 'browser';
  /** The station's time zone for paper main lays out (absent in some tests: Asia/Shanghai). */
  stationZone?: StationZone;
}

export interface Feature<G> {
  readonly handlers: HandlerGroup<G>;
  /** Starts background work (device polling, sync transport). Must not throw. */
  start(): Promise<void>;
  close(): Promise<void>;
}
