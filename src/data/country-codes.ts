/**
 * ISO 3166 codes and English country names, from i18n-iso-countries without its other languages.
 * The package's main entry registers every language it ships (some 80: about 590 KB of JSON, parsed
 * and held for the node's whole life, a fifth of an idle node's strings); Comity needs the English
 * names and the code conversions here, and reads the six UN languages' names itself (states/).
 */
import countries from 'i18n-iso-countries/index.js';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(en);

export const countryCodes = countries;
