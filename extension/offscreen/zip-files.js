// Unpack a zip (a wheel, python/gleaner.zip) into Pyodide's file system from
// JavaScript. pyodide.unpackArchive does the same through Python's shutil,
// which right after a memory-snapshot restore costs ~0.7 s of cold
// WebAssembly for ~1 MB of files. The build stores these archives without
// compression, so this is FS.writeFile alone (~25 ms after a restore):
// inflating their ~90 entries through DecompressionStream took ~0.2 s.
// Only what our build writes is supported: stored or deflated entries, no
// zip64, no encryption.

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

async function inflateRaw(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function zipEntries(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== EOCD_SIGNATURE) eocd -= 1;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const names = new TextDecoder();
  const entries = [];
  for (let i = 0; i < count; i += 1) {
    if (view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw new Error('corrupt zip central directory');
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    const name = names.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (method !== 0 && method !== 8) throw new Error(`${name}: unsupported zip compression ${method}`);
    if (view.getUint32(localOffset, true) !== LOCAL_SIGNATURE) throw new Error(`${name}: corrupt zip entry`);
    const dataStart = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    entries.push({ name, method, data: bytes.subarray(dataStart, dataStart + compressedSize) });
  }
  return entries;
}

// Write every file of the zip under `directory` of Pyodide's FS.
export async function unpackZip(FS, bytes, directory) {
  const files = await Promise.all(zipEntries(bytes).map(async ({ name, method, data }) => {
    if (name.split('/').includes('..') || name.startsWith('/')) throw new Error(`${name}: a zip entry may not leave its folder`);
    return [name, method === 8 ? await inflateRaw(data) : data];
  }));
  for (const [name, data] of files) {
    const path = `${directory}/${name}`;
    FS.mkdirTree(path.slice(0, path.lastIndexOf('/')));
    FS.writeFile(path, data);
  }
  return files.length;
}
