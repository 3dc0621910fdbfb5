/**
 * Line layout of mixed-script text for the PDF: which font draws each character (Latin and
 * Cyrillic, Arabic, Chinese), where lines wrap, and in which visual order the pieces of a line
 * go (Unicode Bidirectional Algorithm, via bidi-js).
 *
 * Why here and not in pdfkit: pdfkit shapes Arabic through fontkit (joining forms, ligatures)
 * and fontkit reverses the glyphs of a right-to-left run, but pdfkit neither switches fonts
 * inside a text nor orders mixed-direction text: a sentence with two Arabic words would print its
 * words left to right. So this module cuts each line into pieces of one font and one direction,
 * places them in visual order, and says what string to hand to pdfkit for each piece.
 *
 * Pure: the caller passes the function that measures a string in a font.
 */
import bidiFactory from 'bidi-js';

/** The fonts the document uses, by script. */
export type FontRole = 'latin' | 'arabic' | 'han';

export type TextStyle = Readonly<{ isBold: boolean; size: number; color: string }>;

/** A stretch of a paragraph with one style. */
export type StyledSpan = Readonly<{ text: string; style: TextStyle }>;

/** Width in points of `text` drawn in the font of `role` with `style`. */
export type MeasureText = (text: string, role: FontRole, style: TextStyle) => number;

/** Whether the font of `role` has a glyph for the code point. */
export type HasGlyph = (role: FontRole, codePoint: number) => boolean;

/** A piece of a line, ready to draw: `text` is what to give pdfkit, at `x` from the box's left. */
export type PositionedPiece = Readonly<{
  text: string;
  role: FontRole;
  style: TextStyle;
  x: number;
  width: number;
  isRightToLeft: boolean;
}>;

export type LaidOutLine = Readonly<{ pieces: readonly PositionedPiece[]; width: number; size: number }>;

export type LaidOutParagraph = Readonly<{ lines: readonly LaidOutLine[]; isRightToLeft: boolean }>;

export type ParagraphOptions = Readonly<{
  maxWidth: number;
  /** Base direction; `auto` takes it from the first strong character (rule P2). */
  direction?: 'ltr' | 'rtl' | 'auto';
  measure: MeasureText;
  hasGlyph?: HasGlyph;
}>;

const bidi = bidiFactory();

const ARABIC_CHARACTER = /[\u0600-\u06FF\u0750-\u077F\u0870-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/u;
const HAN_CHARACTER =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u3000-\u303F\uFF00-\uFFEF\u2E80-\u2FDF\u31C0-\u31EF]/u;
/** Marks and joiners belong to the character before them (they must be shaped with it). */
const ATTACHING = /[\p{M}\u200C\u200D]/u;
const SPACE = /\s/u;
/** Bidi formatting characters (marks, embeddings, isolates): they steer ordering and are never drawn. */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
/** CJK punctuation that must not start a line, and that which must not end one. */
const NO_BREAK_BEFORE =
  /[、。，．：；！？）」』】〕〉》〗〙〛〞・ー〜\uFF09\uFF0C\uFF0E\uFF1A\uFF1B\uFF01\uFF1F\uFF3D\uFF5D]/u;
const NO_BREAK_AFTER = /[（「『【〔〈《〖〘〚〝\uFF08\uFF3B\uFF5B]/u;
/** Scripts fontkit lays out right to left (it then reverses the glyphs of the run). */
const RIGHT_TO_LEFT_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const NEUTRAL_SCRIPT = /[\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u;

type CharacterInfo = Readonly<{ role: FontRole; styleIndex: number; isSpace: boolean }>;

/** The font role of each UTF-16 unit (a surrogate pair shares its role). */
export function assignFontRoles(text: string, hasGlyph?: HasGlyph): FontRole[] {
  const roles: FontRole[] = [];
  let previous: FontRole = 'latin';
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    let role: FontRole;
    const isControl = BIDI_CONTROL.test(character);
    if ((ATTACHING.test(character) || isControl) && roles.length > 0) role = previous;
    else if (ARABIC_CHARACTER.test(character)) role = 'arabic';
    else if (HAN_CHARACTER.test(character)) role = 'han';
    else role = 'latin';
    if (hasGlyph && !isControl && !SPACE.test(character) && !hasGlyph(role, codePoint)) {
      role =
        (['latin', 'han', 'arabic'] as const).find((candidate) => hasGlyph(candidate, codePoint)) ?? role;
    }
    for (let unit = 0; unit < character.length; unit++) roles.push(role);
    previous = role;
  }
  return roles;
}

/**
 * Whether fontkit will lay `text` out right to left, reversing its glyphs: it takes the
 * direction of the first character whose script is not Common or Inherited.
 */
export function isLaidOutRightToLeft(text: string): boolean {
  for (const character of text) {
    if (NEUTRAL_SCRIPT.test(character)) continue;
    return RIGHT_TO_LEFT_SCRIPT.test(character);
  }
  return false;
}

