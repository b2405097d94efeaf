/**
 * Placeholder content for the hall display until the station queue exists (later issue).
 * Ticket numbers and window numbers only — never names — and always shown labelled 示例数据.
 */
export interface WindowCall {
  window: number;
  ticket: string | null;
}

export const SAMPLE_CURRENT: WindowCall = { window: 2, ticket: 'A012' };

export const SAMPLE_WINDOWS: readonly WindowCall[] = [
  { window: 1, ticket: 'A011' },
  { window: 2, ticket: 'A012' },
  { window: 3, ticket: 'B005' },
  { window: 4, ticket: null },
];
