// The announcer with real engines: espeak-ng writing WAV files (their length read from the header),
// a stuck engine killed at its timeout, an engine without a sound device, no engine at all, and
// garbage input refused before anything is queued.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAnnouncer } from './announcer';
import { zhErrorWords, zhStatusWords } from '../testing/zh-words';
import { detectSpeechEngine, espeakEngine, windowsSpeechEngine, type SpeechEngine } from './engines';
import { listProcesses } from '../../scripts/test-reaper.mjs';

const NO_ENGINE_MESSAGE = '无语音引擎：叫号无法语音播报，请安装 espeak-ng（Linux）或 Windows 语音组件';

const dir = mkdtempSync(join(tmpdir(), 'announcer-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hasEspeak(): boolean {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('espeak-ng is missing: CI must install it (scripts/bootstrap.mjs, Debian package espeak-ng)');
    console.warn('WARNING: espeak-ng not installed (apt-get install espeak-ng); skipping the real-engine tests');
    return false;
  }
}
const ESPEAK = hasEspeak();

/** Duration in seconds of a PCM WAV file, from its header (fmt byte rate, data chunk size). */
function wavSeconds(file: string): number {
  const b = readFileSync(file);
  expect(b.toString('ascii', 0, 4)).toBe('RIFF');
  expect(b.toString('ascii', 8, 12)).toBe('WAVE');
  let off = 12;
  let byteRate = 0;
  for (;;) {
    const id = b.toString('ascii', off, off + 4);
    let size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') byteRate = b.readUInt32LE(off + 16);
    if (id === 'data') {
      // espeak-ng writing to a file it cannot seek back in leaves the size at 0x7fffffff; take the rest of the file.
      if (size > b.length - off - 8) size = b.length - off - 8;
      return size / byteRate;
    }
    off += 8 + size + (size % 2);
    if (off >= b.length) throw new Error('no data chunk');
  }
}

