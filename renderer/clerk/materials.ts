/**
 * The counter's materials checklist as data: what the assistant ticks per material of a service item
 * (provided, how: 原件/复印件/电子证照/扫描件/电子文件, attached files) and how that becomes the
 * application's `materials[]`. Shared by 新建代办 and the 补正 editor (components/MaterialsChecklist.vue).
 */
import type { ApplicationDoc, AttachmentSource, MaterialRequirement } from '../../sync/protocol';
import type { AttachmentRefOut } from '../../preload/contract/attachment-calls';
import { stationWords } from '../i18n/station';

/** An attached file as the checklist keeps it: main's reference, and how it came (absent: a file). */
export type MaterialFile = AttachmentRefOut & { source?: AttachmentSource };

export type Origin = 'paper_original' | 'paper_copy' | 'e_license' | 'scan' | 'upload';
export const ORIGINS: readonly Origin[] = ['paper_original', 'paper_copy', 'e_license', 'scan', 'upload'];
export const FILE_TYPES = ['image/png', 'image/jpeg', 'application/pdf'] as const;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** At most this many files per material (the protocol's bound). */
export const MAX_FILES = 20;

export interface MaterialState {
  provided: boolean;
  origin: Origin;
  files: MaterialFile[];
  /** Last message of the file picker (Chinese), or ''. */
  message: string;
  busy: boolean;
  /** origin `e_license`: the licence found by a lookup (its file is `files[0]`). */
  licence?: { id: string; typeCode: string };
}

export type MaterialsState = Record<string, MaterialState>;
type Provided = ApplicationDoc['materials'][number];

export const takesFiles = (o: Origin): boolean => o === 'scan' || o === 'upload';

/** The note stored on the application for each origin (data: in the station's language). */
const note = (o: Origin): string => stationWords(`clerk.newCase.materialNote.${o}`);

/** The checklist's state for a service item, from what an application already says (if anything). */
export function initialMaterials(items: readonly MaterialRequirement[], existing: readonly Provided[] = []): MaterialsState {
  return Object.fromEntries(
    items.map((m) => {
      const had = existing.find((e) => e.code === m.code);
      if (!had) return [m.code, { provided: false, origin: m.originals > 0 ? 'paper_original' : 'paper_copy', files: [], message: '', busy: false }];
      const origin: Origin = had.origin === 'paper' ? (had.note === note('paper_copy') ? 'paper_copy' : 'paper_original') : had.origin;
      const files = had.attachments.map((a) => ({ sha256: a.sha256, size: a.size, mimeType: a.mimeType, ...(a.fileName ? { fileName: a.fileName } : {}), ...(a.source ? { source: a.source } : {}) }) as MaterialFile);
      return [m.code, { provided: had.provided, origin, files, message: '', busy: false, ...(had.licence ? { licence: had.licence } : {}) }];
    }),
  );
}

/** The application's `materials[]` for the checklist's state. */
export function materialsOut(items: readonly MaterialRequirement[], state: MaterialsState): ApplicationDoc['materials'] {
  return items.map((m) => {
    const s: Pick<MaterialState, 'provided' | 'origin' | 'files' | 'licence'> = state[m.code] ?? { provided: false, origin: 'paper_copy' as Origin, files: [] };
    const origin = s.origin === 'paper_original' || s.origin === 'paper_copy' ? 'paper' : s.origin;
    // An e-licence found by a lookup carries its file; one ticked by hand has none.
    const licence = s.origin === 'e_license' ? s.licence : undefined;
    const attachments = takesFiles(s.origin) || licence ? s.files.slice(0, MAX_FILES).map((f) => ({ sha256: f.sha256, size: f.size, mimeType: f.mimeType, ...(f.fileName ? { fileName: f.fileName } : {}), ...(f.source ? { source: f.source } : {}) })) : [];
    return { code: m.code, name: m.name, provided: s.provided, origin, attachments, note: note(s.origin), ...(licence ? { licence } : {}) };
  });
}

/** The checklist with the materials an e-licence lookup satisfied (renderer/licences/materials.ts) ticked as e-licences. */
export function withLicences(state: MaterialsState, satisfied: readonly { material: MaterialRequirement; licence: { id: string; typeCode: string; attachment: AttachmentRefOut } }[]): MaterialsState {
  const next = { ...state };
  for (const s of satisfied) {
    next[s.material.code] = { provided: true, origin: 'e_license', files: [s.licence.attachment], message: '', busy: false, licence: { id: s.licence.id, typeCode: s.licence.typeCode } };
  }
  return next;
}

/** Names of the required materials not ticked as provided. */
export const missingRequired = (items: readonly MaterialRequirement[], state: MaterialsState): string[] => items.filter((m) => m.required && !state[m.code]?.provided).map((m) => m.name);

/** A file name main accepts (no paths, no control characters). */
// eslint-disable-next-line no-control-regex -- control characters are what it removes
export const cleanName = (name: string): string => name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').slice(0, 200) || 'file';