function isCjk(character: string | undefined): boolean {
  return character !== undefined && HAN_CHARACTER.test(character);
}

/** Whether a line may break before index `i` (UAX #14, much simplified). */
function canBreakBefore(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  const current = text[i] as string;
  const previous = text[i - 1] as string;
  if (SPACE.test(current) || isLowSurrogate(current)) return false;
  if (SPACE.test(previous)) return true;
  if (ATTACHING.test(current)) return false;
  if (isCjk(current) || isCjk(previous))
    return !NO_BREAK_BEFORE.test(current) && !NO_BREAK_AFTER.test(previous);
  return false;
}

function isLowSurrogate(unit: string): boolean {
  const code = unit.charCodeAt(0);
  return code >= 0xdc00 && code <= 0xdfff;
}

type Token = { start: number; contentEnd: number; end: number; contentWidth: number; spaceWidth: number };

type Paragraph = Readonly<{
  text: string;
  info: readonly CharacterInfo[];
  styles: readonly TextStyle[];
  measure: MeasureText;
}>;

/** Width of text[start, end) measured run by run (one font and style per run). */
function measureRange(paragraph: Paragraph, start: number, end: number): number {
  let width = 0;
  let runStart = start;
  for (let i = start + 1; i <= end; i++) {
    const current = paragraph.info[runStart] as CharacterInfo;
    const next = paragraph.info[i];
    if (i === end || !next || next.role !== current.role || next.styleIndex !== current.styleIndex) {
      const drawn = paragraph.text.slice(runStart, i).replace(BIDI_CONTROLS, '');
      if (drawn.length > 0)
        width += paragraph.measure(drawn, current.role, paragraph.styles[current.styleIndex] as TextStyle);
      runStart = i;
    }
  }
  return width;
}

function tokenize(paragraph: Paragraph): Token[] {
  const { text } = paragraph;
  const tokens: Token[] = [];
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i < text.length && !canBreakBefore(text, i)) continue;
    let contentEnd = i;
    while (contentEnd > start && SPACE.test(text[contentEnd - 1] as string)) contentEnd--;
    tokens.push({
      start,
      contentEnd,
      end: i,
      contentWidth: measureRange(paragraph, start, contentEnd),
      spaceWidth: contentEnd < i ? measureRange(paragraph, contentEnd, i) : 0,
    });
    start = i;
  }
  return tokens;
}

/** Cuts a token wider than a line into pieces that fit, at character boundaries. */
function splitWideToken(paragraph: Paragraph, token: Token, maxWidth: number): Token[] {
  const pieces: Token[] = [];
  let start = token.start;
  let i = start;
  while (i < token.contentEnd) {
    let next = i + 1;
    while (
      next < token.contentEnd &&
      (isLowSurrogate(paragraph.text[next] as string) || ATTACHING.test(paragraph.text[next] as string))
    ) {
      next++;
    }
    if (i > start && measureRange(paragraph, start, next) > maxWidth) {
      pieces.push({
        start,
        contentEnd: i,
        end: i,
        contentWidth: measureRange(paragraph, start, i),
        spaceWidth: 0,
      });
      start = i;
    }
    i = next;
  }
  pieces.push({
    start,
    contentEnd: token.contentEnd,
    end: token.end,
    contentWidth: measureRange(paragraph, start, token.contentEnd),
    spaceWidth: token.spaceWidth,
  });
  return pieces;
}

/** Greedy line filling; each line is [start, contentEnd) in logical order. */
function breakLines(paragraph: Paragraph, maxWidth: number): Array<{ start: number; contentEnd: number }> {
  const lines: Array<{ start: number; contentEnd: number }> = [];
  let current: { start: number; contentEnd: number; width: number } | undefined;
  for (const token of tokenize(paragraph)) {
    const parts = token.contentWidth > maxWidth ? splitWideToken(paragraph, token, maxWidth) : [token];
    for (const part of parts) {
      if (current && current.width + part.contentWidth <= maxWidth) {
        current.contentEnd = part.contentEnd;
        current.width += part.contentWidth + part.spaceWidth;
        continue;
      }
      if (current) lines.push(current);
      current = {
        start: part.start,
        contentEnd: part.contentEnd,
        width: part.contentWidth + part.spaceWidth,
      };
    }
  }
  if (current) lines.push(current);
  return lines.filter((line) => line.contentEnd > line.start);
}

/**
 * Lays out one paragraph (no line feeds) into lines of positioned pieces. Right-to-left
 * paragraphs are right-aligned in the box.
 */
