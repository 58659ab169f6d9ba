import { RefusedError } from "../errors.js";

export type Bytes = Buffer;

/** Signatures of what is often saved or linked in place of an article. */
const SIGNATURES: readonly { readonly what: string; readonly test: (bytes: Bytes) => boolean }[] = [
  { what: "a PDF", test: (b) => b.subarray(0, 1024).includes("%PDF-") },
  {
    what: "an image (PNG)",
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { what: "an image (JPEG)", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { what: "an image (GIF)", test: (b) => b.subarray(0, 4).toString("latin1") === "GIF8" },
  {
    what: "an image (WebP)",
    test: (b) =>
      b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
  },
  {
    what: "a Word document or another archive",
    test: (b) => b.subarray(0, 4).toString("latin1") === "PK\u0003\u0004",
  },
];

/** Refuses a PDF, an image or other binary data, naming what it is. */
export function refuseBinary(where: string, bytes: Bytes): void {
  const found = SIGNATURES.find((signature) => signature.test(bytes));
  if (found?.what === "a PDF")
    throw new RefusedError(
      `add: ${where}: it is a PDF, not a web page: copy the article's text into a .txt file and add that`,
    );
  if (found) throw new RefusedError(`add: ${where}: it is ${found.what}, not a web page or text`);
  if (bytes.subarray(0, 8192).includes(0) && !isUtf16(bytes))
    throw new RefusedError(`add: ${where}: it is binary data, not a web page or text`);
}

function isUtf16(bytes: Bytes): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}
