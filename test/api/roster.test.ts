/**
 * The duty roster API: supervisors and administrators put people on duty (wall-clock times in the
 * node's time zone, UTC here: the node has no State), everyone with incoming work reads who is on
 * duty and who comes next, and bad input is refused with problem+json and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { type ActingAs, asRole, createUser } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { createClock } from './delivery-fixture.ts';

type Person = { id: string; username: string };
type Roster = {
  timeZone: string;
  nowLocal: string;
  onDuty: Person[];
  next: Person | null;
  shifts: { id: string; user: Person; startsAt: string; startsLocal: string }[];
};

for (const target of DATABASE_TARGETS) {
  describe(`duty roster API [${target.name}]`, { skip: target.skip }, () => {
    const clock = createClock(Date.parse('2026-12-24T10:00:00Z'));
    let subject: TestApp;
    let supervisor: ActingAs;
    let duty: ActingAs;
    let officer: ActingAs;
    let ana: { username: string; id: string };
    let bo: { username: string; id: string };

    before(async () => {
      subject = await startTestApp(target, { now: clock.now });
      supervisor = await asRole(subject, 'supervisor');
      duty = await asRole(subject, 'duty-officer');
      officer = await asRole(subject, 'officer');
      ana = await createUser(subject, { roles: ['duty-officer'] });
      bo = await createUser(subject, { roles: ['duty-officer'] });
    });

    after(async () => {
      await subject?.close();
    });

    async function roster(as: ActingAs = duty): Promise<Roster> {
      const response = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/roster',
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<Roster>(response);
    }

    function addShift(as: ActingAs, payload: Record<string, string>) {
      return subject.app.inject({
        method: 'POST',
        url: '/api/v1/roster/shifts',
        headers: as.headers,
        payload,
      });
    }

    it('a supervisor puts people on duty; everyone with incoming work sees who is on duty now and next', async () => {
      const added = await addShift(supervisor, {
        username: ana.username,
        start: '2026-12-24T08:00',
        end: '2026-12-24T16:00',
      });
      assert.equal(added.statusCode, 201, added.body);
      assert.equal(json<{ startsAt: string }>(added).startsAt, '2026-12-24T08:00:00.000Z');
      const later = await addShift(supervisor, {
        username: bo.username,
        start: '2026-12-24T16:00',
        end: '2026-12-25T00:00',
      });
      assert.equal(later.statusCode, 201, later.body);

      const seen = await roster();
      assert.equal(seen.timeZone, 'UTC');
      assert.equal(seen.nowLocal, '2026-12-24T10:00');
      assert.deepEqual(
        seen.onDuty.map((person) => person.username),
        [ana.username],
      );
      assert.equal(seen.next?.username, bo.username);
      assert.deepEqual(
        seen.shifts.map((shift) => shift.startsLocal),
        ['2026-12-24T08:00', '2026-12-24T16:00'],
      );

      clock.advance(6 * 3_600_000);
      assert.deepEqual(
        (await roster()).onDuty.map((person) => person.username),
        [bo.username],
      );
      clock.advance(-6 * 3_600_000);
    });

    it('refuses bad shifts with problem+json and stores nothing, and a period to read that is no real instant', async () => {
      const before = await roster();
      const cases: [Record<string, string>, number, string][] = [
        [
          { username: ana.username, start: '24/12/2026 08:00', end: '2026-12-24T09:00' },
          400,
          'invalid-input',
        ],
        [
          { username: ana.username, start: '2026-12-26T10:00', end: '2026-12-26T09:00' },
          400,
          'invalid-input',
        ],
        [
          { username: ana.username, start: '2026-12-26T00:00', end: '2026-12-30T00:00' },
          400,
          'invalid-input',
        ],
        [
          { username: 'nobody-here', start: '2026-12-26T08:00', end: '2026-12-26T09:00' },
          400,
          'invalid-input',
        ],
        [{ username: ana.username, start: '2026-12-26T08:00' }, 400, 'invalid-input'],
        [{ username: ana.username, start: '2026-12-24T15:00', end: '2026-12-24T18:00' }, 409, 'conflict'],
      ];
      for (const [payload, status, code] of cases) {
        const response = await addShift(supervisor, payload);
        assert.equal(response.statusCode, status, `${JSON.stringify(payload)}: ${response.body}`);
        assert.match(String(response.headers['content-type']), /application\/problem\+json/);
        assert.equal(json<{ type: string }>(response).type, `urn:comity:problem:${code}`);
      }
      assert.deepEqual(await roster(), before);
      // The period read: an instant on a day that exists, with its offset.
      for (const from of ['2026-02-30T00:00:00Z', 'garbage', '2026-03-01T00:00:00']) {
        const response = await subject.app.inject({
          method: 'GET',
          url: `/api/v1/roster?from=${encodeURIComponent(from)}`,
          headers: duty.headers,
        });
        assert.equal(response.statusCode, 400, `${from}: ${response.body}`);
        assert.equal(json<{ type: string }>(response).type, 'urn:comity:problem:invalid-input');
      }
      const fine = await subject.app.inject({
        method: 'GET',
        url: `/api/v1/roster?from=${encodeURIComponent('2026-03-01T00:00:00+01:00')}`,
        headers: duty.headers,
      });
      assert.equal(fine.statusCode, 200, fine.body);
    });

    it('only supervisors and administrators change the roster; officers without incoming work do not read it', async () => {
      const byDuty = await addShift(duty, {
        username: ana.username,
        start: '2026-12-27T08:00',
        end: '2026-12-27T09:00',
      });
      assert.equal(byDuty.statusCode, 403);
      const read = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/roster',
        headers: officer.headers,
      });
      assert.equal(read.statusCode, 403);
      const shiftId = (await roster()).shifts[1]?.id;
      const removedByDuty = await subject.app.inject({
        method: 'DELETE',
        url: `/api/v1/roster/shifts/${shiftId}`,
        headers: duty.headers,
      });
      assert.equal(removedByDuty.statusCode, 403);
      const removed = await subject.app.inject({
        method: 'DELETE',
        url: `/api/v1/roster/shifts/${shiftId}`,
        headers: supervisor.headers,
      });
      assert.equal(removed.statusCode, 204);
      assert.equal((await roster()).shifts.length, 1);
      const again = await subject.app.inject({
        method: 'DELETE',
        url: `/api/v1/roster/shifts/${shiftId}`,
        headers: supervisor.headers,
      });
      assert.equal(again.statusCode, 404);
    });

    it('the outgoing officer leaves a handover note for the next person on the roster', async () => {
      const again = await addShift(supervisor, {
        username: bo.username,
        start: '2026-12-24T16:00',
        end: '2026-12-25T00:00',
      });
      assert.equal(again.statusCode, 201, again.body);
      const writeNote = (as: ActingAs, body: string) =>
        subject.app.inject({
          method: 'POST',
          url: '/api/v1/roster/handover-notes',
          headers: as.headers,
          payload: { body },
        });
      const readNotes = async (as: ActingAs) => {
        const response = await subject.app.inject({
          method: 'GET',
          url: '/api/v1/roster/handover-notes',
          headers: as.headers,
        });
        assert.equal(response.statusCode, 200, response.body);
        return json<{ items: { body: string; forUser: Person | null; author: Person }[] }>(response).items;
      };
      assert.equal((await writeNote(duty, '   ')).statusCode, 400);
      const written = await writeNote(duty, 'The DE preservation request waits for the provider.');
      assert.equal(written.statusCode, 201, written.body);
      const items = await readNotes(duty);
      assert.equal(items.length, 1);
      assert.equal(items[0]?.forUser?.username, bo.username);
      assert.equal(items[0]?.author.id, duty.userId);
      // An auditor reads the notes and writes none: oversight changes nothing.
      const auditor = await asRole(subject, 'auditor');
      const byAuditor = await writeNote(auditor, 'An auditor was here.');
      assert.equal(byAuditor.statusCode, 403, byAuditor.body);
      assert.equal((await readNotes(auditor)).length, 1, 'nothing was written');
    });
  });
}
