import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assignFontRoles,
  isLaidOutRightToLeft,
  type LaidOutParagraph,
  layoutParagraph,
  type MeasureText,
} from '../../src/document/pdf-text-layout.ts';

const style = { isBold: false, size: 10, color: '#000000' };
/** Every character is 5 points wide, so line widths are easy to predict. */
const measure: MeasureText = (text) => [...text].length * 5;

function layout(text: string, maxWidth = 1000, direction: 'ltr' | 'rtl' | 'auto' = 'auto'): LaidOutParagraph {
  return layoutParagraph([{ text, style }], { maxWidth, measure, direction });
}

/** The drawn (non-space) pieces of each line, left to right. */
function visual(paragraph: LaidOutParagraph): string[][] {
  return paragraph.lines.map((line) =>
    line.pieces.filter((piece) => piece.text.trim()).map((piece) => piece.text),
  );
}

describe('PDF line layout', () => {
  it('picks the Arabic, Chinese or Latin font per character, keeping marks with their letter', () => {
    assert.deepEqual(assignFontRoles('aб中ع'), ['latin', 'latin', 'han', 'arabic']);
    // Shadda (U+0651) after an Arabic letter stays in the Arabic font.
    assert.deepEqual(assignFontRoles('شّ'), ['arabic', 'arabic']);
    // A surrogate pair (U+20BB7, a Han character outside the BMP) takes one role for both units.
    assert.deepEqual(assignFontRoles('𠮷'), ['han', 'han']);
  });

  it('puts the words of an Arabic sentence right to left and right-aligns the paragraph', () => {
    const paragraph = layout('مرحبا بالعالم', 200);
    assert.equal(paragraph.isRightToLeft, true);
    // Each word is handed over in logical order (fontkit shapes it and reverses its glyphs),
    // and the first word is drawn rightmost.
    assert.deepEqual(visual(paragraph), [['بالعالم', 'مرحبا']]);
    const line = paragraph.lines[0];
    assert.ok(line);
    const last = line.pieces.at(-1);
    assert.ok(last);
    assert.equal(last.x + last.width, 200);
  });

  it('keeps numbers and Latin words left to right inside Arabic text, and mirrors brackets', () => {
    assert.deepEqual(visual(layout('(منفذ 51234).')), [['.(', '51234', 'منفذ', ')']]);
    assert.deepEqual(visual(layout('الاسم / Name: John Doe')), [['Name:', 'John', 'Doe', '/', 'الاسم']]);
    // Arabic-Indic digits are in an Arabic-script run that fontkit would reverse: pre-reversed.
    assert.deepEqual(visual(layout('عدد ١٢٣ هنا')), [['هنا', '٣٢١', 'عدد']]);
  });

  it('leaves left-to-right text in logical order, left-aligned', () => {
    const paragraph = layout('Name / الاسم: John');
    assert.equal(paragraph.isRightToLeft, false);
    assert.deepEqual(visual(paragraph), [['Name', '/', 'الاسم', ':', 'John']]);
    assert.equal(paragraph.lines[0]?.pieces[0]?.x, 0);
  });

  it('wraps Latin and Cyrillic by words and Chinese by characters', () => {
    // 10 characters of 5 points per line.
    assert.deepEqual(visual(layout('один два три четыре', 50)), [
      ['один', 'два'],
      ['три', 'четыре'],
    ]);
    assert.deepEqual(visual(layout('服务器被入侵患者档案被复制', 25)), [
      ['服务器被入'],
      ['侵患者档案'],
      ['被复制'],
    ]);
    // CJK punctuation does not start a line.
    assert.deepEqual(visual(layout('一二三四。五', 20)), [['一二三'], ['四。五']]);
  });

  it('cuts a word longer than the line at character boundaries', () => {
    const lines = visual(layout('0123456789abcdef', 40));
    assert.deepEqual(lines, [['01234567'], ['89abcdef']]);
  });

  it('knows when fontkit will lay a string out right to left', () => {
    assert.equal(isLaidOutRightToLeft('كلمة'), true);
    assert.equal(isLaidOutRightToLeft('(كلمة'), true);
    assert.equal(isLaidOutRightToLeft('word'), false);
    assert.equal(isLaidOutRightToLeft('().'), false);
  });
});
