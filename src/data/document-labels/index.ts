/**
 * Loads the formal document's languages: every `<language>.json` in a folder (by default the
 * one beside this file), checked against DocumentLabelsSchema. A file that does not match, or
 * whose `language` is not its name, refuses the whole set: the node does not start with a
 * document language it would print with holes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type DocumentLabels,
  DocumentLabelsSchema,
  type DocumentLabelSet,
} from '../../core/document/document-labels.ts';

const LABELS_DIRECTORY = import.meta.dirname;

let cached: DocumentLabelSet | undefined;

/** The document languages shipped with Comity (cached). */
export function loadDocumentLabels(): DocumentLabelSet {
  cached ??= readDocumentLabels(LABELS_DIRECTORY);
  return cached;
}

/** Reads every `<language>.json` of a folder, in file-name order. */
export function readDocumentLabels(directory: string): DocumentLabelSet {
  const set = new Map<string, DocumentLabels>();
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const result = DocumentLabelsSchema.safeParse(
      JSON.parse(readFileSync(path.join(directory, file), 'utf8')),
    );
    if (!result.success) {
      const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new Error(`document labels ${file} do not match the schema: ${issues.join('; ')}`);
    }
    if (`${result.data.language}.json` !== file) {
      throw new Error(`document labels ${file} declare language "${result.data.language}"`);
    }
    set.set(result.data.language, result.data);
  }
  return set;
}
