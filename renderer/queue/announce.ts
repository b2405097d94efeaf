/**
 * Announcing calls in the hall ("请 A012 号到 2 号窗口办理", said twice). Two engines:
 *
 * 1. the page's Web Speech API, when the system has a Chinese voice;
 * 2. otherwise main's offline speech engine, through the bridge call `devices.announce({text})`
 *    (MAIN_ANNOUNCE_CALL; espeak-ng / the OS speech API, built on another branch). Until that call
 *    exists main answers UNKNOWN_CALL and the screen reports "no voice" instead of staying silent.
 *
 * Announcements are queued (one at a time, in call order). Every request is marked on `<html>`
 * (`data-announcement` = the text, `data-announcement-count` = how many so far, `data-announce-engine`)
 * so tests assert the request, not the sound (headless Chromium has no audio).
 */
import { hasBridge } from '../bridge/client';

/** The bridge call of main's offline speech engine (the seam to main's engine). */
export const MAIN_ANNOUNCE_CALL = 'devices.announce';

export type AnnounceEngine = 'web-speech' | 'main' | 'none';

export interface AnnounceResult {
  engine: AnnounceEngine;
  /** English, for the log; set when no engine could say it. */
  problem?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function chineseVoice(): SpeechSynthesisVoice | null {
  try {
    const synth = globalThis.speechSynthesis;
    if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return null;
    return synth.getVoices().find((v) => v.lang.toLowerCase().replace('_', '-').startsWith('zh')) ?? null;
  } catch {
    return null;
  }
}

/** Says `text` once with Web Speech; resolves when done, or after a bound (no sound device: `end` never comes). */
function sayWithWebSpeech(text: string, voice: SpeechSynthesisVoice): Promise<void> {
  return new Promise<void>((resolve) => {
    const u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9;
    const bound = setTimeout(resolve, 1500 + [...text].length * 350);
    const done = () => {
      clearTimeout(bound);
      resolve();
    };
    u.onend = done;
    u.onerror = done;
    globalThis.speechSynthesis.speak(u);
  });
}

async function sayWithMain(text: string, times: number): Promise<AnnounceResult> {
  if (!hasBridge() || !window.terminal) return { engine: 'none', problem: 'no bridge' };
  const r = await window.terminal.invoke(MAIN_ANNOUNCE_CALL, { text, repeat: times }).catch(() => null);
  if (r?.ok) return { engine: 'main' };
  if (r && !r.ok && r.error.code === 'INVALID_INPUT') {
    // an engine that takes only `{text}`: say it `times` times
    for (let i = 0; i < times; i++) {
      const again = await window.terminal.invoke(MAIN_ANNOUNCE_CALL, { text }).catch(() => null);
      if (!again?.ok) return { engine: 'none', problem: again && !again.ok ? again.error.code : 'bridge failed' };
    }
    return { engine: 'main' };
  }
  return { engine: 'none', problem: r && !r.ok ? r.error.code : 'bridge failed' };
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
    const voice = chineseVoice();
    if (voice) {
      mark(text, 'web-speech');
      for (let i = 0; i < times; i++) {
        try {
          await sayWithWebSpeech(text, voice);
        } catch {
          /* the next engine below would repeat it; one try is enough */
        }
        if (i + 1 < times) await sleep(600);
      }
      return { engine: 'web-speech' };
    }
    const r = await sayWithMain(text, times);
    mark(text, r.engine);
    return r;
  };
  const next = chain.then(run, run);
  chain = next.catch(() => undefined);
  return next;
}
