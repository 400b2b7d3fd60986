/**
 * The city's map for residency: its boundary and its precincts (with their wards), loaded from the
 * jurisdiction profile's geodata files (`ctx.jurisdiction.geography`), indexed once, and asked "where is
 * this point?". Everything runs in-process: no call leaves the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Jurisdiction } from '../../../core/jurisdiction/index.ts';
import { type Area, type BBox, type LonLat, areaFromGeometry, assertLonLat, distanceToEdgeMetres, inArea, interiorPoint } from './geo.ts';
import { GridIndex } from './spatial-index.ts';

/** Within this many metres of the city edge, a point is a border case: staff decide, not the software. */
export const BORDER_REVIEW_METRES = 30;

/** One precinct of the city. */
export interface Precinct {
  /** The file's name for it, e.g. "Minneapolis W-7 P-11". */
  name: string;
  ward: number | null;
  /** Precinct label within its ward, e.g. "11" or "3A". */
  precinct: string;
  /** `ward-precinct` (`7-11`), unique in the city: what staff pick and what is stored. */
  id: string;
  area: Area;
}

/** Where a point is. */
export interface Placement {
  /** Inside the city: inside its boundary or one of its precincts (they differ by metres at the river). */
  inCity: boolean;
  ward: number | null;
  precinct: string | null;
  /** Close to the city edge, or the boundary and the precincts disagree: a person must look. */
  needsReview: boolean;
  /** Distance to the city edge in metres (rounded). */
  edgeMetres: number;
}

/** The repository root (geodata paths in profiles are relative to it). */
const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Thrown when a profile's geodata cannot be read: an installation problem, reported at first use. */
export class GeodataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeodataError';
  }
}

