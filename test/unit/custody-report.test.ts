/**
 * The custody report of an evidence export writes its moments as its language writes them, each
 * with its seconds, its milliseconds and "UTC", so a court reads the exact instant custody.json
 * and the event hashes hold; the model in English, French and Arabic, and the PDF as pdftotext
 * (poppler-utils) reads it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  type CustodyReportLabels,
  loadCustodyReportLabels,
} from '../../src/data/custody-report-labels/index.ts';
import { renderReportPdf } from '../../src/document/render-pdf.ts';
import type { CustodyFile, ExportIndex, SignerFile } from '../../src/evidence/export-bundle.ts';
import type { EvidenceManifest } from '../../src/evidence/package-manifest.ts';
import { custodyReport } from '../../src/services/custody-report.ts';

const hasPoppler = spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error === undefined;
const ARABIC = /[\u0600-\u06FF]/;
const PACKAGE_ID = '0b5e2c1a-7d4f-4e8a-9c3b-2f1e0d9c8b7a';
const ITEM_ID = '3c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f';
const HASH = 'a'.repeat(64);

const manifest: EvidenceManifest = {
  v: 1,
  packageId: PACKAGE_ID,
  from: 'de-node',
  to: 'fr-node',
  request: { id: 'req-1', caseReference: 'PR/2026/0042' },
  createdAt: '2026-12-07T18:30:00.250Z',
  items: [
    {
      id: ITEM_ID,
      name: 'subscriber.csv',
      mediaType: 'text/csv',
      sizeBytes: 31,
      sha256: HASH,
      description: 'Subscriber record',
      isSensitive: false,
      acquisition: {
        what: 'Subscriber record',
        fromWhom: 'Example Mail GmbH',
        when: '2026-11-30T14:20:00+01:00',
        how: null,
        byWhom: null,
        legalBasis: null,
      },
    },
  ],
  conditions: {
    limitedToRequestPurpose: true,
    onwardTransferNeedsConsent: true,
    confidentialUntil: '2027-01-31',
    note: '',
  },
};

const signer: SignerFile = {
  nodeId: 'de-node',
  kid: 'kid-1',
  use: 'sig',
  jwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' },
} as SignerFile;

const index: ExportIndex = {
  format: 'comity-evidence-export/1',
  packageId: PACKAGE_ID,
  requestId: 'req-1',
  exportedAt: '2026-12-07T20:04:11.123Z',
  exportedBy: 'custodian',
  exportedFrom: 'fr-node',
  reason: 'Production before the investigating judge',
  form: 'decrypted',
  recipient: null,
  items: [
    {
      manifestItemId: ITEM_ID,
      itemId: 'item-here',
      file: 'items/001-subscriber.csv',
      sha256: HASH,
      encryptedSha256: null,
    },
  ],
} as ExportIndex;

const event = (sequence: number, kind: string, at: string, details: unknown = null) => ({
  id: `event-${sequence}`,
  itemId: 'item-here',
  sequence,
  kind,
  actor: { id: null, name: 'custodian' },
  at,
  details,
  previousHash: null,
  hash: String(sequence).repeat(64),
});

const custody: CustodyFile = {
  items: [
    {
      itemId: 'item-here',
      manifestItemId: ITEM_ID,
      events: [
        event(1, 'received', '2026-12-07T19:00:00.000Z'),
        event(2, 'exported', '2026-12-07T20:04:11.123Z', {
          reason: 'Production before the investigating judge',
        }),
      ],
    },
  ],
};

function labelsOf(language: string): CustodyReportLabels {
  const labels = loadCustodyReportLabels().get(language);
  assert.ok(labels, language);
  return labels;
}

function reportIn(language: string) {
  return custodyReport(labelsOf(language), { manifest, signer, index, custody });
}

/** The value of the field labelled `label` in a report, wherever it is. */
function fieldValue(report: ReturnType<typeof reportIn>, label: string): string {
  const field = report.sections
    .flatMap((section) => section.groups.flat())
    .find((candidate) => candidate.label === label);
  assert.ok(field, `no field ${label}`);
  return field.value;
}

async function pdfOf(language: string): Promise<Buffer> {
  return renderReportPdf(reportIn(language), { createdAt: new Date('2026-12-07T20:04:11Z') });
}

