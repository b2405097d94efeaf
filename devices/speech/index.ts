/** Offline speech for announcements (叫号播报): engines and the queued announcer. */
export { createAnnouncer, type Announcer, type AnnouncerOptions } from './announcer.js';
export { detectSpeechEngine, espeakEngine, windowsSpeechEngine, type SpeechEngine, type SpeakOptions } from './engines.js';