const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info ${m}`), warn: (m: string) => logs.push(`warn ${m}`) };

describe('announcer', () => {
  it.skipIf(!ESPEAK)('speaks through espeak-ng (Mandarin): a WAV of plausible length, said again when asked to repeat', async () => {
    const detected = await detectSpeechEngine('linux');
    expect(detected.engine?.name).toBe('espeak-ng');
    const files: string[] = [];
    const a = createAnnouncer({ engine: detected.engine, wavFile: (n) => (files.push(join(dir, `a${n}.wav`)), files.at(-1)!), repeatPauseMs: 10, log });
    expect(a.status()).toMatchObject({ role: 'speech', state: 'connected' });
    expect(a.announce({ text: '请 A012 号到 2 号窗口办理', repeat: 1 })).toEqual({ engine: 'espeak-ng', ahead: 0 });
    await a.idle();
    expect(files).toHaveLength(2);
    for (const f of files) {
      const seconds = wavSeconds(f);
      // ~11 syllables and a few letters/digits at 150 words a minute: a couple of seconds, never empty.
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(10);
    }
    // A shorter text makes a shorter sound: the text really reached the engine.
    const short = join(dir, 'short.wav');
    await espeakEngine().speak('请', { timeoutMs: 10_000, wavFile: short });
    expect(wavSeconds(short)).toBeLessThan(wavSeconds(files[0]!));
    expect(a.status().state).toBe('connected');
  });

  it('without any engine the status says 无语音引擎 and announcing is refused with that reason', () => {
    const statuses: unknown[] = [];
    const a = createAnnouncer({ engine: null, reason: 'espeak-ng not installed', onStatus: (s) => statuses.push(s) });
    expect(a.status()).toMatchObject({ role: 'speech', state: 'error', code: 'NO_SPEECH_ENGINE', detail: 'espeak-ng not installed' });
    expect(zhStatusWords(a.status())).toBe(NO_ENGINE_MESSAGE);
    expect(() => a.announce({ text: '请 A001 号到 1 号窗口' })).toThrow(expect.objectContaining({ code: 'NO_SPEECH_ENGINE', params: { variant: 'any' } }));
    expect(zhErrorWords({ code: 'NO_SPEECH_ENGINE', params: { variant: 'any' } })).toBe(NO_ENGINE_MESSAGE);
  });

  it('detection with the engine missing (a binary that is not there, and one without the Mandarin voice) finds no engine: 无语音引擎', async () => {
    const noVoice = join(dir, 'espeak-without-cmn');
    writeFileSync(noVoice, '#!/bin/sh\necho "Pty Language Age/Gender VoiceName"\nexit 0\n');
    chmodSync(noVoice, 0o755);
    for (const espeak of [join(dir, 'no-such-espeak'), noVoice]) {
      const found = await detectSpeechEngine('linux', { espeak });
      expect(found.engine).toBeNull();
      expect(found.reason).toContain('apt-get install espeak-ng');
      const a = createAnnouncer(found);
      expect(a.status()).toMatchObject({ role: 'speech', state: 'error', code: 'NO_SPEECH_ENGINE' });
      expect(zhStatusWords(a.status())).toContain('无语音引擎');
    }
  });

  it('an engine binary that disappears after detection makes the announcement fail visibly', async () => {
    const fake = espeakEngine(join(dir, 'no-such-espeak'));
    const a = createAnnouncer({ engine: fake, log });
    a.announce({ text: '测试' });
    await a.idle();
    expect(a.status()).toMatchObject({ state: 'error', code: 'SPEECH_FAILED' });
  });

  it('refuses garbage before queueing anything', () => {
    const spoken: string[] = [];
    const engine: SpeechEngine = { name: 'fake', speak: async (t) => void spoken.push(t) };
    const a = createAnnouncer({ engine });
    const bad: unknown[] = [
      undefined,
      null,
      'text',
      { text: 42 },
      { text: '' },
      { text: '   ' },
      { text: '<speak>请</speak>' },
      { text: '请\u0007到窗口' },
      { text: '请\n到窗口' },
      { text: '-w /etc/passwd' },
      { text: '请到窗口&amp;' },
      { text: '请😀到窗口' },
      { text: '请'.repeat(81) },
      { text: '请', repeat: 3 },
      { text: '请', repeat: -1 },
      { text: '请', repeat: 1.5 },
    ];
    for (const input of bad) expect(() => a.announce(input), JSON.stringify(input)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(spoken).toEqual([]);
  });

  it('one at a time, bounded: the oldest waiting announcement is dropped with a log line', async () => {
    const spoken: string[] = [];
    let active = 0;
    let maxActive = 0;
    const engine: SpeechEngine = {
      name: 'fake',
      speak: async (t) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 30));
        spoken.push(t);
        active--;
      },
    };
    logs.length = 0;
    const a = createAnnouncer({ engine, maxQueue: 2, log });
    expect(a.announce({ text: '一' }).ahead).toBe(0); // speaking now
    expect(a.announce({ text: '二' }).ahead).toBe(1);
    expect(a.announce({ text: '三' }).ahead).toBe(2);
    expect(a.announce({ text: '四' }).ahead).toBe(2); // 二 dropped
    await a.idle();
    expect(spoken).toEqual(['一', '三', '四']);
    expect(maxActive).toBe(1);
    expect(logs.some((l) => l.startsWith('warn announcement queue full (2): dropped the oldest'))).toBe(true);
  });

  it('kills a stuck engine at its timeout and says so in the status', async () => {
    const stuck = join(dir, 'stuck-engine');
    writeFileSync(stuck, '#!/bin/sh\nexec sleep 61.25\n');
    chmodSync(stuck, 0o755);
    const a = createAnnouncer({ engine: espeakEngine(stuck), timeoutMs: () => 400, log });
    const t0 = Date.now();
    a.announce({ text: '请 A003 号到 1 号窗口' });
    await a.idle();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(a.status()).toMatchObject({ state: 'error', code: 'SPEECH_TIMEOUT', say: 'SPEECH_TIMEOUT' });
    expect(zhStatusWords(a.status())).toBe('语音播报超时，已停止');
    await expect.poll(() => listProcesses().filter((p) => p.cmdline.includes('sleep 61.25')).length, { timeout: 3000 }).toBe(0);
  });

  it('an engine that cannot reach a sound device (exit 0, error on stderr) is reported, not ignored', async () => {
    const mute = join(dir, 'mute-engine');
    writeFileSync(mute, "#!/bin/sh\necho \"ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default\" >&2\necho 'error: No such file or directory' >&2\nexit 0\n");
    chmodSync(mute, 0o755);
    const statuses: { code?: string }[] = [];
    const a = createAnnouncer({ engine: espeakEngine(mute), onStatus: (s) => statuses.push(s), log });
    a.announce({ text: '测试' });
    await a.idle();
    expect(a.status()).toMatchObject({ state: 'error', code: 'SPEECH_NO_AUDIO' });
    expect(statuses.at(-1)?.code).toBe('SPEECH_NO_AUDIO');
  });

  it.skipIf(process.platform !== 'win32')('Windows: System.Speech through PowerShell writes a WAV', async () => {
    const file = join(dir, 'win.wav');
    await windowsSpeechEngine().speak('请 A012 号到 2 号窗口办理', { timeoutMs: 30_000, wavFile: file });
    expect(existsSync(file) && wavSeconds(file) > 1).toBe(true);
  });
  if (process.platform !== 'win32') console.info('skipped: the Windows System.Speech engine test needs Windows (PowerShell); this is ' + process.platform);
});
