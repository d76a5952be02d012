// Hostile XLSX files that are small on disk: their XML is built from raw-deflate segments that
// each end on a byte boundary (sync flush), so that one compressed segment can be repeated to
// stand for hundreds of megabytes without ever holding them in memory.
import { constants, crc32, deflateRawSync } from 'node:zlib';

type Piece = { text: string } | { repeat: string; times: number };

/** One zip entry whose text is the pieces in order: raw deflate data, CRC and sizes. */
function deflatedEntry(pieces: Piece[]) {
  const parts: Buffer[] = [];
  let crc = 0;
  let size = 0;
  for (const piece of pieces) {
    const text = Buffer.from('text' in piece ? piece.text : piece.repeat, 'utf8');
    const times = 'text' in piece ? 1 : piece.times;
    const segment = deflateRawSync(text, { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
    for (let index = 0; index < times; index += 1) {
      parts.push(segment);
      crc = crc32(text, crc);
      size += text.length;
    }
  }
  parts.push(Buffer.from([0x03, 0x00])); // an empty final block
  return { data: Buffer.concat(parts), crc, size };
}

function zip(entries: { name: string; pieces: Piece[] }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, pieces } of entries) {
    const { data, crc, size } = deflatedEntry(pieces);
    const fileName = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const relsNs = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function workbook(sheet: Piece[], sharedStrings?: Piece[]): Buffer {
  return zip([
    {
      name: '[Content_Types].xml',
      pieces: [{ text: '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>' }],
    },
    { name: '_rels/.rels', pieces: [{ text: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relsNs}/officeDocument" Target="xl/workbook.xml"/></Relationships>` }] },
    { name: 'xl/workbook.xml', pieces: [{ text: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${main}" xmlns:r="${relsNs}"><sheets><sheet name="Adressen" sheetId="1" r:id="rId1"/></sheets></workbook>` }] },
    {
      name: 'xl/_rels/workbook.xml.rels',
      pieces: [{ text: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relsNs}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${relsNs}/sharedStrings" Target="sharedStrings.xml"/></Relationships>` }],
    },
    { name: 'xl/sharedStrings.xml', pieces: sharedStrings ?? [{ text: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${main}"><si><t>Nachname</t></si><si><t>E-Mail</t></si></sst>` }] },
    { name: 'xl/worksheets/sheet1.xml', pieces: sheet },
  ]);
}

const headerRow = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>';

/** An XLSX whose second row holds one text cell of `megabytes` MB (about 300 KB on disk for 300 MB). */
export function xlsxWithHugeCell(megabytes: number): Buffer {
  const chunk = 'A'.repeat(1024 * 1024);
  return workbook(
    [{ text: `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${main}"><sheetData>${headerRow}<row r="2"><c r="A2" t="s"><v>2</v></c></row></sheetData></worksheet>` }],
    [{ text: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${main}"><si><t>Nachname</t></si><si><t>E-Mail</t></si><si><t>` }, { repeat: chunk, times: megabytes }, { text: '</t></si></sst>' }],
  );
}

/** An XLSX with `rows` data rows below the header (a million rows are a few hundred KB on disk). */
export function xlsxWithRows(rows: number): Buffer {
  const block = 1000;
  const row = '<row><c t="inlineStr"><is><t>Meier</t></is></c><c t="inlineStr"><is><t>meier@example.org</t></is></c></row>';
  return workbook([
    { text: `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${main}"><sheetData>${headerRow}` },
    { repeat: row.repeat(block), times: Math.floor(rows / block) },
    { text: row.repeat(rows % block) },
    { text: '</sheetData></worksheet>' },
  ]);
}
