/**
 * Imports a county address-point file (CSV, GeoJSON FeatureCollection, or newline-delimited GeoJSON) into
 * `address_points`, with a column mapping so any county's field names fit. Rows are streamed and written in
 * batches under a new import id; only when the whole file has been read are the source's older rows deleted,
 * so a failed or interrupted import leaves the previous data as it was (and removes its own partial rows).
 *
 * The data is public (street addresses and their coordinates): no personal data passes through here.
 * Coordinates must be WGS84 longitude/latitude (EPSG:4326); export the county file that way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { randomId } from '../../../core/crypto/random.ts';
import type { Db } from '../../../core/db/database.ts';
import { inTransaction } from '../../../core/db/transaction.ts';
import { addressFromParts, normalizeZip } from './address-normalize.ts';
import { type NewAddressPoint, addressPointsRepo } from './address-points.repo.ts';
import { isValidLonLat } from './geo.ts';

/** The fields an address-point row can carry. */
export const ADDRESS_FIELDS = [
  'number',
  'suffix',
  'preModifier',
  'preDirection',
  'preType',
  'name',
  'postType',
  'postDirection',
  'postModifier',
  'street',
  'unit',
  'zip',
  'municipality',
  'lon',
  'lat',
] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/** Which column (CSV header or GeoJSON property) holds each field. */
export type ColumnMapping = Partial<Record<AddressField, string>>;

/**
 * Known layouts. `hennepin`: Hennepin County GIS address points (ANUMBER, ST_NAME, … SUB_AD_ID, ZIP, MUNI_NAME;
 * X/Y in a CSV export, the geometry in GeoJSON). `openaddresses`: the OpenAddresses CSV layout.
 */
export const COLUMN_PRESETS: Readonly<Record<string, ColumnMapping>> = {
  hennepin: {
    number: 'ANUMBER',
    suffix: 'ANUMBERSUF',
    preModifier: 'ST_PRE_MOD',
    preDirection: 'ST_PRE_DIR',
    preType: 'ST_PRE_TYP',
    name: 'ST_NAME',
    postType: 'ST_POS_TYP',
    postDirection: 'ST_POS_DIR',
    postModifier: 'ST_POS_MOD',
    unit: 'SUB_AD_ID',
    zip: 'ZIP',
    municipality: 'MUNI_NAME',
    lon: 'X',
    lat: 'Y',
  },
  openaddresses: { number: 'NUMBER', street: 'STREET', unit: 'UNIT', zip: 'POSTCODE', municipality: 'CITY', lon: 'LON', lat: 'LAT' },
};

/** Bad `--columns` text, or a file that does not fit the mapping. */
export class AddressImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressImportError';
  }
}

/**
 * Parses `number=ANUMBER,lon=X` into a mapping (field names are case-sensitive, column names are matched
 * without regard to case).
 */
export function parseColumnMapping(text: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const pair of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const field = pair.slice(0, eq).trim();
    const column = pair.slice(eq + 1).trim();
    if (eq <= 0 || !column) throw new AddressImportError(`"${pair}" is not field=COLUMN`);
    if (!(ADDRESS_FIELDS as readonly string[]).includes(field)) {
      throw new AddressImportError(`unknown field "${field}" (fields: ${ADDRESS_FIELDS.join(', ')})`);
    }
    mapping[field as AddressField] = column;
  }
  return mapping;
}

export type ImportFormat = 'csv' | 'geojson' | 'geojsonl';

/** The format from the file name: `.csv`, `.geojson`/`.json`, `.geojsonl`/`.geojsons`/`.ndjson`/`.jsonl`. */
export function formatOf(file: string): ImportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.geojson' || ext === '.json') return 'geojson';
  if (ext === '.geojsonl' || ext === '.geojsons' || ext === '.ndjson' || ext === '.jsonl') return 'geojsonl';
  throw new AddressImportError(`cannot tell the format of ${path.basename(file)}: use .csv, .geojson or .geojsonl`);
}

/** What an import did. */
export interface ImportReport {
  source: string;
  read: number;
  imported: number;
  /** Rows without a house number and street (P.O. boxes, unnamed places). */
  skippedNoAddress: number;
  /** Rows whose coordinates are missing or not WGS84 longitude/latitude. */
  skippedBadCoordinates: number;
  /** Rows of the same source from earlier imports, replaced. */
  replaced: number;
}

