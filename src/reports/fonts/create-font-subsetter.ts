import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface FontSubsetter {
  /** A standalone font with the glyphs of these code points (and .notdef), as TrueType bytes. */
  subset(codePoints: Iterable<number>): Uint8Array;
}

/** The part of HarfBuzz's C API that hb-subset needs, as exported by harfbuzzjs's wasm build. */
interface HbSubsetExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, lengthPtr: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, codePoint: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_READONLY = 1;
// resvg ignores hints; .notdef keeps its box so a character no font has still shows as missing.
const HB_SUBSET_FLAGS_NO_HINTING = 0x1;
const HB_SUBSET_FLAGS_NOTDEF_OUTLINE = 0x40;

let compiled: WebAssembly.Module | undefined;

/**
 * HarfBuzz's own subsetter (hb-subset), from the harfbuzzjs package: a
 * self-contained wasm file with no imports, so nothing is downloaded or built.
 * The font is copied into the wasm memory once; each subset then takes a few
 * milliseconds. Compiling the module (≈ 0.2 s) happens once per process.
 */
export function createFontSubsetter(font: Uint8Array): FontSubsetter {
  compiled ??= new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve("harfbuzzjs/dist/harfbuzz-subset.wasm")));
  const hb = hbExports(new WebAssembly.Instance(compiled, {}));
  // Never freed: the font lives as long as this instance, and both go together.
  const data = hb.malloc(font.length);
  if (data === 0) throw new Error("hb-subset: out of memory for the font");
  new Uint8Array(hb.memory.buffer).set(font, data);
  const blob = hb.hb_blob_create(data, font.length, HB_MEMORY_MODE_READONLY, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob); // the face holds its own reference
  return {
    subset(codePoints) {
      const input = hb.hb_subset_input_create_or_fail();
      if (input === 0) throw new Error("hb-subset: cannot create the subset input");
      try {
        hb.hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
        const unicodes = hb.hb_subset_input_unicode_set(input);
        for (const code of codePoints) hb.hb_set_add(unicodes, code);
        const result = hb.hb_subset_or_fail(face, input);
        if (result === 0) throw new Error("hb-subset: subsetting failed");
        const out = hb.hb_face_reference_blob(result);
        try {
          const start = hb.hb_blob_get_data(out, 0);
          // Read the memory only now: a call above may have grown it (and detached older views).
          return new Uint8Array(hb.memory.buffer, start, hb.hb_blob_get_length(out)).slice();
        } finally {
          hb.hb_blob_destroy(out);
          hb.hb_face_destroy(result);
        }
      } finally {
        hb.hb_subset_input_destroy(input);
      }
    },
  };
}

function hbExports(instance: WebAssembly.Instance): HbSubsetExports {
  const exports = instance.exports;
  const names: (keyof HbSubsetExports)[] = [
    "malloc", "hb_blob_create", "hb_blob_destroy", "hb_blob_get_data", "hb_blob_get_length", "hb_face_create",
    "hb_face_destroy", "hb_face_reference_blob", "hb_set_add", "hb_subset_input_create_or_fail", "hb_subset_input_destroy",
    "hb_subset_input_set_flags", "hb_subset_input_unicode_set", "hb_subset_or_fail",
  ];
  const missing = names.filter((name) => typeof exports[name] !== "function");
  if (!(exports.memory instanceof WebAssembly.Memory) || missing.length > 0) {
    throw new Error(`harfbuzz-subset.wasm lacks ${missing.join(", ") || "memory"}`);
  }
  // Checked just above, name by name; wasm exports carry no static types.
  return exports as unknown as HbSubsetExports;
}
