import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLanguageTag, StateProfileSchema } from '../../src/core/directory/state-profile.ts';
import { isIanaTimeZone } from '../../src/core/validation/time-format.ts';

const designation = {
  name: 'Ministry of Justice',
  source: 'Official gazette no. 1',
  evidence: 'primary',
} as const;

describe('State profile schema', () => {
  it('accepts a complete profile and defaults declarations to none', () => {
    const parsed = StateProfileSchema.parse({
      centralAuthority: {
        ...designation,
        unit: 'International cooperation',
        email: 'mla@example.org',
        phone: '+1 555 0100',
      },
      pointOfContact: { ...designation, hours: '24/7' },
      extraditionAuthority: designation,
      acceptedLanguages: ['en', 'fr', 'zh-Hans'],
      acceptedLanguagesSource: 'Notification at deposit',
      timeZone: 'Asia/Baku',
      serviceLevel: { acknowledgeWithinHours: 8 },
    });
    assert.deepEqual(parsed.declarations, []);
    assert.equal(parsed.timeZone, 'Asia/Baku');
  });

  it('accepts a declaration citing an article and paragraph', () => {
    const parsed = StateProfileSchema.parse({
      declarations: [
        {
          article: 40,
          paragraph: '14',
          kind: 'notification',
          summary: 'Languages: English',
          date: '2026-02-23',
          source: 'x',
        },
      ],
    });
    assert.equal(parsed.declarations[0]?.article, 40);
  });

  it('refuses what is not an IANA zone, a BCP 47 tag, or a known field', () => {
    assert.equal(StateProfileSchema.safeParse({ timeZone: 'Mars/Olympus' }).success, false);
    assert.equal(StateProfileSchema.safeParse({ timeZone: 'GMT+4 (Baku)' }).success, false);
    assert.equal(StateProfileSchema.safeParse({ acceptedLanguages: ['English'] }).success, false);
    assert.equal(StateProfileSchema.safeParse({ acceptedLanguages: ['en_US'] }).success, false);
    assert.equal(
      StateProfileSchema.safeParse({ acceptedLanguages: [] }).success,
      false,
      'empty is not "unknown"',
    );
    assert.equal(StateProfileSchema.safeParse({ languages: ['en'] }).success, false);
    assert.equal(
      StateProfileSchema.safeParse({ centralAuthority: { name: 'X', evidence: 'primary' } }).success,
      false,
    );
    assert.equal(
      StateProfileSchema.safeParse({ centralAuthority: { ...designation, evidence: 'rumour' } }).success,
      false,
    );
    assert.equal(
      StateProfileSchema.safeParse({
        declarations: [{ article: 99, kind: 'reservation', summary: 's', source: 'x' }],
      }).success,
      false,
    );
  });

  it('recognises time zones and language tags', () => {
    assert.ok(isIanaTimeZone('Europe/Paris'));
    assert.ok(isIanaTimeZone('America/Argentina/Buenos_Aires'));
    assert.ok(!isIanaTimeZone(''));
    assert.ok(!isIanaTimeZone('Nowhere/City'));
    assert.ok(isLanguageTag('ar'));
    assert.ok(isLanguageTag('pt-BR'));
    assert.ok(!isLanguageTag('a'));
    assert.ok(!isLanguageTag('fr-'));
  });
});