export function layoutParagraph(spans: readonly StyledSpan[], options: ParagraphOptions): LaidOutParagraph {
  const styles = spans.map((span) => span.style);
  const text = spans.map((span) => span.text.replace(/[\r\n\t\f\v\u2028\u2029]/g, ' ')).join('');
  const styleIndexes = spans.flatMap((span, index) => Array.from({ length: span.text.length }, () => index));
  const roles = assignFontRoles(text, options.hasGlyph);
  const info: CharacterInfo[] = roles.map((role, i) => ({
    role,
    styleIndex: styleIndexes[i] ?? 0,
    isSpace: SPACE.test(text[i] as string),
  }));
  const paragraph: Paragraph = { text, info, styles, measure: options.measure };
  const levels = bidi.getEmbeddingLevels(text, options.direction ?? 'auto');
  const baseLevel = levels.paragraphs[0]?.level ?? 0;
  const isRightToLeft = baseLevel % 2 === 1;
  const lines = breakLines(paragraph, options.maxWidth).map((range) =>
    layoutLine(paragraph, levels, range.start, range.contentEnd, options.maxWidth, isRightToLeft),
  );
  return { lines, isRightToLeft };
}

type Levels = ReturnType<typeof bidi.getEmbeddingLevels>;

function layoutLine(
  paragraph: Paragraph,
  levels: Levels,
  start: number,
  end: number,
  maxWidth: number,
  isRightToLeft: boolean,
): LaidOutLine {
  const { text, info } = paragraph;
  // Visual order of the line's characters (rules L2-L4).
  const order = Array.from({ length: end - start }, (_, i) => start + i);
  for (const [segmentStart, segmentEnd] of bidi.getReorderSegments(text, levels, start, end - 1) as Array<
    [number, number]
  >) {
    const from = segmentStart - start;
    const to = segmentEnd - start;
    const reversed = order.slice(from, to + 1).reverse();
    order.splice(from, reversed.length, ...reversed);
  }
  const mirrored = bidi.getMirroredCharactersMap(text, levels.levels, start, end - 1);

  const pieces: Array<Omit<PositionedPiece, 'x'>> = [];
  let group: number[] = [];
  const flush = (): void => {
    if (group.length === 0) return;
    pieces.push(pieceOf(paragraph, levels, group, mirrored));
    group = [];
  };
  for (const index of order) {
    if (BIDI_CONTROL.test(text[index] as string)) continue;
    const last = group[group.length - 1];
    if (last !== undefined && !belongsTogether(info, levels, last, index)) flush();
    group.push(index);
  }
  flush();

  let x = 0;
  const positioned: PositionedPiece[] = pieces.map((piece) => {
    const placed = { ...piece, x };
    x += piece.width;
    return placed;
  });
  const width = x;
  const offset = isRightToLeft ? Math.max(0, maxWidth - width) : 0;
  const size = Math.max(...positioned.map((piece) => piece.style.size), paragraph.styles[0]?.size ?? 10);
  return { pieces: positioned.map((piece) => ({ ...piece, x: piece.x + offset })), width, size };
}

/** Two visually adjacent characters go in one piece when pdfkit can draw them in one call. */
function belongsTogether(
  info: readonly CharacterInfo[],
  levels: Levels,
  previous: number,
  next: number,
): boolean {
  const a = info[previous] as CharacterInfo;
  const b = info[next] as CharacterInfo;
  if (a.role !== b.role || a.styleIndex !== b.styleIndex || a.isSpace || b.isSpace) return false;
  const levelA = levels.levels[previous] ?? 0;
  const levelB = levels.levels[next] ?? 0;
  if (levelA % 2 !== levelB % 2) return false;
  return levelA % 2 === 1 ? next === previous - 1 : next === previous + 1;
}

function pieceOf(
  paragraph: Paragraph,
  levels: Levels,
  visualIndexes: readonly number[],
  mirrored: Map<number, string>,
): Omit<PositionedPiece, 'x'> {
  const first = visualIndexes[0] as number;
  const { role, styleIndex } = paragraph.info[first] as CharacterInfo;
  const style = paragraph.styles[styleIndex] as TextStyle;
  const isRightToLeft = (levels.levels[first] ?? 0) % 2 === 1;
  const low = Math.min(...visualIndexes);
  const high = Math.max(...visualIndexes);
  const logical = paragraph.text.slice(low, high + 1);
  let text: string;
  if (isLaidOutRightToLeft(logical)) {
    // fontkit shapes in logical order and reverses the glyphs: hand it logical order for a
    // right-to-left run, and the reverse for a left-to-right one (e.g. Arabic-Indic digits).
    text = isRightToLeft ? logical : reverseCodePoints(logical);
  } else {
    text = visualIndexes.map((index) => mirrored.get(index) ?? paragraph.text[index]).join('');
    if (isRightToLeft) text = fixSurrogateOrder(text);
  }
  return { text, role, style, width: paragraph.measure(text, role, style), isRightToLeft };
}

function reverseCodePoints(text: string): string {
  return [...text].reverse().join('');
}

/** Reversing UTF-16 units swaps surrogate pairs; put each pair back in order. */
function fixSurrogateOrder(text: string): string {
  return text.replace(/([\uDC00-\uDFFF])([\uD800-\uDBFF])/g, '$2$1');
}
