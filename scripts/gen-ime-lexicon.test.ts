import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { buildLexicon, OUTPUT, render } from './gen-ime-lexicon';

it('renderer/kiosk/ime/lexicon.generated.json is what the generator writes (run it after changing the words)', () => {
  expect(readFileSync(OUTPUT, 'utf8')).toBe(render(buildLexicon()));
});

it('every lexicon entry has one initial per syllable and no tone marks', () => {
  for (const [pinyin, initials, phrase] of buildLexicon()) {
    expect(pinyin).toMatch(/^[a-z]+$/);
    expect(initials).toHaveLength([...phrase].length);
  }
});
