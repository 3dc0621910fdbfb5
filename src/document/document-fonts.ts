/**
 * The fonts of the formal document, from npm packages (Noto and Amiri, SIL Open Font License): the PDF
 * embeds subsets of them, and the node serves them to the HTML print view, so neither depends on
 * the fonts of a machine or fetches anything from outside.
 */
import { createRequire } from 'node:module';

export type DocumentFontFile = Readonly<{
  /** The name the node serves the file under. */
  file: string;
  /** Module path inside an installed npm package. */
  module: string;
  family: string;
  weight: 400 | 700;
}>;

export const DOCUMENT_FONT_FILES: readonly DocumentFontFile[] = [
  {
    file: 'noto-sans-400.ttf',
    module: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
    family: 'Comity Noto Sans',
    weight: 400,
  },
  {
    file: 'noto-sans-700.ttf',
    module: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
    family: 'Comity Noto Sans',
    weight: 700,
  },
  // Amiri, not Noto Sans Arabic: Noto builds letters from shared dotless shapes and separate dots,
  // so a PDF's text layer maps ت, ب and ن to one glyph and extracted Arabic loses its dots;
  // Amiri draws each letter form whole and its text extracts as written.
  {
    file: 'amiri-400.ttf',
    module: '@expo-google-fonts/amiri/400Regular/Amiri_400Regular.ttf',
    family: 'Comity Amiri',
    weight: 400,
  },
  {
    file: 'amiri-700.ttf',
    module: '@expo-google-fonts/amiri/700Bold/Amiri_700Bold.ttf',
    family: 'Comity Amiri',
    weight: 700,
  },
  {
    file: 'noto-sans-sc-400.ttf',
    module: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
    family: 'Comity Noto Sans SC',
    weight: 400,
  },
];

const requireFromHere = createRequire(import.meta.url);

/** The file's path on disk, or undefined when its package is not installed. */
export function resolveDocumentFont(font: DocumentFontFile): string | undefined {
  try {
    return requireFromHere.resolve(font.module);
  } catch {
    return undefined;
  }
}
