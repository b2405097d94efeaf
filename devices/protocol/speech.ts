/**
 * Voice announcements (叫号播报): what a page may ask main to say. Pure zod, shared by the bridge
 * contract and the announcer (devices/speech). Plain text only: Chinese characters, ASCII letters and
 * digits, spaces and a few punctuation marks; no markup (SSML), no control characters, no leading
 * option-like characters, at most 80 characters.
 */
import { z } from 'zod';
import { callShown, callSpoken } from './hall-texts.js';

export const MAX_ANNOUNCEMENT_CHARS = 80;
export const MAX_ANNOUNCEMENT_REPEAT = 2;

/** CJK Unified Ideographs (+ Extension A), ASCII letters/digits, space, ，。！？、：；,.!?:; and （）(). */
export const ANNOUNCEMENT_TEXT = /^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9 ，。！？、：；,.!?:;（）()]+$/u;

export const announcementTextSchema = z
  .string()
  .max(MAX_ANNOUNCEMENT_CHARS, `at most ${MAX_ANNOUNCEMENT_CHARS} characters`)
  .regex(ANNOUNCEMENT_TEXT, 'plain Chinese or ASCII text only (letters, digits, spaces, basic punctuation)')
  .refine((t) => t.trim().length > 0, 'empty announcement');

export const announceRequestSchema = z.object({
  text: announcementTextSchema,
  /** Times to say it again after the first (叫号: once). */
  repeat: z.number().int().min(0).max(MAX_ANNOUNCEMENT_REPEAT).optional(),
});
export type AnnounceRequest = z.infer<typeof announceRequestSchema>;

export const announceResultSchema = z.object({
  /** The engine that will speak (`espeak-ng`, `windows-speech`). */
  engine: z.string(),
  /** Announcements ahead of this one. */
  ahead: z.number().int().min(0),
});
export type AnnounceResult = z.infer<typeof announceResultSchema>;

/** A queue number as the hall shows and says it (A012, B007): one or two capitals and 1–4 digits. */
export const CALLED_NUMBER = /^[A-Z]{1,2}\d{1,4}$/;
export const calledCallSchema = z.object({
  window: z.number().int().min(1).max(99),
  number: z.string().regex(CALLED_NUMBER, 'a queue number like A012'),
});

/** What the hall says when a ticket is called (叫号): 请 A012 号到 2 号窗口办理. */
export function callAnnouncementText(window: number, number: string): string {
  const c = calledCallSchema.parse({ window, number });
  return callSpoken(c.number, c.window);
}

/** What the window's LED strip shows for the same call (≤ 64 characters). */
export function calledDisplayText(window: number, number: string): string {
  const c = calledCallSchema.parse({ window, number });
  return callShown(c.number, c.window);
}
