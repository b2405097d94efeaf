/**
 * Voice prompts in elderly mode (适老化): Web Speech synthesis in Chinese where the system has a
 * voice; silently nothing where it has none (headless Chromium, a kiosk without speech-dispatcher).
 * Each request is marked on `<html data-voice-prompt="<key>">` so tests assert the request, not
 * the sound. Prompts are fixed texts from the locale files, never personal data.
 */
import { useElderlyStore } from '../stores/elderly';
import { BridgeError, call } from '../bridge/client';

export function speak(key: string, text: string): void {
  let enabled = false;
  try {
    enabled = useElderlyStore().enabled;
  } catch {
    return;
  }
  if (!enabled || typeof document === 'undefined') return;
  document.documentElement.dataset.voicePrompt = key;
  try {
    const synth = globalThis.speechSynthesis;
    if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return;
    const voice = synth.getVoices().find((v) => v.lang.toLowerCase().startsWith('zh'));
    if (!voice) return;
    synth.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.85;
    synth.speak(u);
  } catch {
    /* no voice: the screen says it all */
  }
}

/** How an announcement went out: the page's own zh voice, main's offline engine, or not at all (`error` says why). */
export type AnnounceOutcome = { via: 'web-speech' } | { via: 'main'; engine: string } | { via: 'none'; error: string; params?: Record<string, string | number> };

/** The page's Chinese Web Speech voice, waiting briefly for `voiceschanged` (voices load late). */
async function chineseVoice(waitMs: number): Promise<SpeechSynthesisVoice | null> {
  const synth = globalThis.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return null;
  const find = () => synth.getVoices().find((v) => v.lang.toLowerCase().replace('_', '-').startsWith('zh-cn')) ?? null;
  const now = find();
  if (now || waitMs <= 0) return now;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      synth.removeEventListener?.('voiceschanged', done);
      resolve(find());
    };
    const timer = setTimeout(done, waitMs);
    synth.addEventListener?.('voiceschanged', done);
  });
}

/**
 * Hall announcements (叫号: 请 A012 号到 2 号窗口办理), for the display and the kiosk: Web Speech when
 * the page has a zh-CN voice, otherwise main's offline engine through `devices.announce` (espeak-ng,
 * Windows speech). Never throws: the outcome says how it went, and a failure is on the device status
 * too (role `speech`). `<html data-announce="…">` marks the last request for tests (the text is a
 * number and a window, never personal data).
 */
export async function announce(text: string, options: { repeat?: number; voiceWaitMs?: number } = {}): Promise<AnnounceOutcome> {
  const repeat = options.repeat ?? 0;
  if (typeof document !== 'undefined') document.documentElement.dataset.announce = text;
  const voice = await chineseVoice(options.voiceWaitMs ?? 1000).catch(() => null);
  if (voice) {
    try {
      const synth = globalThis.speechSynthesis;
      for (let i = 0; i <= repeat; i++) {
        const u = new SpeechSynthesisUtterance(text);
        u.voice = voice;
        u.lang = voice.lang;
        u.rate = 0.9;
        synth.speak(u);
      }
      return record({ via: 'web-speech' });
    } catch {
      // fall through to main's engine
    }
  }
  try {
    const r = await call('devices.announce', { text, ...(repeat ? { repeat } : {}) });
    return record({ via: 'main', engine: r.engine });
  } catch (error) {
    const e = error instanceof BridgeError ? error : null;
    // The code and its parameters: a page that shows why renders them with errorText (renderer/i18n/errors.ts).
    return record({ via: 'none', error: e?.code ?? 'UNKNOWN', ...(e?.params ? { params: e.params } : {}) });
  }
}

function record(outcome: AnnounceOutcome): AnnounceOutcome {
  if (typeof document !== 'undefined') document.documentElement.dataset.announceVia = outcome.via === 'none' ? `none:${outcome.error}` : outcome.via;
  return outcome;
}