export interface ImportOptions {
  file: string;
  /** A label for the data set (default: the file name); a new import of the same source replaces it. */
  source?: string;
  mapping?: ColumnMapping;
  format?: ImportFormat;
  now?: Date;
  /** Called with bytes read so far and the file size. */
  onProgress?(done: number, total: number): void;
  /** Rows per write transaction (default 5,000). */
  batchSize?: number;
}

type Record_ = Readonly<Record<string, unknown>>;

/** Reads a CSV file as records keyed by header (RFC 4180: quotes, doubled quotes, newlines inside quotes). */
async function* csvRecords(file: string, onBytes: (n: number) => void): AsyncGenerator<Record_> {
  const decoder = new StringDecoder('utf8');
  let header: string[] | undefined;
  let field = '';
  let row: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let first = true;
  const records: Record_[] = [];
  const endRow = () => {
    row.push(field);
    field = '';
    if (!header) {
      header = row.map((h) => h.trim());
    } else if (!(row.length === 1 && row[0] === '')) {
      const rec: Record<string, string> = {};
      header.forEach((h, i) => {
        rec[h] = row[i] ?? '';
      });
      records.push(rec);
    }
    row = [];
  };
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      let c = text[i] as string;
      if (first) {
        first = false;
        if (c === '\uFEFF') continue;
      }
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else if (i + 1 === text.length) {
            // A quote at the end of a chunk: decide with the next chunk.
            quoted = false;
            afterQuote = true;
          } else {
            quoted = false;
          }
        } else {
          field += c;
        }
        continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (c === '"') {
          field += '"';
          quoted = true;
          continue;
        }
      }
      if (c === '"' && field === '') quoted = true;
      else if (c === ',') {
        row.push(field);
        field = '';
      } else if (c === '\n') endRow();
      else if (c === '\r') {
        if (text[i + 1] === '\n') i++;
        c = '\n';
        endRow();
      } else field += c;
    }
  };
  for await (const chunk of fs.createReadStream(file)) {
    const buf = chunk as Buffer;
    feed(decoder.write(buf));
    onBytes(buf.length);
    yield* records.splice(0);
  }
  feed(decoder.end());
  if (field !== '' || row.length > 0) endRow();
  yield* records.splice(0);
}

/** Reads newline-delimited GeoJSON features (also RFC 8142 sequences with a leading RS). */
async function* geojsonLines(file: string, onBytes: (n: number) => void): AsyncGenerator<Record_> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const parse = (line: string): Record_ | undefined => {
    // RFC 8142 puts a record separator (U+001E) before each feature.
    const RS = String.fromCharCode(0x1e);
    const text = line.split(RS).join('').trim();
    if (!text || text === '[' || text === ']') return undefined;
    try {
      return JSON.parse(text.replace(/,$/, '')) as Record_;
    } catch {
      return { __malformed: true };
    }
  };
  for await (const chunk of fs.createReadStream(file)) {
    const buf = chunk as Buffer;
    rest += decoder.write(buf);
    onBytes(buf.length);
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const f = parse(line);
      if (f) yield f;
    }
  }
  rest += decoder.end();
  const f = parse(rest);
  if (f) yield f;
}

/** Reads a GeoJSON FeatureCollection (the whole file is parsed at once: export large files as .geojsonl). */
async function* geojsonCollection(file: string, onBytes: (n: number) => void): AsyncGenerator<Record_> {
  const text = await fs.promises.readFile(file, 'utf8');
  onBytes(Buffer.byteLength(text));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AddressImportError(`${path.basename(file)} is not valid JSON`);
  }
  const fc = data as { type?: unknown; features?: unknown };
  if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new AddressImportError(`${path.basename(file)} is not a GeoJSON FeatureCollection`);
  for (const f of fc.features) yield f as Record_;
}

