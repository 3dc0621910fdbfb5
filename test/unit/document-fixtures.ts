/**
 * A small catalogue and sample requests for the formal-document tests, independent of the real
 * catalogue data (which lawyers edit): the tests check how the document is built, not the law.
 */
import { type Catalogue, CatalogueSchema } from '../../src/core/catalogue/catalogue.ts';
import type { LocalizedText } from '../../src/core/i18n.ts';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { loadDocumentLabels } from '../../src/data/document-labels/index.ts';
import {
  buildDocumentModel,
  type DocumentModel,
  type DocumentOptions,
  type DocumentVersion,
} from '../../src/document/document-model.ts';

const text = (en: string, others: Partial<LocalizedText> = {}): LocalizedText => ({
  ar: others.ar ?? `${en} (ar)`,
  zh: others.zh ?? `${en} (zh)`,
  en,
  fr: others.fr ?? `${en} (fr)`,
  ru: others.ru ?? `${en} (ru)`,
  es: others.es ?? `${en} (es)`,
});

const provenance = { sources: ['T1'], verified: false, confidence: 'high' as const };

const element = (id: string, label: LocalizedText) => ({ id, label, help: text(`Help for ${id}`) });

export const FIXTURE_CATALOGUE: Catalogue = CatalogueSchema.parse({
  version: '9.9.9-test',
  reviewedOn: '2026-11-28',
  sources: [{ id: 'T1', title: 'Test source' }],
  definitions: [],
  elements: [
    element(
      'requesting-authority',
      text('Requesting authority', {
        ar: 'السلطة الطالبة',
        zh: '请求机关',
        fr: 'Autorité requérante',
        ru: 'Запрашивающий орган',
        es: 'Autoridad requirente',
      }),
    ),
    element(
      'offences',
      text('Offence', { ar: 'الجريمة', zh: '犯罪', fr: 'Infraction', ru: 'Преступление', es: 'Delito' }),
    ),
    element(
      'summary-of-facts',
      text('Summary of facts', {
        ar: 'ملخص الوقائع',
        zh: '案情摘要',
        fr: 'Résumé des faits',
        ru: 'Краткое изложение фактов',
        es: 'Resumen de los hechos',
      }),
    ),
    element(
      'identifiers',
      text('Identifiers', {
        ar: 'المعرّفات',
        zh: '标识符',
        fr: 'Identifiants',
        ru: 'Идентификаторы',
        es: 'Identificadores',
      }),
    ),
    element(
      'data-sought',
      text('Data to be preserved', {
        ar: 'البيانات المطلوب حفظها',
        zh: '需保全的数据',
        fr: 'Données à conserver',
        ru: 'Данные, подлежащие сохранению',
        es: 'Datos que deben conservarse',
      }),
    ),
    element(
      'custodian',
      text('Custodian of the data', {
        ar: 'الجهة الحائزة للبيانات',
        zh: '数据保管人',
        fr: 'Détenteur des données',
        ru: 'Держатель данных',
        es: 'Custodio de los datos',
      }),
    ),
    element(
      'necessity',
      text('Necessity of preservation', {
        ar: 'ضرورة الحفظ',
        zh: '保全的必要性',
        fr: 'Nécessité de la conservation',
        ru: 'Необходимость сохранения',
        es: 'Necesidad de la conservación',
      }),
    ),
    element(
      'intent-to-request-assistance',
      text('Intent to request assistance', {
        ar: 'نية تقديم طلب مساعدة',
        zh: '拟提出协助请求',
        fr: "Intention de demander l'entraide",
        ru: 'Намерение направить запрос о помощи',
        es: 'Intención de solicitar asistencia',
      }),
    ),
    element(
      'preservation-period',
      text('Preservation period', {
        ar: 'مدة الحفظ',
        zh: '保全期限',
        fr: 'Durée de conservation',
        ru: 'Срок сохранения',
        es: 'Plazo de conservación',
      }),
    ),
    element(
      'persons-concerned',
      text('Persons concerned', {
        ar: 'الأشخاص المعنيون',
        zh: '相关人员',
        fr: 'Personnes concernées',
        ru: 'Затрагиваемые лица',
        es: 'Personas afectadas',
      }),
    ),
  ],
  requestTypes: [
    {
      id: 'preservation',
      article: 42,
      title: text('Expedited preservation of stored electronic data', {
        ar: 'الحفظ العاجل للبيانات الإلكترونية المخزنة',
        zh: '快速保全所存储的电子数据',
        fr: 'Conservation rapide de données électroniques stockées',
        ru: 'Оперативное обеспечение сохранности хранимых электронных данных',
        es: 'Conservación rápida de datos electrónicos almacenados',
      }),
      explanation: text('Preservation of data pending a request for assistance.'),
      channel: 'point-of-contact',
      elements: [
        { element: 'requesting-authority', article: 42, paragraph: '3(a)', requirement: 'required' },
        { element: 'offences', article: 42, paragraph: '3(b)', requirement: 'required' },
        { element: 'summary-of-facts', article: 42, paragraph: '3(b)', requirement: 'required' },
        { element: 'data-sought', article: 42, paragraph: '3(c)', requirement: 'required' },
        { element: 'identifiers', article: 42, paragraph: '3(c)', requirement: 'where-possible' },
        { element: 'custodian', article: 42, paragraph: '3(d)', requirement: 'where-possible' },
        { element: 'necessity', article: 42, paragraph: '3(e)', requirement: 'required' },
        { element: 'intent-to-request-assistance', article: 42, paragraph: '3(f)', requirement: 'required' },
        { element: 'preservation-period', article: 42, paragraph: '8', requirement: 'optional' },
      ],
      rules: [],
      provenance,
    },
  ],
  offences: [
    {
      id: 'art-7',
      article: 7,
      title: text('Illegal access', {
        ar: 'الدخول غير المشروع',
        zh: '非法访问',
        fr: 'Accès illicite',
        ru: 'Незаконный доступ',
        es: 'Acceso ilícito',
      }),
      explanation: text('Access to an ICT system without right.'),
      elements: [text('Intentional access without right')],
      provenance,
    },
  ],
  rules: [],
  refusalGrounds: [],
});

