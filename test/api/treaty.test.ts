import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTreatyStatusReport, seedStatusRecords } from '../../src/services/treaty.service.ts';
import { seedTreatyRecords } from '../../src/services/treaty-seed.service.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

type Problem = {
  type: string;
  status: number;
  detail?: string;
  errors?: { line?: number; message: string; in?: string; pointer?: string; code?: string; bound?: string }[];
};
type Status = ReturnType<typeof buildTreatyStatusReport>;
type RecordView = {
  id: string;
  stateCode: string;
  action: string;
  origin: string;
  evidenceLevel: string | null;
};

const CSV_HEADER = 'state_code,action,date,source,evidence,note';

for (const target of DATABASE_TARGETS) {
  describe(`treaty status API [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let administrator: ActingAs;
    let officer: ActingAs;

    before(async () => {
      subject = await startTestApp(target);
      administrator = await bearerAs(subject, 'administrator');
      officer = await asRole(subject, 'officer');
    });
    after(async () => subject?.close());

    async function records(): Promise<RecordView[]> {
      const response = await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/records' });
      assert.equal(response.statusCode, 200);
      return json<{ items: RecordView[] }>(response).items;
    }

    function importCsv(csv: string, headers: Record<string, string>, contentType = 'text/csv') {
      return subject.app.inject({
        method: 'POST',
        url: '/api/v1/treaty/import',
        headers: { ...headers, 'content-type': contentType },
        payload: csv,
      });
    }

    it('seeds the 65 research records once, and a second seed adds nothing', async () => {
      const seeded = await records();
      assert.equal(seeded.length, 65);
      assert.ok(seeded.every((record) => record.origin === 'seed' && record.evidenceLevel !== null));
      assert.deepEqual(await seedTreatyRecords(subject.context), { inserted: 0, skippedCodes: [] });
      assert.equal((await records()).length, 65);
    });

    it('answers the status publicly, the same as the offline computation of the seed', async () => {
      const response = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/treaty/status?asOf=2026-11-28',
      });
      assert.equal(response.statusCode, 200);
      const status = json<Status>(response);
      assert.equal(status.signatories.count, 61);
      assert.equal(status.signatories.depositaryCount, 72);
      assert.equal(status.instruments.count, 0);
      assert.equal(status.countedInstruments, 0);
      assert.equal(status.stillNeeded, 40);
      assert.equal(status.isInForce, false);
      assert.deepEqual(
        status.reportedNotDeposited.map((report) => [report.stateCode, report.action]),
        [
          ['AZ', 'domestic-approval'],
          ['AZ', 'domestic-approval'],
          ['QA', 'reported-ratification'],
          ['VN', 'reported-ratification'],
        ],
      );
      assert.ok(status.gaps.some((gap) => gap.id === 'no-deposit-confirmed'));
      assert.deepEqual(
        status,
        JSON.parse(JSON.stringify(buildTreatyStatusReport(seedStatusRecords(), '2026-11-28'))),
      );
    });

    it('computes the status on an earlier date, and refuses an impossible date', async () => {
      const before = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/treaty/status?asOf=2025-10-24',
      });
      assert.equal(json<Status>(before).signatories.count, 0);
      const bad = await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/status?asOf=2026-02-30' });
      assert.equal(bad.statusCode, 400);
      assert.equal(json<Problem>(bad).type, 'urn:comity:problem:invalid-input');
      assert.deepEqual(
        json<Problem>(bad).errors?.map(({ in: part, pointer, code }) => ({ part, pointer, code })),
        [{ part: 'querystring', pointer: '/asOf', code: 'invalid' }],
      );
      // A day to come: nobody knows its signatures and ratifications yet.
      const future = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/treaty/status?asOf=2999-12-31',
      });
      assert.equal(future.statusCode, 400);
      assert.match(json<Problem>(future).detail ?? '', /after today/);
      // The latest date it accepts, for a client to word: today.
      const [tooLate] = json<Problem>(future).errors ?? [];
      assert.deepEqual(
        { pointer: tooLate?.pointer, code: tooLate?.code },
        { pointer: '/asOf', code: 'too-late' },
      );
      assert.match(tooLate?.bound ?? '', /^\d{4}-\d{2}-\d{2}$/);
    });

    it('draws an SVG world map with one titled path per country, coloured by status', async () => {
      const response = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/treaty/map.svg?asOf=2026-11-28',
      });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^image\/svg\+xml/);
      const svg = response.body;
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      const paths = svg.match(/<path [^>]*>/g) ?? [];
      assert.equal(paths.length, 177); // every country of Natural Earth 1:110m
      assert.equal((svg.match(/<path [^>]*><title>[^<]+<\/title><\/path>/g) ?? []).length, 177);
      assert.match(svg, /<path class="country signatory" data-code="FR"[^>]*><title>France: signatory/);
      assert.match(svg, /<path class="country reported" data-code="AZ"/);
      assert.match(svg, /<path class="country none" data-code="US"/);
      assert.match(svg, /Party: instrument deposited \(0\)/);
      // No fixed pixel size: the page sizes the picture in rem and the legend's text, in viewBox
      // units, grows with it (with the reader's text size and zoom).
      const root = svg.slice(0, svg.indexOf('>'));
      assert.doesNotMatch(root, / (width|height)="/);
      assert.doesNotMatch(svg, /font-size="[^"]*px/);
      assert.match(svg, /<g class="legend" font-family="sans-serif" font-size="20"/);
      // One statement a line, each short enough for the picture's width (960 units at 20 a letter).
      assert.match(svg, /<text x="20" y="\d+">Not in force: 0 of 40 instruments counted\.<\/text>/);
      assert.match(svg, /<text x="20" y="\d+">EU \(not drawn\): signed; its instrument does not count/);
      const lines = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '');
      assert.ok(
        lines.every((line) => line.length <= 90),
        lines.filter((line) => line.length > 90).join(' | '),
      );
      const again = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/treaty/map.svg?asOf=2026-11-28',
      });
      assert.equal(again.body, svg);
      const bad = await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/map.svg?asOf=yesterday' });
      assert.equal(bad.statusCode, 400);
    });

    it('draws the map in each UN language: its words, the country names, Arabic right to left', async () => {
      const mapIn = async (lang: string) => {
        const response = await subject.app.inject({
          method: 'GET',
          url: `/api/v1/treaty/map.svg?asOf=2026-11-28&lang=${lang}`,
        });
        assert.equal(response.statusCode, 200, response.body);
        assert.equal(response.headers['content-language'], lang);
        return response.body;
      };
      const french = await mapIn('fr');
      assert.match(
        french,
        /<path class="country signatory" data-code="FR"[^>]*><title>France : signataire \(signature le /,
      );
      assert.match(french, /data-code="DE"[^>]*><title>Allemagne : /);
      assert.match(french, /Partie : instrument déposé \(0\)/);
      assert.match(french, /Pas en vigueur : 0 instruments comptés sur 40\./);
      const arabic = await mapIn('ar');
      assert.match(arabic, /<g class="legend" [^>]*direction="rtl"/);
      assert.match(arabic, /<text x="940" y="\d+">/, 'right to left, each line starts at the right edge');
      assert.match(arabic, /data-code="FR"[^>]*><title>فرنسا: /);
      const chinese = await mapIn('zh');
      assert.match(chinese, /data-code="FR"[^>]*><title>法国：签署国/);
      // Every line of the legend fits the picture's width (960 units, 20 a margin): a CJK
      // character about 1 em of the 20-unit font wide, any other about 0.55 em.
      for (const [lang, svg] of [
        ['fr', french],
        ['ar', arabic],
        ['zh', chinese],
        ['ru', await mapIn('ru')],
        ['es', await mapIn('es')],
        ['en', await mapIn('en')],
      ] as const) {
        const lines = [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map((match) => ({
          size: Number(/font-size="(\d+)"/.exec(match[1] ?? '')?.[1] ?? 20),
          text: (match[2] ?? '').replaceAll(/&\w+;/g, '&'),
        }));
        const widthOf = ({ size, text }: { size: number; text: string }) =>
          [...text].reduce(
            (sum, character) => sum + (/[\u3000-\u9fff\uff00-\uffef]/.test(character) ? 1 : 0.55),
            0,
          ) * size;
        const tooWide = lines.filter((line) => widthOf(line) > 920).map((line) => line.text);
        assert.deepEqual(tooWide, [], `${lang}: legend lines wider than the picture`);
      }
      const unknown = await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/map.svg?lang=de' });
      assert.equal(unknown.statusCode, 400);
    });

    it('refuses a CSV import with any bad row, lists every error with its line, and imports nothing', async () => {
      const csv = [
        CSV_HEADER,
        'DE,accession,2026-06-01,UNTC C.N. notification,primary (depositary),',
        'ZZ,ratification,2026-06-01,x,primary (depositary),', // line 3: unknown State
        'IT,ratified,2026-06-02,x,primary (depositary),', // line 4: unknown action
        'ES,accession,,x,primary (depositary),', // line 5: deposit without date
        'PT,ratification,2026-06-03,x,hearsay,', // line 6: no evidence level
        'DE,accession,2026-06-01,UNTC C.N. notification,primary (depositary),', // line 7: repeats line 2
      ].join('\n');
      const response = await importCsv(csv, administrator.headers);
      assert.equal(response.statusCode, 422);
      const problem = json<Problem>(response);
      assert.equal(problem.type, 'urn:comity:problem:import-rejected');
      assert.deepEqual([...new Set(problem.errors?.map((error) => error.line))], [3, 4, 5, 6, 7]);
      assert.match(problem.errors?.find((error) => error.line === 3)?.message ?? '', /ZZ/);
      assert.match(problem.errors?.find((error) => error.line === 7)?.message ?? '', /line 2/);
      assert.equal((await records()).length, 65);
    });

    it('imports a clean CSV (state_code or iso3) and the status counts the deposits', async () => {
      const csv = [
        'state,iso3,action,date,source,evidence,note',
        'Germany,DEU,accession,2026-06-01,UNTC C.N. notification,primary (depositary),',
        'Chile,CHL,ratification,2026-07-01,"UNTC, C.N. notification",primary (depositary),"quoted, with comma"',
        'European Union,,approval,2026-08-01,UNTC,primary (depositary),',
      ].join('\n');
      const missingState = await importCsv(csv, administrator.headers);
      assert.equal(missingState.statusCode, 422, 'the EU row has neither iso3 nor state_code');
      assert.deepEqual(
        json<Problem>(missingState).errors?.map((error) => error.line),
        [4],
      );

      const fixed = csv.split('\n').slice(0, 3).join('\n');
      const response = await importCsv(fixed, administrator.headers, 'text/csv; charset=utf-8');
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(json(response), { inserted: 2 });

      const eu = await importCsv(
        `${CSV_HEADER}\nEU,approval,2026-08-01,UNTC,primary (depositary),`,
        administrator.headers,
      );
      assert.equal(eu.statusCode, 200, eu.body);

      const status = json<Status>(
        await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/status?asOf=2026-11-28' }),
      );
      assert.deepEqual(
        status.instruments.items.map((instrument) => [instrument.stateCode, instrument.isCounted]),
        [
          ['DE', true],
          ['CL', true],
          ['EU', false],
        ],
      );
      assert.equal(status.countedInstruments, 2);
      assert.equal(status.stillNeeded, 38);
      assert.deepEqual(status.organizations[0]?.membersDeposited, ['DE']);
      const map = await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/map.svg?asOf=2026-11-28' });
      assert.match(map.body, /<path class="country party" data-code="DE"/);
      assert.match(
        map.body,
        /<path class="country party" data-code="CL"[^>]*><title>Chile: Party: ratification deposited 2026-07-01/,
      );
    });

    it('documents the routes in OpenAPI: reads are public, writes need a token or a session', async () => {
      const response = await subject.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      type Operation = { security?: unknown[] };
      const paths = json<{ paths: Record<string, Record<string, Operation>> }>(response).paths;
      assert.deepEqual(paths['/api/v1/treaty/status']?.get?.security, []);
      assert.deepEqual(paths['/api/v1/treaty/records']?.get?.security, []);
      assert.deepEqual(paths['/api/v1/treaty/map.svg']?.get?.security, []);
      assert.equal(paths['/api/v1/treaty/records']?.post?.security, undefined);
      assert.ok(paths['/api/v1/treaty/import']?.post);
    });

    it('refuses an import that is not text/csv with unsupported-media-type', async () => {
      const response = await importCsv(
        JSON.stringify({ rows: [] }),
        administrator.headers,
        'application/json',
      );
      assert.equal(response.statusCode, 415);
      assert.equal(json<Problem>(response).type, 'urn:comity:problem:unsupported-media-type');
    });

    it('lets only administrators write: an officer gets 403, an anonymous caller 401', async () => {
      const row = `${CSV_HEADER}\nNL,ratification,2026-06-01,x,primary (depositary),`;
      const byOfficer = await importCsv(row, officer.headers);
      assert.equal(byOfficer.statusCode, 403);
      assert.equal(json<Problem>(byOfficer).type, 'urn:comity:problem:forbidden');
      assert.equal((await importCsv(row, {})).statusCode, 401);
      const add = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/treaty/records',
        headers: officer.headers,
        payload: {
          stateCode: 'NL',
          action: 'ratification',
          date: '2026-06-01',
          source: 'x',
          evidence: 'primary',
        },
      });
      assert.equal(add.statusCode, 403);
      assert.equal((await records()).filter((record) => record.stateCode === 'NL').length, 0);
    });

    it('adds one record for an administrator, refuses a duplicate and a deposit without date', async () => {
      const payload = {
        stateCode: 'ca',
        action: 'signature',
        date: '2026-07-15',
        source: 'UNTC status page',
        evidence: 'primary (depositary)',
      };
      const response = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/treaty/records',
        headers: administrator.headers,
        payload,
      });
      assert.equal(response.statusCode, 201, response.body);
      const created = json<RecordView & { createdBy: { id: string } | null }>(response);
      assert.equal(created.stateCode, 'CA');
      assert.equal(created.origin, 'manual');
      assert.equal(created.createdBy?.id, administrator.userId);

      const duplicate = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/treaty/records',
        headers: administrator.headers,
        payload,
      });
      assert.equal(duplicate.statusCode, 409);

      const undated = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/treaty/records',
        headers: administrator.headers,
        payload: { ...payload, action: 'accession', date: null },
      });
      assert.equal(undated.statusCode, 400);
      assert.match(JSON.stringify(json(undated)), /give its date/);

      const status = json<Status>(
        await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/status?asOf=2026-11-28' }),
      );
      assert.equal(status.signatories.count, 62);
    });

    it('refuses records that cannot be right, saying why, and keeps nothing of them', async () => {
      const add = (payload: Record<string, unknown>) =>
        subject.app.inject({
          method: 'POST',
          url: '/api/v1/treaty/records',
          headers: administrator.headers,
          payload: { source: 'UNTC status page', evidence: 'primary (depositary)', ...payload },
        });
      const early = await add({ stateCode: 'IN', action: 'signature', date: '2025-10-24' });
      assert.equal(early.statusCode, 400);
      assert.match(
        json<{ detail: string }>(early).detail,
        /before the Convention opened for signature on 2025-10-25/,
      );
      // Each problem names its field and says why in a code a client words itself.
      const fieldOf = (response: Awaited<ReturnType<typeof add>>) =>
        json<Problem>(response).errors?.map(({ pointer, code, bound }) => ({ pointer, code, bound }));
      assert.deepEqual(fieldOf(early), [{ pointer: '/date', code: 'too-early', bound: '2025-10-25' }]);
      const future = await add({ stateCode: 'FR', action: 'ratification', date: '2999-01-01' });
      assert.equal(future.statusCode, 400);
      assert.deepEqual(fieldOf(future), [
        { pointer: '/date', code: 'too-late', bound: new Date().toISOString().slice(0, 10) },
      ]);
      const empty = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/treaty/records',
        headers: administrator.headers,
        payload: { source: 'UNTC status page', date: null },
      });
      assert.equal(empty.statusCode, 400);
      assert.deepEqual(
        json<Problem>(empty)
          .errors?.map(({ pointer, code }) => ({ pointer, code }))
          .sort((a, b) => (a.pointer ?? '').localeCompare(b.pointer ?? '')),
        [
          { pointer: '/action', code: 'required' },
          { pointer: '/evidence', code: 'required' },
          { pointer: '/stateCode', code: 'required' },
        ],
      );
      const atlantis = await add({ stateCode: 'XA', action: 'signature', date: '2025-10-25' });
      assert.deepEqual(fieldOf(atlantis), [
        { pointer: '/stateCode', code: 'invalid-value', bound: undefined },
      ]);
      // India never signed: it can accede, not ratify.
      const unsigned = await add({ stateCode: 'IN', action: 'ratification', date: '2026-09-01' });
      assert.equal(unsigned.statusCode, 400);
      assert.match(
        json<{ detail: string }>(unsigned).detail,
        /IN has no signature recorded.*accession \(Art\. 64\(4\)\)/,
      );
      assert.deepEqual(fieldOf(unsigned), [
        { pointer: '/action', code: 'signature-first', bound: undefined },
      ]);
      assert.equal((await add({ stateCode: 'IN', action: 'accession', date: '2026-09-01' })).statusCode, 201);
      // France signed in Hanoi (a seed record): its ratification is accepted.
      assert.equal(
        (await add({ stateCode: 'FR', action: 'ratification', date: '2026-09-02' })).statusCode,
        201,
      );

      // An organization's instrument before any member State's, in an import and on its own.
      const ahead = await importCsv(
        `${CSV_HEADER}\nEU,approval,2026-05-01,UNTC,primary (depositary),`,
        administrator.headers,
      );
      assert.equal(ahead.statusCode, 422);
      assert.match(
        json<Problem>(ahead).errors?.[0]?.message ?? '',
        /no member State of EU has deposited an instrument by 2026-05-01.*Art\. 64\(3\)-\(4\)/,
      );
      // A row of an import is named by its line, not by a pointer into a JSON body it does not have.
      assert.deepEqual(
        json<Problem>(ahead).errors?.map(({ line, pointer, code }) => ({ line, pointer, code })),
        [{ line: 2, pointer: undefined, code: 'member-state-first' }],
      );
      const together = await importCsv(
        [
          CSV_HEADER,
          'EU,approval,2026-09-03,UNTC,primary (depositary),',
          'AT,ratification,2026-09-03,UNTC,primary (depositary),',
        ].join('\n'),
        administrator.headers,
      );
      assert.equal(together.statusCode, 200, together.body);
      assert.equal(
        (await records()).filter((record) => record.action !== 'signature' && record.origin !== 'seed')
          .length,
        7,
      );
    });

    it('retracts a record entered in error: it stays, struck out, the status stops counting it', async () => {
      const add = (action: string, date: string) =>
        subject.app.inject({
          method: 'POST',
          url: '/api/v1/treaty/records',
          headers: administrator.headers,
          payload: {
            stateCode: 'IS',
            action,
            date,
            source: 'UNTC status page',
            evidence: 'primary (depositary)',
          },
        });
      const retract = (id: string, payload: unknown, headers = administrator.headers) =>
        subject.app.inject({
          method: 'POST',
          url: `/api/v1/treaty/records/${id}/retraction`,
          headers,
          payload: payload as Record<string, unknown>,
        });
      const statusNow = async () =>
        json<Status>(
          await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/status?asOf=2026-11-28' }),
        );
      const signature = json<RecordView>(await add('signature', '2026-08-03'));
      const ratification = json<RecordView>(await add('ratification', '2026-09-01'));
      const before = await statusNow();

      // The signature is what the ratification rests on (Art. 64(3)): retracted first, it would leave it standing alone.
      const early = await retract(signature.id, { reason: 'Entered for the wrong State.' });
      assert.equal(early.statusCode, 409, early.body);
      assert.match(
        json<Problem>(early).detail ?? '',
        /IS ratification of 2026-09-01 presupposes this record/,
      );

      const unexplained = await retract(ratification.id, { reason: '   ' });
      assert.equal(unexplained.statusCode, 400);
      assert.deepEqual(
        json<Problem>(unexplained).errors?.map((error) => error.pointer),
        ['/reason'],
      );
      assert.equal((await retract(ratification.id, { reason: 'x' }, officer.headers)).statusCode, 403);
      for (const id of ['0198c5f4-0000-7000-8000-000000000000', 'not-a-record']) {
        const missing = await retract(id, { reason: 'x' });
        assert.equal(missing.statusCode, 404, id);
        assert.equal(json<Problem>(missing).type, 'urn:comity:problem:not-found');
      }

      const retracted = await retract(ratification.id, {
        reason: 'The depositary notification concerned Ireland.',
        source: 'C.N.123.2026.TREATIES',
      });
      assert.equal(retracted.statusCode, 200, retracted.body);
      const view = json<
        RecordView & {
          retraction: { reason: string; source: string | null; createdBy: { id: string } | null } | null;
        }
      >(retracted);
      assert.deepEqual(
        [view.retraction?.reason, view.retraction?.source, view.retraction?.createdBy?.id],
        ['The depositary notification concerned Ireland.', 'C.N.123.2026.TREATIES', administrator.userId],
      );
      assert.equal((await statusNow()).instruments.count, before.instruments.count - 1);
      // Still listed, with its retraction; and retracted once.
      assert.ok((await records()).some((record) => record.id === ratification.id));
      const again = await retract(ratification.id, { reason: 'Twice.' });
      assert.equal(again.statusCode, 409);
      assert.match(
        json<Problem>(again).detail ?? '',
        /already retracted on \d{4}-\d{2}-\d{2}: The depositary notification/,
      );

      // With the ratification retracted, its signature may go too; the two no longer count.
      assert.equal((await retract(signature.id, { reason: 'Entered for the wrong State.' })).statusCode, 200);
      assert.equal((await statusNow()).signatories.count, before.signatories.count - 1);
      // A retracted record is no step a new one rests on, nor a duplicate of it.
      const alone = await add('ratification', '2026-09-01');
      assert.equal(alone.statusCode, 400);
      assert.equal(json<Problem>(alone).errors?.[0]?.code, 'signature-first');
      // An import counts them no more than one record added.
      const imported = await importCsv(
        `${CSV_HEADER}\nIS,ratification,2026-09-01,UNTC status page,primary (depositary),`,
        administrator.headers,
      );
      assert.equal(imported.statusCode, 422, imported.body);
      assert.match(JSON.stringify(json(imported)), /IS has no signature recorded by 2026-09-01/);
      assert.equal((await add('signature', '2026-08-03')).statusCode, 201);
    });

    it('keeps a retracted record of the research retracted: the next seed does not add it again', async () => {
      const angola = (await records()).find(
        (record) => record.stateCode === 'AO' && record.origin === 'seed',
      );
      assert.ok(angola);
      const response = await subject.app.inject({
        method: 'POST',
        url: `/api/v1/treaty/records/${angola.id}/retraction`,
        headers: administrator.headers,
        payload: { reason: 'A test of the seed.' },
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(await seedTreatyRecords(subject.context), { inserted: 0, skippedCodes: [] });
      assert.equal((await records()).filter((record) => record.stateCode === 'AO').length, 1);
    });

    it('counts only what existed on the day asked: no signatory the day before the ceremony', async () => {
      const status = json<Status>(
        await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/status?asOf=2025-10-24' }),
      );
      assert.equal(status.signatories.count, 0);
      assert.equal(status.signatories.depositaryCount, null);
      assert.equal(status.instruments.count, 0);
      const after = json<Status>(
        await subject.app.inject({ method: 'GET', url: '/api/v1/treaty/status?asOf=2025-10-26' }),
      );
      assert.equal(after.signatories.depositaryCount, 72);
    });
  });
}