/** Looks a column up without regard to case. */
function columnReader(mapping: ColumnMapping): (rec: Record_, field: AddressField) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (rec, field) => {
    const wanted = mapping[field];
    if (!wanted) return undefined;
    let key = cache.get(wanted);
    if (key === undefined && !cache.has(wanted)) {
      key = Object.keys(rec).find((k) => k.toLowerCase() === wanted.toLowerCase());
      if (key !== undefined) cache.set(wanted, key);
    }
    const v = key === undefined ? undefined : rec[key];
    if (typeof v === 'string') return v;
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  };
}

function toNumber(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return Number.NaN;
  return Number(v.trim());
}

/**
 * Imports one file. Returns the counts; throws `AddressImportError` for a file that cannot be read as the
 * given format or whose mapping names no street column. Nothing of a failed import stays in the table.
 */
export async function importAddressPoints(db: Db, options: ImportOptions): Promise<ImportReport> {
  const format = options.format ?? formatOf(options.file);
  const mapping = { ...COLUMN_PRESETS.hennepin, ...options.mapping };
  if (!mapping.street && !mapping.name) throw new AddressImportError('the column mapping names no street column (street=… or name=…)');
  if (!mapping.number) throw new AddressImportError('the column mapping names no house-number column (number=…)');
  const source = (options.source ?? path.basename(options.file)).slice(0, 100);
  const importedAt = (options.now ?? new Date()).toISOString();
  const importId = randomId();
  let total: number;
  try {
    total = fs.statSync(options.file).size;
  } catch (err) {
    throw new AddressImportError(`cannot read ${options.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let bytes = 0;
  const onBytes = (n: number) => {
    bytes += n;
    options.onProgress?.(Math.min(bytes, total), total);
  };
  const records = format === 'csv' ? csvRecords(options.file, onBytes) : format === 'geojsonl' ? geojsonLines(options.file, onBytes) : geojsonCollection(options.file, onBytes);
  const read = columnReader(mapping);
  const report: ImportReport = { source, read: 0, imported: 0, skippedNoAddress: 0, skippedBadCoordinates: 0, replaced: 0 };
  const batchSize = options.batchSize ?? 5_000;
  let batch: NewAddressPoint[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await inTransaction(db, (tx) => addressPointsRepo.insertMany(tx, rows));
  };
  try {
    for await (const raw of records) {
      report.read++;
      // GeoJSON: fields from `properties`, the point from `geometry` unless lon/lat columns are mapped and present.
      const isFeature = format !== 'csv';
      const props = isFeature ? ((raw.properties ?? {}) as Record_) : raw;
      const get = (field: AddressField) => read(props, field);
      const address = addressFromParts({
        number: get('number'),
        suffix: get('suffix'),
        preModifier: get('preModifier'),
        preDirection: get('preDirection'),
        preType: get('preType'),
        name: get('name'),
        postType: get('postType'),
        postDirection: get('postDirection'),
        postModifier: get('postModifier'),
        street: get('street'),
        unit: get('unit'),
      });
      if (!address) {
        report.skippedNoAddress++;
        continue;
      }
      let lon = toNumber(get('lon'));
      let lat = toNumber(get('lat'));
      if (isFeature && !(Number.isFinite(lon) && Number.isFinite(lat))) {
        const g = raw.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
        if (g?.type === 'Point' && Array.isArray(g.coordinates)) {
          lon = Number(g.coordinates[0]);
          lat = Number(g.coordinates[1]);
        }
      }
      if (!isValidLonLat({ lon, lat })) {
        report.skippedBadCoordinates++;
        continue;
      }
      batch.push({
        id: randomId(),
        street_key: address.key,
        loose_key: address.looseKey,
        unit_key: address.unit,
        zip: normalizeZip(get('zip')),
        municipality: (get('municipality') ?? '').trim().toUpperCase().slice(0, 60),
        lon_e6: Math.round(lon * 1e6),
        lat_e6: Math.round(lat * 1e6),
        source,
        import_id: importId,
        imported_at: importedAt,
      });
      report.imported++;
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    // Only now does the new data replace the old: one short transaction.
    report.replaced = await inTransaction(db, (tx) => addressPointsRepo.deleteOtherImports(tx, source, importId));
    return report;
  } catch (err) {
    await inTransaction(db, (tx) => addressPointsRepo.deleteImport(tx, importId));
    throw err;
  }
}
