// @vitest-environment happy-dom
// announce(): Web Speech first when the page has a zh-CN voice, main's engine (devices.announce)
// otherwise, and a clear outcome (never a throw) when neither can speak.
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope, TerminalBridge } from '../../preload/contract';
import { announce } from './voice';

const calls: { name: string; input: unknown }[] = [];
function fakeBridge(answer: (name: string, input: unknown) => Envelope): TerminalBridge {
  return {
    kind: 'browser',
    invoke: async (name, input) => {
      calls.push({ name, input });
      return answer(name, input);
    },
    on: () => () => undefined,
  };
}

const g = globalThis as unknown as { speechSynthesis?: unknown; SpeechSynthesisUtterance?: unknown };
const original = { synth: g.speechSynthesis, utterance: g.SpeechSynthesisUtterance };
afterEach(() => {
  delete window.terminal;
  calls.length = 0;
  g.speechSynthesis = original.synth;
  g.SpeechSynthesisUtterance = original.utterance;
});

function fakeSynth(voices: { lang: string; name: string }[]) {
  const spoken: string[] = [];
  g.SpeechSynthesisUtterance = class {
    voice: unknown = null;
    lang = '';
    rate = 1;
    constructor(readonly text: string) {}
  };
  g.speechSynthesis = { getVoices: () => voices, speak: (u: { text: string }) => spoken.push(u.text), addEventListener: () => undefined, removeEventListener: () => undefined };
  return spoken;
}

describe('announce', () => {
  it('uses the page voice when a zh-CN voice exists (repeat included); main is not asked', async () => {
    const spoken = fakeSynth([{ lang: 'en-US', name: 'en' }, { lang: 'zh-CN', name: 'zh' }]);
    window.terminal = fakeBridge(() => ({ ok: true, value: { engine: 'espeak-ng', ahead: 0 } }));
    expect(await announce('请 A012 号到 2 号窗口办理', { repeat: 1 })).toEqual({ via: 'web-speech' });
    expect(spoken).toEqual(['请 A012 号到 2 号窗口办理', '请 A012 号到 2 号窗口办理']);
    expect(calls).toEqual([]);
    expect(document.documentElement.dataset.announce).toBe('请 A012 号到 2 号窗口办理');
  });

  it('falls back to devices.announce when the page has no Chinese voice', async () => {
    const spoken = fakeSynth([{ lang: 'en-US', name: 'en' }, { lang: 'zh-TW', name: 'tw' }]);
    window.terminal = fakeBridge(() => ({ ok: true, value: { engine: 'espeak-ng', ahead: 1 } }));
    expect(await announce('请 A013 号到 1 号窗口办理', { repeat: 1, voiceWaitMs: 10 })).toEqual({ via: 'main', engine: 'espeak-ng' });
    expect(spoken).toEqual([]);
    expect(calls).toEqual([{ name: 'devices.announce', input: { text: '请 A013 号到 1 号窗口办理', repeat: 1 } }]);
    expect(document.documentElement.dataset.announceVia).toBe('main');
  });

  it('with no Web Speech at all and no engine in main: an outcome with the reason, no throw', async () => {
    delete g.speechSynthesis;
    window.terminal = fakeBridge(() => ({ ok: false, error: { code: 'NO_SPEECH_ENGINE', message: 'no speech engine', params: { device: 'speech', variant: 'any' } } }));
    expect(await announce('请 A014 号到 1 号窗口办理')).toEqual({ via: 'none', error: 'NO_SPEECH_ENGINE', params: { device: 'speech', variant: 'any' } });
    expect(document.documentElement.dataset.announceVia).toBe('none:NO_SPEECH_ENGINE');
  });
});
