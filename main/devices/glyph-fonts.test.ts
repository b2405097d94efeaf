// The receipt printer's bitmap fonts come from the shipped build/fonts (resources/fonts when
// packaged), never from the development-only npm package, and include the rare-character fallback.
import { describe, expect, it } from 'vitest';
import { FontGlyphRasterizer } from '../../devices/escpos/raster';
import { glyphFonts } from './feature';

describe('receipt printer glyph fonts', () => {
  it('are the shipped files: Noto Sans SC from build/fonts plus HanaMinA/B', () => {
    const g = glyphFonts();
    expect(g.glyphFontPath).toMatch(/build[/\\]fonts[/\\]NotoSansSC_400Regular\.ttf$/);
    expect(g.glyphFontPath).not.toMatch(/node_modules/);
    expect(g.glyphFallbackFontPaths.map((p) => p.split(/[/\\]/).at(-1))).toEqual(['HanaMinA.ttf', 'HanaMinB.ttf']);
  });

  it('an Extension B name prints as glyphs, not boxes, with the fallback (and as a box without)', () => {
    const g = glyphFonts();
    const withFallback = new FontGlyphRasterizer(g.glyphFontPath, g.glyphFallbackFontPaths);
    withFallback.render('王𠀾', 24);
    expect([...withFallback.missing]).toEqual([]);
    const without = new FontGlyphRasterizer(g.glyphFontPath);
    without.render('王𠀾', 24);
    expect([...without.missing]).toEqual(['𠀾']);
    const broken = new FontGlyphRasterizer(g.glyphFontPath, ['/nonexistent/font.ttf']);
    broken.render('𠀾', 24);
    expect([...broken.missing]).toEqual(['𠀾']);
  });
});
