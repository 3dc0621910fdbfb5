/**
 * Code the browser suite runs inside the page (injected with page.addScriptTag), kept in plain
 * JavaScript because it uses the DOM, which the node-side TypeScript project does not type.
 */
window.comityProbes = {
  /** The root element's language and direction. */
  documentLanguage() {
    return { lang: document.documentElement.lang, dir: document.documentElement.dir };
  },

  /**
   * Which Chinese characters of the navigation and the heading render as the missing-glyph box.
   *
   * Why a canvas: document.fonts.check() only says whether @font-face fonts are loaded, and says
   * true for system fonts whatever glyphs they lack. A glyph missing from every font is drawn as
   * the same .notdef box as a code point no font has (U+10FFFD, private use), so each character
   * is drawn in the page's own font stack and compared, pixel for pixel, with that box.
   */
  missingHanGlyphs() {
    const text =
      (document.querySelector('nav')?.textContent ?? '') + (document.querySelector('h1')?.textContent ?? '');
    const characters = [...new Set([...text].filter((character) => /\p{Script=Han}/u.test(character)))];
    const font = `20px ${getComputedStyle(document.body).fontFamily}`;
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 32;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const draw = (character) => {
      context.clearRect(0, 0, 32, 32);
      context.font = font;
      context.fillStyle = '#000';
      context.textBaseline = 'top';
      context.fillText(character, 2, 4);
      return Array.from(context.getImageData(0, 0, 32, 32).data).join(',');
    };
    const notdef = draw(String.fromCodePoint(0x10fffd));
    return {
      characters,
      missing: characters.filter((character) => draw(character) === notdef),
      // The probe must be able to say "missing": an unassigned code point has no glyph anywhere.
      isProbeSound: draw(String.fromCodePoint(0x0378)) === notdef,
    };
  },

  /** axe-core's violations, trimmed to what a failure message needs. */
  async accessibilityViolations(tags) {
    const result = await window.axe.run(document, tags ? { runOnly: { type: 'tag', values: tags } } : {});
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes
        .slice(0, 5)
        .map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
    }));
  },
};
