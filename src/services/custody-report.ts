/**
 * The custody report of an evidence export (custody-report.pdf, docs/evidence.md "What the folder
 * holds"): the package, the export, each item, the conditions of use and every custody event, as
 * labelled lines in the exporting user's language (src/data/custody-report-labels), for
 * renderReportPdf. Pure: the export service gives it what it has read and checked.
 */
import type { CustodyReportLabels } from '../data/custody-report-labels/index.ts';
import type { DocumentField } from '../document/document-model.ts';
import type { ReportModel } from '../document/render-pdf.ts';
import { type MomentWriting, writtenDateOrMoment, writtenMoment } from '../document/written-time.ts';
import type { CustodyFile, ExportIndex, SignerFile } from '../evidence/export-bundle.ts';
import type { EvidenceManifest } from '../evidence/package-manifest.ts';

/**
 * The custody report's content, in the labels' language. Every moment is written as that language
 * writes it, with the seconds and milliseconds custody.json holds and "UTC" (src/document/
 * written-time.ts, as the formal document does): a court reads "7 décembre 2026 à 20:04:11,123
 * UTC" and finds the same instant, to the millisecond, in the event its hash covers.
 */
export function custodyReport(
  labels: CustodyReportLabels,
  input: Readonly<{
    manifest: EvidenceManifest;
    signer: SignerFile;
    index: ExportIndex;
    custody: CustodyFile;
  }>,
): ReportModel {
  const { manifest, signer, index, custody } = input;
  const field = (label: string, value: string | null | undefined): DocumentField => ({
    label,
    value: value && value.length > 0 ? value : labels.notStated,
  });
  const yesNo = (value: boolean) => (value ? labels.yes : labels.no);
  const writing: MomentWriting = {
    language: labels.language,
    direction: labels.direction,
    zoneNotStated: labels.timeZoneNotStated,
  };
  const when = (moment: string) => writtenMoment(moment, undefined, writing);
  /** What the sender said (an item's "acquired when", a date): written out when it is a date or a moment. */
  const said = (text: string | null) => {
    const cleaned = text?.trim();
    return cleaned ? writtenDateOrMoment(cleaned, writing) : undefined;
  };
  return {
    language: labels.language,
    direction: labels.direction,
    heading: labels.heading,
    title: labels.title,
    footer: `${labels.footer} · ${labels.package} ${manifest.packageId}`,
    sections: [
      {
        label: labels.package,
        groups: [
          [
            field(labels.package, manifest.packageId),
            field(labels.request, manifest.request.id),
            field(labels.caseReference, manifest.request.caseReference),
            field(labels.sender, manifest.from),
            field(labels.recipientNode, manifest.to),
            field(labels.manifestCreatedAt, when(manifest.createdAt)),
            field(labels.signedBy, signer.nodeId),
            field(labels.keyId, signer.kid),
          ],
          [
            field(labels.exportedAt, when(index.exportedAt)),
            field(labels.exportedBy, index.exportedBy),
            field(labels.exportedFrom, index.exportedFrom),
            field(labels.reason, index.reason),
            field(
              labels.form,
              index.form === 'age' ? `${labels.forms.age}: ${index.recipient}` : labels.forms.decrypted,
            ),
          ],
        ],
      },
      {
        label: labels.items,
        groups: manifest.items.map((item) => {
          const file = index.items.find((entry) => entry.manifestItemId === item.id)?.file;
          return [
            field(labels.name, item.name),
            field(labels.file, file),
            field(labels.mediaType, item.mediaType),
            field(labels.size, `${item.sizeBytes} ${labels.bytes}`),
            field(labels.sha256, item.sha256),
            field(labels.description, item.description),
            field(labels.sensitive, yesNo(item.isSensitive)),
            field(labels.acquisition.what, item.acquisition.what),
            field(labels.acquisition.fromWhom, item.acquisition.fromWhom),
            field(labels.acquisition.when, said(item.acquisition.when)),
            field(labels.acquisition.how, item.acquisition.how),
            field(labels.acquisition.byWhom, item.acquisition.byWhom),
            field(labels.acquisition.legalBasis, item.acquisition.legalBasis),
          ];
        }),
      },
      {
        label: labels.conditions,
        groups: [
          [
            field(labels.limitedToRequestPurpose, yesNo(manifest.conditions.limitedToRequestPurpose)),
            field(labels.onwardTransferNeedsConsent, yesNo(manifest.conditions.onwardTransferNeedsConsent)),
            field(labels.confidentialUntil, said(manifest.conditions.confidentialUntil)),
            field(labels.conditionsNote, manifest.conditions.note),
          ],
        ],
      },
      {
        label: labels.custody,
        groups: custody.items.map((chain) => {
          const name = manifest.items.find((item) => item.id === chain.manifestItemId)?.name ?? chain.itemId;
          return [
            { label: undefined, value: `${labels.custodyOf} ${name}` },
            ...chain.events.map((event) => {
              const details = event.details as Record<string, unknown> | null;
              const reason = typeof details?.reason === 'string' ? ` — ${details.reason}` : '';
              return field(
                `${labels.event} ${event.sequence}`,
                `${when(event.at)} · ${labels.eventKinds[event.kind] ?? event.kind} · ${labels.by} ${event.actor.name}${reason}\n${labels.eventHash} ${event.hash}`,
              );
            }),
          ];
        }),
      },
      { label: labels.verification, groups: [[{ label: undefined, value: labels.verificationText }]] },
    ],
  };
}