/** A preservation request with every element of the fixture type filled in. */
export function samplePreservation(overrides: Partial<RequestContent> = {}): RequestContent {
  return {
    type: 'preservation',
    caseReference: 'PR/2026/0042',
    language: 'en',
    requestingAuthority: {
      state: 'FR',
      name: 'Parquet de Paris, section cyber',
      contact: 'cyber@example.org',
    },
    requestedAuthority: { state: 'RU' },
    offences: [{ conventionArticle: 7, domesticProvision: 'Code pénal, art. 323-1', maximumPenaltyYears: 3 }],
    summaryOfFacts: 'A server of a hospital was entered on 2026-03-01 and patient files were copied.',
    identifiers: [
      {
        kind: 'ip-address',
        value: '203.0.113.7',
        port: 51234,
        observedAt: '2026-03-01T10:15:00',
        timeZone: 'Europe/Paris',
      },
      { kind: 'email', value: 'intruder@example.net' },
    ],
    dataSought: {
      categories: ['subscriber', 'traffic'],
      description: 'Subscriber and connection logs of the address.',
    },
    custodian: { name: 'Example Hosting', kind: 'service-provider', state: 'RU' },
    necessity: 'Logs are kept for 30 days only.',
    intendsFollowUpRequest: true,
    preservationDays: 90,
    ...overrides,
  };
}

/** The document of a content with the node's shipped document languages (src/data/document-labels). */
export function buildDocument(
  content: RequestContent,
  catalogue: Catalogue,
  languages: readonly string[],
  options: Omit<DocumentOptions, 'labels'> = {},
): DocumentModel {
  return buildDocumentModel(content, catalogue, languages, { labels: loadDocumentLabels(), ...options });
}

/** The version of a document in one language. */
export function versionIn(model: DocumentModel, language: string): DocumentVersion {
  const version = model.versions.find((candidate) => candidate.language === language);
  if (!version) throw new Error(`no ${language} version`);
  return version;
}
