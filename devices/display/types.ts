/** Pluggable window-display drivers: any LED strip or screen that can show a line of text. */
export interface WindowDisplayMessage {
  /** e.g. `请 A012 号到 3 号窗口办理` */
  text: string;
  /** Line on multi-line strips, 0-based. */
  line?: number;
  effect?: 'static' | 'scroll' | 'blink';
}

export interface WindowDisplayDriver {
  show(message: WindowDisplayMessage): Promise<void>;
  clear(): Promise<void>;
  /** True when the device answered. */
  ping(): Promise<boolean>;
  dispose(): void;
}
