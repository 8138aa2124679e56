/**
 * The slice of opencc-js that Duban uses (src/domain/plan/script.ts).
 *
 * Declared here because older releases in the ^1.0.5 range ship no types and
 * the ones that do (1.4.x) use extension-less relative imports that do not
 * resolve under `moduleResolution: nodenext`. An ambient declaration wins over
 * the package's own, so this is the contract we compile against.
 */
declare module "opencc-js" {
  /** Converts a whole string; pure and synchronous. */
  export type ConverterFunction = (text: string) => string;

  /** Locale codes: "cn" Simplified (Mainland), "t" OpenCC standard Traditional, "tw", "twp", "hk", "jp". */
  export interface ConverterOptions {
    from: string;
    to: string;
  }

  export function Converter(options: ConverterOptions): ConverterFunction;
}
