/**
 * What the hall's own hardware shows and says, in Chinese whatever language a screen uses (like the
 * receipt templates, devices/escpos/templates.ts): the call the speaker says and the window's LED strip
 * shows, and the evaluator's default prompt. Callers validate their input (devices/protocol/speech.ts).
 */

/** Spoken when a ticket is called (叫号). */
export const callSpoken = (number: string, window: number): string => `请 ${number} 号到 ${window} 号窗口办理`;

/** The window's LED strip for the same call (≤ 64 characters). */
export const callShown = (number: string, window: number): string => `请${number}号到${window}号窗口`;

/** The evaluator's prompt when a page gives none. */
export const DEFAULT_EVALUATION_PROMPT = '请对本次服务进行评价';
