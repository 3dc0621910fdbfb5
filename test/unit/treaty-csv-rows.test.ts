import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCsvRows } from '../../src/data/treaty/csv-rows.ts';

describe('reading CSV rows with their line numbers', () => {
  it('numbers rows from the header (line 1), skipping empty lines and counting quoted line breaks', () => {
    const { columns, rows, errors } = readCsvRows('\uFEFFState_Code,Note\nFR,a\n\nDE,"two\nlines"\nIT,b\n');
    assert.deepEqual(columns, ['state_code', 'note']);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      rows.map((row) => [row.line, row.fields.state_code]),
      [
        [2, 'FR'],
        [4, 'DE'],
        [6, 'IT'],
      ],
    );
    assert.equal(rows[1]?.fields.note, 'two\nlines');
  });

  it('reads Windows line endings the same way', () => {
    const { rows, errors } = readCsvRows('a,b\r\n1,2\r\n\r\n3,"x\r\ny"\r\n5,6\r\n');
    assert.deepEqual(errors, []);
    assert.deepEqual(
      rows.map((row) => row.line),
      [2, 4, 6],
    );
  });

  it('reports every row with the wrong number of fields, and keeps the others', () => {
    const { rows, errors } = readCsvRows('a,b\n1\n2,3\n4,5,6\n');
    assert.deepEqual(
      rows.map((row) => row.line),
      [3],
    );
    assert.deepEqual(
      errors.map((error) => error.line),
      [2, 4],
    );
  });

  it('reports a quoting error with its line', () => {
    const { errors } = readCsvRows('a,b\n1,2\n"3,"4\n');
    assert.equal(errors[0]?.line, 3);
  });

  it('reports an empty file', () => {
    assert.deepEqual(readCsvRows('').errors, [{ line: 1, message: 'the file is empty' }]);
  });
});
