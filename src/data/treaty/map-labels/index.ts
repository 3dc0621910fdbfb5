/**
 * The words of the treaty-status map (src/services/treaty-map.service.ts) in the six UN
 * languages: its heading and description, its legend, and the <title> of each country. Each file
 * has the same keys; `{{name}}` is filled in by mapText.
 */
import type { Locale } from '../../../core/i18n.ts';
import ar from './ar.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };
import zh from './zh.json' with { type: 'json' };

export type MapLabels = typeof en;

export const MAP_LABELS: Readonly<Record<Locale, MapLabels>> = { ar, zh, en, fr, ru, es };

/** A label with its {{placeholders}} filled; a placeholder with no value stays visible. */
export function mapText(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  return template.replaceAll(/\{\{(\w+)\}\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}
