/**
 * Types for bidi-js as Node loads it. The package ships ES-module-style declarations for a
 * CommonJS (UMD) file, so TypeScript under `nodenext` expects the factory at `.default` while
 * Node hands it over as the default import itself. Only what the PDF layout uses is declared.
 */
declare module 'bidi-js' {
  export type EmbeddingLevels = {
    levels: Uint8Array;
    paragraphs: Array<{ start: number; end: number; level: number }>;
  };

  export type Bidi = {
    getEmbeddingLevels(text: string, baseDirection?: 'ltr' | 'rtl' | 'auto'): EmbeddingLevels;
    getReorderSegments(
      text: string,
      levels: EmbeddingLevels,
      start?: number,
      end?: number,
    ): Array<[number, number]>;
    getMirroredCharactersMap(
      text: string,
      levels: Uint8Array,
      start?: number,
      end?: number,
    ): Map<number, string>;
  };

  const bidiFactory: () => Bidi;
  export default bidiFactory;
}
