/**
 * A State's name from its code where the directory's names are not at hand (src/core/i18n.ts,
 * regionNameOf): the header of a node's sign-in page names its State, not "FR".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { regionNameOf } from '../../src/core/i18n.ts';

describe("a State's name from its code, in the UI language", () => {
  it('names a State and the European Union in each language, whatever the case of the code', () => {
    assert.equal(regionNameOf('FR', 'en'), 'France');
    assert.equal(regionNameOf('fr', 'es'), 'Francia');
    assert.equal(regionNameOf('FR', 'ar'), 'فرنسا');
    assert.equal(regionNameOf('DE', 'zh'), '德国');
    assert.equal(regionNameOf('EU', 'fr'), 'Union européenne');
    assert.equal(regionNameOf('BR', 'ru'), 'Бразилия');
  });

  it('keeps the code when it names no region: unknown, the unknown region, or not two letters', () => {
    assert.equal(regionNameOf('QQ', 'en'), 'QQ');
    assert.equal(regionNameOf('ZZ', 'fr'), 'ZZ');
    assert.equal(regionNameOf('FRA', 'en'), 'FRA');
    assert.equal(regionNameOf('', 'en'), '');
  });
});
