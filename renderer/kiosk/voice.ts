/**
 * Voice prompts in elderly mode (适老化): Web Speech synthesis in Chinese where the system has a
 * voice; silently nothing where it has none (headless Chromium, a kiosk without speech-dispatcher).
 * Each request is marked on `<html data-voice-prompt="<key>">` so tests assert the request, not
 * the sound. Prompts are fixed texts from the locale files, never personal data.
 */
import { useElderlyStore } from '../stores/elderly';

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
