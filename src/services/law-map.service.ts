/**
 * The domestic law map (docs/case-lifecycle.md, "Dual criminality"): this node's domestic
 * provisions (citation, title, maximum penalty) and the Convention offences of Arts. 7-17 each
 * implements. Screening reads it to flag dual criminality; the compliance view lists the
 * Convention offences no provision implements, for the State's implementation reporting (CSV and
 * JSON). Operators use it through `comity law`; legal reviewers and administrators through the API.
 */
import { z } from 'zod';
import { AppError, type AppErrorDetail } from '../core/errors.ts';
import type { LocalizedText } from '../core/i18n.ts';
import type { LawMapCoverage } from '../core/screening/screening.ts';
import type { AppContext } from '../app-context.ts';
import { readCsvRows } from '../data/treaty/csv-rows.ts';
import {
  deleteProvision,
  listProvisions,
  type StoredProvision,
  upsertProvision,
} from '../storage/law-map.repository.ts';

export type ProvisionView = Readonly<{
  id: string;
  citation: string;
  title: string;
  maximumPenalty: string;
  offences: string[];
  updatedAt: string;
}>;

export const ProvisionInputSchema = z
  .object({
    citation: z.string().trim().min(1, 'give the provision’s citation').max(200),
    title: z.string().trim().min(1, 'give the provision’s title').max(500),
    maximumPenalty: z.string().trim().max(200).default(''),
    offences: z
      .array(z.string().regex(/^art-\d+$/, 'a Convention offence id, e.g. art-7'))
      .max(20)
      .default([]),
  })
  .strict();
export type ProvisionInput = z.input<typeof ProvisionInputSchema>;

function viewOf(provision: StoredProvision): ProvisionView {
  return { ...provision, offences: [...provision.offences], updatedAt: provision.updatedAt.toISOString() };
}

export async function listLawMap(context: AppContext): Promise<ProvisionView[]> {
  return (await listProvisions(context.db)).map(viewOf);
}

/** The Convention offences that have at least one domestic provision. */
export async function lawMapCoverage(context: AppContext): Promise<LawMapCoverage> {
  return new Set((await listProvisions(context.db)).flatMap((provision) => provision.offences));
}

function checked(context: AppContext, input: unknown, path = 'body'): z.output<typeof ProvisionInputSchema> {
  const parsed = ProvisionInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError(
      'invalid-input',
      'the provision is not valid',
      parsed.error.issues.map((issue) => ({ path: [path, ...issue.path].join('.'), message: issue.message })),
    );
  }
  const known = new Set(context.catalogue.offences.map((offence) => offence.id));
  const unknown = parsed.data.offences.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError('invalid-input', `the catalogue has no Convention offence ${unknown.join(', ')}`, [
      { path: `${path}.offences`, message: `known: ${[...known].join(', ')}` },
    ]);
  }
  return { ...parsed.data, offences: [...new Set(parsed.data.offences)] };
}

/** Adds a provision, or replaces the one with the same citation. */
export async function addProvision(context: AppContext, input: unknown): Promise<ProvisionView> {
  return viewOf(await upsertProvision(context.db, checked(context, input), context.now()));
}

/** Removes a provision by id or by citation; not-found when there is none. */
export async function removeProvision(context: AppContext, idOrCitation: string): Promise<void> {
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrCitation);
  const existed = await deleteProvision(context.db, idOrCitation, isId);
  if (!existed) throw new AppError('not-found', `the law map has no provision ${idOrCitation}`);
}

/**
 * Imports provisions from a JSON array (of { citation, title, maximumPenalty, offences }) or a CSV
 * file (columns citation, title, maximum_penalty, offences; offences separated by spaces or ";").
 * Either every provision is valid and all are stored, or none is (import-rejected, with each error).
 */
export async function importProvisions(
  context: AppContext,
  text: string,
  format: 'json' | 'csv',
): Promise<ProvisionView[]> {
  const inputs: unknown[] = [];
  const errors: AppErrorDetail[] = [];
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AppError('import-rejected', `the file is not JSON: ${(error as Error).message}`);
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { provisions?: unknown })?.provisions;
    if (!Array.isArray(list)) throw new AppError('import-rejected', 'expected a JSON array of provisions');
    inputs.push(...list);
  } else {
    const { rows, errors: csvErrors } = readCsvRows(text);
    errors.push(...csvErrors);
    for (const row of rows) {
      inputs.push({
        citation: row.fields.citation ?? '',
        title: row.fields.title ?? '',
        maximumPenalty: row.fields.maximum_penalty ?? '',
        offences: (row.fields.offences ?? '').split(/[;\s]+/).filter(Boolean),
      });
    }
  }
  const valid: z.output<typeof ProvisionInputSchema>[] = [];
  inputs.forEach((input, index) => {
    try {
      valid.push(checked(context, input, `provisions.${index}`));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const line = format === 'csv' ? index + 2 : undefined;
      for (const detail of error.details.length ? error.details : [{ message: error.message }]) {
        errors.push({ ...(line ? { line } : {}), ...detail, message: `${error.message}: ${detail.message}` });
      }
    }
  });
  if (errors.length > 0)
    throw new AppError('import-rejected', 'the file has errors; nothing was imported', errors);
  const at = context.now();
  const stored = await context.db.transaction().execute(async (trx) => {
    const written: StoredProvision[] = [];
    for (const input of valid) written.push(await upsertProvision(trx, input, at));
    return written;
  });
  return stored.map(viewOf);
}

export type ComplianceOffence = Readonly<{
  id: string;
  article: number;
  title: LocalizedText;
  verified: boolean;
  provisions: string[];
  implemented: boolean;
}>;

export type ComplianceView = Readonly<{
  generatedAt: string;
  catalogueVersion: string;
  offences: ComplianceOffence[];
  /** The Convention offences no domestic provision implements. */
  missing: string[];
}>;

/** Which Convention offences (Arts. 7-17) the law map implements, and which it lacks. */
export async function complianceOf(context: AppContext): Promise<ComplianceView> {
  const provisions = await listProvisions(context.db);
  const offences = context.catalogue.offences.map((offence) => {
    const implementing = provisions.filter((p) => p.offences.includes(offence.id)).map((p) => p.citation);
    return {
      id: offence.id,
      article: offence.article,
      title: offence.title,
      verified: offence.provenance.verified,
      provisions: implementing,
      implemented: implementing.length > 0,
    };
  });
  return {
    generatedAt: context.now().toISOString(),
    catalogueVersion: context.catalogue.version,
    offences,
    missing: offences.filter((offence) => !offence.implemented).map((offence) => offence.id),
  };
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The compliance view as CSV: one line per Convention offence (English titles). */
export function complianceCsv(view: ComplianceView): string {
  const lines = [['offence', 'article', 'title', 'implemented', 'provisions'].join(',')];
  for (const offence of view.offences) {
    lines.push(
      [
        offence.id,
        String(offence.article),
        offence.title.en,
        offence.implemented ? 'yes' : 'no',
        offence.provisions.join('; '),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
