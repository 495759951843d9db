// The characters a WOFF2 font file maps to a glyph (its `cmap`), read with Node's own
// Brotli: enough to check that the UI font draws every key of the on-screen keyboard
// without a font library. WOFF2: https://www.w3.org/TR/WOFF2/ (§4 table directory,
// §5 compressed data); cmap formats 4 and 12: OpenType spec, « cmap » table.
import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';

/** Known-table index 10 and 11 (WOFF2 §4.1): glyf and loca, transformed unless version 3. */
const GLYF = 10;
const LOCA = 11;

/** UIntBase128 (WOFF2 §4.3). @param {Buffer} b @param {{at: number}} pos */
function base128(b, pos) {
  let value = 0;
  for (let i = 0; i < 5; i += 1) {
    const byte = b[pos.at];
    pos.at += 1;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return value;
  }
  throw new Error('UIntBase128 longer than 5 bytes');
}

/** The decompressed `cmap` table of a WOFF2 file. @param {Buffer} file */
function cmapTable(file) {
  if (file.toString('latin1', 0, 4) !== 'wOF2') throw new Error('not a WOFF2 file');
  if (file.toString('latin1', 4, 8) === 'ttcf') throw new Error('font collections are not read here');
  const numTables = file.readUInt16BE(12);
  const compressedLength = file.readUInt32BE(20);
  const pos = { at: 48 };
  let offset = 0;
  let cmap = null;
  for (let i = 0; i < numTables; i += 1) {
    const flags = file[pos.at];
    pos.at += 1;
    const known = flags & 0x3f;
    let tag = null;
    if (known === 0x3f) {
      tag = file.toString('latin1', pos.at, pos.at + 4);
      pos.at += 4;
    }
    const version = flags >> 6;
    const origLength = base128(file, pos);
    const glyfOrLoca = known === GLYF || known === LOCA;
    const transformed = glyfOrLoca ? version !== 3 : version !== 0;
    const length = transformed ? base128(file, pos) : origLength;
    if (known === 0 || tag === 'cmap') cmap = { offset, length };
    offset += length;
  }
  if (!cmap) throw new Error('no cmap table');
  const data = brotliDecompressSync(file.subarray(pos.at, pos.at + compressedLength));
  return data.subarray(cmap.offset, cmap.offset + cmap.length);
}

/**
 * Code points with a glyph (glyph id ≠ 0) in the font's Unicode cmap (format 12 preferred,
 * else format 4).
 * @param {string} path a .woff2 file
 * @returns {Set<number>}
 */
export function mappedCodePoints(path) {
  const cmap = cmapTable(readFileSync(path));
  const count = cmap.readUInt16BE(2);
  const subtables = [];
  for (let i = 0; i < count; i += 1) {
    const at = 4 + i * 8;
    subtables.push({ platform: cmap.readUInt16BE(at), encoding: cmap.readUInt16BE(at + 2), offset: cmap.readUInt32BE(at + 4) });
  }
  const formatOf = (s) => cmap.readUInt16BE(s.offset);
  const unicode = subtables.filter((s) => s.platform === 0 || (s.platform === 3 && (s.encoding === 1 || s.encoding === 10)));
  const chosen = unicode.find((s) => formatOf(s) === 12) || unicode.find((s) => formatOf(s) === 4);
  if (!chosen) throw new Error('no Unicode cmap of format 4 or 12');
  const points = new Set();
  const o = chosen.offset;
  if (formatOf(chosen) === 12) {
    const groups = cmap.readUInt32BE(o + 12);
    for (let g = 0; g < groups; g += 1) {
      const at = o + 16 + g * 12;
      const [start, end, glyph] = [cmap.readUInt32BE(at), cmap.readUInt32BE(at + 4), cmap.readUInt32BE(at + 8)];
      for (let c = start; c <= end; c += 1) if (glyph + (c - start) !== 0) points.add(c);
    }
    return points;
  }
  const segments = cmap.readUInt16BE(o + 6) / 2;
  const ends = o + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  for (let s = 0; s < segments; s += 1) {
    const end = cmap.readUInt16BE(ends + s * 2);
    const start = cmap.readUInt16BE(starts + s * 2);
    const delta = cmap.readInt16BE(deltas + s * 2);
    const rangeOffset = cmap.readUInt16BE(rangeOffsets + s * 2);
    for (let c = start; c <= end && c !== 0xffff; c += 1) {
      let glyph;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const at = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
        glyph = cmap.readUInt16BE(at);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) points.add(c);
    }
  }
  return points;
}
