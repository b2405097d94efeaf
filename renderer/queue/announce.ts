/**
 * Announcing calls in the hall ("请 A012 号到 2 号窗口办理", said twice). The speaking itself is the
 * one voice helper (`renderer/kiosk/voice.ts` `announce`): the page's Web Speech API when the system
 * has a Chinese voice, otherwise main's offline engine through `devices.announce` (espeak-ng / the OS
 * speech API); with neither the result says so and the screen reports "no voice" instead of staying
 * silent.
 *
 * Announcements are queued (one at a time, in call order). Every request is marked on `<html>`
 * (`data-announcement` = the text, `data-announcement-count` = how many so far, `data-announce-engine`)
 * so tests assert the request, not the sound (headless Chromium has no audio).
 */
import { announce as speak } from '../kiosk/voice';

export type AnnounceEngine = 'web-speech' | 'main' | 'none';

export interface AnnounceResult {
  engine: AnnounceEngine;
  /** English, for the log; set when no engine could say it. */
  problem?: string;
}

function mark(text: string, engine: AnnounceEngine): void {
  if (typeof document === 'undefined') return;
  const d = document.documentElement.dataset;
  d.announcement = text;
  d.announcementCount = String(Number(d.announcementCount ?? '0') + 1);
  d.announceEngine = engine;
}

let chain: Promise<unknown> = Promise.resolve();

/** Queues one announcement said `times` times (default 2: "repeated once"); resolves with the engine used. */
export function announce(text: string, times = 2): Promise<AnnounceResult> {
  const run = async (): Promise<AnnounceResult> => {
    const outcome = await speak(text, { repeat: Math.max(0, times - 1) });
    const result: AnnounceResult = outcome.via === 'none' ? { engine: 'none', problem: outcome.error } : { engine: outcome.via };
    mark(text, result.engine);
    return result;
  };
  const next = chain.then(run, run);
  chain = next.catch(() => undefined);
  return next;
}
