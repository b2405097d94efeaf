/**
 * Offline speech engines main can speak announcements with when the page has no Chinese Web Speech
 * voice: `espeak-ng -v cmn` on Linux (Debian package espeak-ng), System.Speech through PowerShell on
 * Windows. Each run is a child tied to this process (devices/process/tied.ts) and is killed when it
 * takes longer than its timeout. The text has been checked by announcementTextSchema (plain text):
 * espeak-ng gets it as one argument (it never starts with `-`), PowerShell through an environment
 * variable, never inside the script.
 */
import { execFile } from 'node:child_process';
import { spawnTied } from '../process/tied.js';
import { DeviceError } from '../errors.js';

export interface SpeakOptions {
  /** Kill the engine after this long (a stuck audio device, a hung engine). */
  timeoutMs: number;
  /** Write a WAV file instead of playing (tests, and checking a set-up without a sound card). */
  wavFile?: string;
}

export interface SpeechEngine {
  /** `espeak-ng`, `windows-speech`. */
  readonly name: string;
  speak(text: string, options: SpeakOptions): Promise<void>;
}

/** Runs one engine process; rejects with a DeviceError on failure, timeout or an error on stderr. */
function run(command: string, args: string[], options: SpeakOptions & { env?: NodeJS.ProcessEnv; failOn?: RegExp }): Promise<void> {
  return new Promise((resolve, reject) => {
    const tied = spawnTied(command, args, { stderr: 'pipe', env: options.env, graceMs: 500 });
    let stderr = '';
    let timedOut = false;
    tied.child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      tied.kill();
    }, options.timeoutMs);
    tied.child.once('error', (err) => {
      clearTimeout(timer);
      reject(new DeviceError('SPEECH_FAILED', `${command}: ${err.message}`));
    });
    tied.child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const detail = stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
      if (timedOut) reject(new DeviceError('SPEECH_TIMEOUT', `${command} did not finish in ${options.timeoutMs} ms and was killed`));
      else if (code !== 0) reject(new DeviceError('SPEECH_FAILED', `${command} exited ${code ?? signal}: ${detail}`));
      else if (options.failOn?.test(stderr)) reject(new DeviceError('SPEECH_NO_AUDIO', `${command}: ${detail}`));
      else resolve();
    });
  });
}

/** espeak-ng exits 0 even when it cannot open the sound device; it says so on stderr. */
const ESPEAK_AUDIO_ERROR = /^error:|Unknown PCM|cannot find card|Connection refused/m;

export function espeakEngine(binary = 'espeak-ng', voice = 'cmn'): SpeechEngine {
  return {
    name: 'espeak-ng',
    speak: (text, options) =>
      run(binary, ['-v', voice, '-s', '150', ...(options.wavFile ? ['-w', options.wavFile] : []), text], { ...options, failOn: ESPEAK_AUDIO_ERROR }),
  };
}

const POWERSHELL_SPEAK = [
  'Add-Type -AssemblyName System.Speech',
  '$s = New-Object System.Speech.Synthesis.SpeechSynthesizer',
  "$v = $s.GetInstalledVoices() | Where-Object { $_.Enabled -and $_.VoiceInfo.Culture.Name -like 'zh-*' } | Select-Object -First 1",
  'if ($v) { $s.SelectVoice($v.VoiceInfo.Name) }',
  '$s.Rate = -1',
  'if ($env:TERMINAL_ANNOUNCE_WAV) { $s.SetOutputToWaveFile($env:TERMINAL_ANNOUNCE_WAV) } else { $s.SetOutputToDefaultAudioDevice() }',
  '$s.Speak($env:TERMINAL_ANNOUNCE_TEXT)',
  '$s.Dispose()',
].join('; ');

/** Windows: the OS speech API (System.Speech) through PowerShell; a Chinese voice when one is installed. */
export function windowsSpeechEngine(powershell = 'powershell.exe'): SpeechEngine {
  return {
    name: 'windows-speech',
    speak: (text, options) =>
      run(powershell, ['-NoProfile', '-NonInteractive', '-Command', POWERSHELL_SPEAK], {
        ...options,
        env: { ...process.env, TERMINAL_ANNOUNCE_TEXT: text, ...(options.wavFile ? { TERMINAL_ANNOUNCE_WAV: options.wavFile } : {}) },
      }),
  };
}

function probe(command: string, args: string[], ok: (stdout: string) => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000, windowsHide: true }, (error, stdout) => resolve(!error && ok(String(stdout))));
  });
}

/**
 * The engine this machine has, or null with the reason (English, for the log). Linux: espeak-ng with
 * its Mandarin voice `cmn`; Windows: PowerShell with System.Speech.
 */
export async function detectSpeechEngine(platform: NodeJS.Platform = process.platform, binaries: { espeak?: string; powershell?: string } = {}): Promise<{ engine: SpeechEngine | null; reason: string }> {
  if (platform === 'win32') {
    const powershell = binaries.powershell ?? 'powershell.exe';
    const ok = await probe(powershell, ['-NoProfile', '-NonInteractive', '-Command', 'Add-Type -AssemblyName System.Speech; "ok"'], (out) => out.includes('ok'));
    return ok ? { engine: windowsSpeechEngine(powershell), reason: 'System.Speech' } : { engine: null, reason: 'PowerShell System.Speech not available' };
  }
  const espeak = binaries.espeak ?? 'espeak-ng';
  const ok = await probe(espeak, ['--voices=cmn'], (out) => /\bcmn\b/.test(out));
  return ok ? { engine: espeakEngine(espeak), reason: 'espeak-ng -v cmn' } : { engine: null, reason: 'espeak-ng with the Mandarin voice (cmn) is not installed (Debian: apt-get install espeak-ng)' };
}