/** The PDF's text, line by line, isolation marks left out, as pdftotext lays it out. */
function linesOf(pdf: Buffer): string[] {
  const result = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], {
    input: pdf,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout
    .split('\n')
    .map((line) =>
      line
        .replace(/[\u202A-\u202E\u2066-\u2069]/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((line) => line.length > 0);
}

/** The words of the first line holding the word `word`, as the eye meets them from the right. */
function wordsFromRight(pdf: Buffer, word: string): string[] {
  const result = spawnSync('pdftotext', ['-bbox-layout', '-enc', 'UTF-8', '-', '-'], {
    input: pdf,
    encoding: 'utf8',
  });
  for (const line of result.stdout.split('<line ').slice(1)) {
    const words = [...line.matchAll(/<word xMin="([\d.]+)"[^>]*>([^<]*)<\/word>/g)].map((match) => ({
      x: Number(match[1]),
      text: match[2] ?? '',
    }));
    if (words.some((candidate) => candidate.text === word)) {
      return words.sort((a, b) => b.x - a.x).map((candidate) => candidate.text);
    }
  }
  assert.fail(`no line has the word ${word}`);
}

describe('custody report', () => {
  it('writes every moment in its language with seconds, milliseconds and UTC', () => {
    const english = reportIn('en');
    const en = labelsOf('en');
    assert.equal(fieldValue(english, en.exportedAt), '7 December 2026 at 20:04:11.123 UTC');
    assert.equal(fieldValue(english, en.manifestCreatedAt), '7 December 2026 at 18:30:00.250 UTC');
    assert.match(
      fieldValue(english, `${en.event} 2`),
      /^7 December 2026 at 20:04:11\.123 UTC · exported · by custodian — Production before/,
    );
    // A moment at a whole second keeps its milliseconds, as custody.json and the hash have them.
    assert.match(fieldValue(english, `${en.event} 1`), /^7 December 2026 at 19:00:00\.000 UTC · received/);
    // What the sender said: a moment with its offset and the same in UTC, a date in words.
    assert.equal(
      fieldValue(english, en.acquisition.when),
      '30 November 2026 at 14:20:00 UTC+1 = 30 November 2026 at 13:20:00 UTC',
    );
    assert.equal(fieldValue(english, en.confidentialUntil), '31 January 2027');

    const french = reportIn('fr');
    const fr = labelsOf('fr');
    assert.equal(fieldValue(french, fr.exportedAt), '7 décembre 2026 à 20:04:11,123 UTC');
    assert.match(fieldValue(french, `${fr.event} 1`), /^7 décembre 2026 à 19:00:00,000 UTC · /);
    assert.equal(fieldValue(french, fr.confidentialUntil), '31 janvier 2027');

    // Arabic: Latin digits, a 24-hour clock, "UTC" isolated left to right in the Arabic line.
    const arabic = reportIn('ar');
    const ar = labelsOf('ar');
    assert.equal(fieldValue(arabic, ar.exportedAt), '7 ديسمبر 2026 في 20:04:11.123 \u2066UTC\u2069');
    assert.equal(
      fieldValue(arabic, ar.acquisition.when),
      '30 نوفمبر 2026 في 14:20:00 \u2066UTC+1\u2069 = 30 نوفمبر 2026 في 13:20:00 \u2066UTC\u2069',
    );
    for (const report of [english, french, arabic]) {
      const text = JSON.stringify(report);
      assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/, 'no ISO 8601 moment is left');
    }
  });

  it('says when a moment was given without its time zone', () => {
    const local = {
      ...manifest.items[0],
      acquisition: { ...manifest.items[0]?.acquisition, when: '2026-11-30T14:20' },
    };
    const report = custodyReport(labelsOf('en'), {
      manifest: { ...manifest, items: [local as EvidenceManifest['items'][number]] },
      signer,
      index,
      custody,
    });
    assert.equal(
      fieldValue(report, labelsOf('en').acquisition.when),
      '30 November 2026 at 14:20 (time zone not stated)',
    );
  });

  it('reads in the PDF as each language writes a moment', {
    skip: !hasPoppler && 'pdftotext is not installed',
  }, async () => {
    const english = linesOf(await pdfOf('en'));
    assert.ok(english.includes('Exported: 7 December 2026 at 20:04:11.123 UTC'), english.join('\n'));
    assert.ok(english.includes('Manifest created: 7 December 2026 at 18:30:00.250 UTC'), english.join('\n'));
    const french = linesOf(await pdfOf('fr'));
    assert.ok(french.includes('Exporté le : 7 décembre 2026 à 20:04:11,123 UTC'), french.join('\n'));
    assert.ok(
      french.some((line) => /7 décembre 2026 à 19:00:00,000 UTC · /.test(line)),
      french.join('\n'),
    );
    // Arabic, read from the right: the label, the day, the month, the year, the time, then UTC.
    const arabicPdf = await pdfOf('ar');
    const exported = wordsFromRight(arabicPdf, '20:04:11.123');
    assert.deepEqual(
      exported.filter((word) => !ARABIC.test(word) && word !== ':'),
      ['7', '2026', '20:04:11.123', 'UTC'],
      exported.join(' '),
    );
    assert.ok(ARABIC.test(exported[exported.indexOf('7') + 1] ?? ''), 'the month follows the day');
    const arabic = linesOf(arabicPdf);
    assert.ok(!arabic.some((line) => /[\u0660-\u0669]/.test(line)), 'Latin digits');
    assert.ok(!arabic.some((line) => /\d{4}-\d{2}-\d{2}/.test(line)), 'no ISO 8601 moment is left');
  });
});
