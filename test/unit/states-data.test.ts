import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LOCALES } from '../../src/core/i18n.ts';
import { isIanaTimeZone } from '../../src/core/validation/time-format.ts';
import { loadStateSeeds, seedDirectoryView } from '../../src/data/states/index.ts';

const seeds = loadStateSeeds();
const byCode = new Map(seeds.map((seed) => [seed.code, seed]));
const designationsFile = JSON.parse(
  readFileSync(new URL('../../src/data/states/designations.json', import.meta.url), 'utf8'),
) as { states: Record<string, unknown> };

const SCRIPTS = {
  ar: /\p{Script=Arabic}/u,
  zh: /\p{Script=Han}/u,
  en: /\p{Script=Latin}/u,
  fr: /\p{Script=Latin}/u,
  ru: /\p{Script=Cyrillic}/u,
  es: /\p{Script=Latin}/u,
} as const;

describe('directory reference data (src/data/states)', () => {
  it('holds exactly the 193 UN Member States, the European Union and the two observer States', () => {
    assert.equal(seeds.filter((seed) => seed.isUnMember).length, 193);
    assert.equal(seeds.length, 196);
    assert.equal(new Set(seeds.map((seed) => seed.code)).size, 196);
    const others = seeds.filter((seed) => !seed.isUnMember).map((seed) => seed.code);
    assert.deepEqual(others.sort(), ['EU', 'PS', 'VA']);
    assert.ok(seeds.filter((seed) => seed.isUnMember).every((seed) => seed.kind === 'state'));
  });

  it('describes the European Union as an organization and Palestine and the Holy See as observer States', () => {
    assert.equal(byCode.get('EU')?.kind, 'organization');
    assert.equal(byCode.get('EU')?.names.en, 'European Union');
    assert.equal(byCode.get('EU')?.iso3, null);
    for (const code of ['PS', 'VA']) {
      const seed = byCode.get(code);
      assert.equal(seed?.kind, 'state', code);
      assert.equal(seed?.isUnMember, false, code);
      assert.equal(seed?.note, 'observer State', code);
    }
  });

  it('names every entry in the six languages, each in its script', () => {
    for (const seed of seeds) {
      for (const locale of LOCALES) {
        const name = seed.names[locale];
        assert.ok(name && name.trim().length > 0, `${seed.code} has no ${locale} name`);
        assert.match(
          name,
          SCRIPTS[locale],
          `${seed.code} ${locale} name "${name}" is not in the expected script`,
        );
      }
    }
  });

  it('gives UN Member States their ISO alpha-3 and numeric codes', () => {
    assert.equal(byCode.get('AZ')?.iso3, 'AZE');
    assert.equal(byCode.get('AZ')?.numericCode, '031');
    for (const seed of seeds.filter((entry) => entry.isUnMember)) {
      assert.match(seed.iso3 ?? '', /^[A-Z]{3}$/, seed.code);
      assert.match(seed.numericCode ?? '', /^\d{3}$/, seed.code);
    }
  });

  it("gives every entry a valid IANA time zone by default: the State's own zone or its capital's", () => {
    for (const seed of seeds) {
      assert.ok(
        seed.profile.timeZone && isIanaTimeZone(seed.profile.timeZone),
        `${seed.code}: ${seed.profile.timeZone}`,
      );
    }
    assert.equal(byCode.get('AZ')?.profile.timeZone, 'Asia/Baku');
    assert.equal(byCode.get('US')?.profile.timeZone, 'America/New_York');
    assert.equal(byCode.get('RU')?.profile.timeZone, 'Europe/Moscow');
    assert.equal(byCode.get('SE')?.profile.timeZone, 'Europe/Stockholm');
    assert.equal(byCode.get('EU')?.profile.timeZone, 'Europe/Brussels');
  });

  it("records Azerbaijan's designations with source S15", () => {
    const profile = byCode.get('AZ')?.profile;
    assert.match(profile?.centralAuthority?.name ?? '', /State Security Service/);
    assert.match(profile?.pointOfContact?.name ?? '', /State Security Service/);
    assert.match(profile?.extraditionAuthority?.name ?? '', /Ministry of Justice/);
    for (const designation of [
      profile?.centralAuthority,
      profile?.pointOfContact,
      profile?.extraditionAuthority,
    ]) {
      assert.match(designation?.source ?? '', /\[S15\]/);
      assert.match(designation?.source ?? '', /https:\/\//);
      assert.equal(designation?.evidence, 'secondary');
    }
    assert.equal(profile?.acceptedLanguages, undefined, 'S15 says nothing of languages');
  });

  it('invents nothing: a State absent from designations.json has no designation, declaration or note', () => {
    for (const seed of seeds.filter((entry) => !(entry.code in designationsFile.states))) {
      const {
        centralAuthority,
        pointOfContact,
        extraditionAuthority,
        acceptedLanguages,
        declarations,
        note,
      } = seed.profile;
      assert.deepEqual(
        { centralAuthority, pointOfContact, extraditionAuthority, acceptedLanguages, note },
        {
          centralAuthority: undefined,
          pointOfContact: undefined,
          extraditionAuthority: undefined,
          acceptedLanguages: undefined,
          note: undefined,
        },
        seed.code,
      );
      assert.deepEqual(declarations, [], seed.code);
    }
  });

  it('gives no State accepted languages without a source', () => {
    for (const seed of seeds) {
      if (seed.profile.acceptedLanguages !== undefined) {
        assert.ok(
          seed.profile.acceptedLanguagesSource,
          `${seed.code} has accepted languages without a source`,
        );
      }
    }
  });

  it('builds the offline directory view validation uses', () => {
    const view = seedDirectoryView();
    const azerbaijan = view.findState('az');
    assert.equal(azerbaijan?.code, 'AZ');
    assert.equal(azerbaijan?.acceptedLanguages, undefined);
    assert.equal(azerbaijan?.timeZone, 'Asia/Baku');
    assert.equal(view.findState('EU')?.kind, 'organization');
    assert.equal(view.findState('XX'), undefined);
  });
});