function readGeoJson(relative: string): { features: Array<{ properties?: Record<string, unknown>; geometry?: unknown }> } {
  const file = path.resolve(REPOSITORY_ROOT, relative);
  // Profiles are validated to hold repository-relative paths; check again, the file is read from disk.
  if (!file.startsWith(REPOSITORY_ROOT + path.sep)) throw new GeodataError(`geodata path leaves the repository: ${relative}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new GeodataError(`geodata file ${relative} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  type Feature = { properties?: Record<string, unknown>; geometry?: unknown };
  const data = JSON.parse(text) as { type?: unknown; features?: unknown };
  if (data.type === 'FeatureCollection' && Array.isArray(data.features)) return { features: data.features as Feature[] };
  if (data.type === 'Feature') return { features: [data as Feature] };
  throw new GeodataError(`geodata file ${relative} is not a GeoJSON Feature or FeatureCollection`);
}

/** Ward and precinct from a name like "Minneapolis W-7 P-11" when the file has no separate properties. */
function fromName(name: string): { ward: number | null; precinct: string | null } {
  const m = /W-(\d{1,3})\s+P-([0-9A-Za-z]{1,6})$/.exec(name);
  return m ? { ward: Number(m[1]), precinct: m[2] ?? null } : { ward: null, precinct: null };
}

/** The map of one city. Build with {@link loadCityMap} (cached per profile). */
export class CityMap {
  readonly boundary: Area;
  readonly precincts: readonly Precinct[];
  readonly #index: GridIndex<Precinct>;
  readonly #byId: ReadonlyMap<string, Precinct>;

  constructor(boundary: Area, precincts: readonly Precinct[]) {
    this.boundary = boundary;
    this.precincts = [...precincts].sort((a, b) => (a.ward ?? 0) - (b.ward ?? 0) || a.precinct.localeCompare(b.precinct, 'en', { numeric: true }));
    this.#index = new GridIndex(this.precincts, (p) => p.area.bbox);
    this.#byId = new Map(this.precincts.map((p) => [p.id, p]));
  }

  /** The extent of the city (boundary and precincts). */
  get bbox(): BBox {
    const a = this.boundary.bbox;
    const b = this.#index.bbox;
    if (this.precincts.length === 0) return a;
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
  }

  /** The precinct containing the point, if any. */
  precinctAt(p: LonLat): Precinct | undefined {
    return this.#index.candidates(p).find((c) => inArea(p, c.area));
  }

  /** A precinct by its id (`ward-precinct`). */
  precinct(id: string): Precinct | undefined {
    return this.#byId.get(id);
  }

  /**
   * Where a point is: in the city or not, its ward and precinct, and whether a person must review it.
   * Throws `BadCoordinatesError` for a point that is not a WGS84 position.
   */
  locate(p: LonLat): Placement {
    assertLonLat(p);
    const inBoundary = inArea(p, this.boundary);
    const precinct = this.precinctAt(p);
    const edgeMetres = Math.round(distanceToEdgeMetres(p, this.boundary));
    const hasPrecincts = this.precincts.length > 0;
    const inCity = inBoundary || precinct !== undefined;
    const disagree = hasPrecincts && inBoundary !== (precinct !== undefined);
    return {
      inCity,
      ward: precinct?.ward ?? null,
      precinct: precinct?.precinct ?? null,
      needsReview: edgeMetres <= BORDER_REVIEW_METRES || disagree,
      edgeMetres,
    };
  }

  /** A point well inside a precinct (for a precinct picked by hand, and map labels). */
  pointInPrecinct(id: string): LonLat | undefined {
    const p = this.#byId.get(id);
    return p ? interiorPoint(p.area) : undefined;
  }
}

/** Builds a city map from GeoJSON data already read (tests, and {@link loadCityMap}). */
export function cityMapFromGeoJson(
  boundary: { features: Array<{ geometry?: unknown }> },
  precincts?: { features: Array<{ properties?: Record<string, unknown>; geometry?: unknown }> },
  properties: Readonly<Record<string, string>> = {},
): CityMap {
  const outline = boundary.features.map((f) => areaFromGeometry(f.geometry));
  const polygons = outline.flatMap((a) => a.polygons);
  const boundaryArea: Area = { polygons, bbox: mergeBBoxes(outline.map((a) => a.bbox)) };
  const nameKey = properties.name ?? 'name';
  const wardKey = properties.ward ?? 'ward';
  const precinctKey = properties.precinct ?? 'precinct';
  const list: Precinct[] = [];
  const seen = new Set<string>();
  for (const f of precincts?.features ?? []) {
    const props = f.properties ?? {};
    const nameValue = props[nameKey];
    const name = typeof nameValue === 'string' ? nameValue : '';
    const parsed = fromName(name);
    const wardValue = props[wardKey];
    const ward = typeof wardValue === 'number' && Number.isInteger(wardValue) ? wardValue : typeof wardValue === 'string' && /^\d{1,3}$/.test(wardValue) ? Number(wardValue) : parsed.ward;
    const precinctValue = props[precinctKey];
    const precinct = typeof precinctValue === 'string' || typeof precinctValue === 'number' ? String(precinctValue) : parsed.precinct;
    if (!precinct) throw new GeodataError(`precinct without a label: ${name || '(no name)'}`);
    const id = `${ward ?? 0}-${precinct}`;
    if (seen.has(id)) throw new GeodataError(`precinct ${id} appears twice`);
    seen.add(id);
    list.push({ name, ward, precinct, id, area: areaFromGeometry(f.geometry) });
  }
  return new CityMap(boundaryArea, list);
}

function mergeBBoxes(boxes: readonly BBox[]): BBox {
  return [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ];
}

const cache = new Map<string, CityMap>();

/**
 * The map of the profile's city, read from its geodata files on first use and cached for the process. Throws
 * `GeodataError` when a file is missing or malformed (the test profile has no files on purpose).
 */
export function loadCityMap(jurisdiction: Jurisdiction): CityMap {
  const geo = jurisdiction.geography;
  const boundaryPath = geo.cityBoundary.value.path;
  const precinctFile = geo.precincts?.value;
  const key = `${boundaryPath}|${precinctFile?.path ?? ''}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let map: CityMap;
  try {
    map = cityMapFromGeoJson(readGeoJson(boundaryPath), precinctFile ? readGeoJson(precinctFile.path) : undefined, precinctFile?.properties ?? {});
  } catch (err) {
    if (err instanceof GeodataError) throw err;
    throw new GeodataError(`geodata of ${jurisdiction.id} is malformed: ${(err as Error).message}`);
  }
  cache.set(key, map);
  return map;
}
