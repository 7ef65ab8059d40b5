// NumPy .npz files (what numpy.load reads): a zip archive of .npy files, stored uncompressed, built as
// pieces for an atomic streamed write (src/report/files.ts). Entries above 4 GiB (zip64) are refused.
import { ResourceError } from "../errors.js";
import { npyPieces } from "../report/files.js";
import type { Tensor } from "../graph/tensor.js";

/** The CRC-32 (zip's, polynomial 0xEDB88320) of some byte arrays in order. */
export function crc32(parts: readonly Uint8Array[]): number {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The pieces of an .npz holding each tensor as `<name>.npy` (float64, C order). */
export function npzPieces(entries: readonly { name: string; tensor: Tensor }[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of entries) {
    const file = Buffer.from(`${name}.npy`, "utf8");
    const [head, data] = npyPieces(tensor.data, [...tensor.shape]);
    const size = head.length + data.length;
    if (size >= 0xffffffff || offset + size >= 0xffffffff) throw new ResourceError(`the values are too large for an .npz without zip64 (${name}: ${size} bytes)`);
    const crc = crc32([head, data]);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(file.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(size, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(file.length, 28);
    entry.writeUInt32LE(offset, 42);
    out.push(local, file, head, data);
    central.push(entry, file);
    offset += 30 + file.length + size;
  }
  const dirSize = central.reduce((s, p) => s + p.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return [...out, ...central, end];
}
