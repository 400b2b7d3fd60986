/**
 * Plane geometry on WGS84 longitude/latitude, enough to answer "is this point inside the city, and in which
 * precinct": point-in-polygon with holes and multipolygons, bounding boxes, and the distance from a point to
 * a polygon's edge in metres (to send border cases to staff instead of deciding them automatically).
 *
 * No dependencies and no network: the boundaries come from the repository's geodata files.
 */

/** A WGS84 position. */
export interface LonLat {
  lon: number;
  lat: number;
}

/** `[lon, lat]` pairs, first = last (GeoJSON linear ring). */
export type Ring = ReadonlyArray<readonly [number, number]>;
/** An outer ring followed by its holes. */
export type PolygonRings = readonly Ring[];

/** A (multi)polygon as a list of polygons, each an outer ring and holes. */
export interface Area {
  polygons: readonly PolygonRings[];
  bbox: BBox;
}

/** `[minLon, minLat, maxLon, maxLat]`. */
export type BBox = readonly [number, number, number, number];

/** Thrown for a coordinate that is not a finite WGS84 longitude/latitude. */
export class BadCoordinatesError extends RangeError {
  readonly code = 'residency.bad_coordinates';
  constructor(message: string) {
    super(message);
    this.name = 'BadCoordinatesError';
  }
}

/** Whether a value is a usable WGS84 position (finite, longitude −180…180, latitude −90…90). */
export function isValidLonLat(p: { lon: unknown; lat: unknown }): p is LonLat {
  return (
    typeof p.lon === 'number' &&
    typeof p.lat === 'number' &&
    Number.isFinite(p.lon) &&
    Number.isFinite(p.lat) &&
    p.lon >= -180 &&
    p.lon <= 180 &&
    p.lat >= -90 &&
    p.lat <= 90
  );
}

/** Throws {@link BadCoordinatesError} unless `p` is a usable position. */
export function assertLonLat(p: { lon: unknown; lat: unknown }): asserts p is LonLat {
  if (!isValidLonLat(p)) throw new BadCoordinatesError('coordinates must be a finite longitude (−180…180) and latitude (−90…90)');
}

/** The bounding box of polygons. */
export function bboxOf(polygons: readonly PolygonRings[]): BBox {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const poly of polygons) {
    // Only the outer ring bounds a polygon; holes lie inside it.
    for (const [lon, lat] of poly[0] ?? []) {
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
  }
  return [minLon, minLat, maxLon, maxLat];
}

/** Whether a point lies in a bounding box (edges included). */
export function inBBox(p: LonLat, b: BBox): boolean {
  return p.lon >= b[0] && p.lon <= b[2] && p.lat >= b[1] && p.lat <= b[3];
}

/**
 * Even–odd ray casting over one ring. The half-open test `(yi > y) !== (yj > y)` counts a vertex once and
 * makes a point on an edge shared by two neighbouring polygons fall into exactly one of them (for horizontal
 * rays), so adjacent precincts never both claim it.
 */
function crossings(p: LonLat, ring: Ring): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = ring[i] as readonly [number, number];
    const [xj, yj] = ring[j] as readonly [number, number];
    if (yi > p.lat !== yj > p.lat && p.lon < ((xj - xi) * (p.lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point lies inside a polygon with holes (inside the outer ring and in no hole). */
export function inPolygon(p: LonLat, rings: PolygonRings): boolean {
  const [outer, ...holes] = rings;
  if (!outer || !crossings(p, outer)) return false;
  return !holes.some((h) => crossings(p, h));
}

/** Whether a point lies inside an area (any of its polygons). */
export function inArea(p: LonLat, area: Area): boolean {
  return inBBox(p, area.bbox) && area.polygons.some((poly) => inPolygon(p, poly));
}

const METRES_PER_DEGREE_LAT = 110_574;
const METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320;

/**
 * Distance in metres from a point to the nearest edge of an area (any ring, holes included). An
 * equirectangular projection around the point is accurate to well under a metre at city scale.
 */
export function distanceToEdgeMetres(p: LonLat, area: Area): number {
  const kx = METRES_PER_DEGREE_LON_AT_EQUATOR * Math.cos((p.lat * Math.PI) / 180);
  const ky = METRES_PER_DEGREE_LAT;
  let best = Infinity;
  for (const poly of area.polygons) {
    for (const ring of poly) {
      for (let i = 1; i < ring.length; i++) {
        const [ax, ay] = ring[i - 1] as readonly [number, number];
        const [bx, by] = ring[i] as readonly [number, number];
        const x1 = (ax - p.lon) * kx;
        const y1 = (ay - p.lat) * ky;
        const x2 = (bx - p.lon) * kx;
        const y2 = (by - p.lat) * ky;
        const dx = x2 - x1;
        const dy = y2 - y1;
        const len2 = dx * dx + dy * dy;
        // Projection of the origin (the point) onto the segment, clamped to its ends.
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(x1 * dx + y1 * dy) / len2));
        const cx = x1 + t * dx;
        const cy = y1 + t * dy;
        const d = Math.sqrt(cx * cx + cy * cy);
        if (d < best) best = d;
      }
    }
  }
  return best;
}

/**
 * Reads a GeoJSON Polygon or MultiPolygon geometry into an {@link Area}. Throws on anything else, or on
 * coordinates that are not numbers: geodata files are checked when loaded, not trusted.
 */
export function areaFromGeometry(geometry: unknown): Area {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object') throw new TypeError('geometry missing');
  const ring = (r: unknown): Ring => {
    if (!Array.isArray(r) || r.length < 4) throw new TypeError('a ring needs at least four positions');
    return r.map((pos: unknown) => {
      if (!Array.isArray(pos) || pos.length < 2) throw new TypeError('a position needs a longitude and a latitude');
      const [lon, lat] = pos as unknown[];
      const point = { lon, lat };
      if (!isValidLonLat(point)) throw new TypeError('a position is not a WGS84 longitude/latitude');
      return [point.lon, point.lat] as const;
    });
  };
  const polygon = (p: unknown): PolygonRings => {
    if (!Array.isArray(p) || p.length === 0) throw new TypeError('a polygon needs an outer ring');
    return p.map(ring);
  };
  let polygons: PolygonRings[];
  if (g.type === 'Polygon') polygons = [polygon(g.coordinates)];
  else if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) polygons = g.coordinates.map(polygon);
  else throw new TypeError(`unsupported geometry type ${String(g.type)}`);
  return { polygons, bbox: bboxOf(polygons) };
}

/**
 * A point well inside a polygon (for fixtures, map labels, and a precinct picked by hand): the midpoint of the
 * widest horizontal run through the polygon at several latitudes, the one farthest from the edge. Not the
 * pole of inaccessibility, but always inside, unlike a centroid.
 */
export function interiorPoint(area: Area): LonLat {
  const [minLon, minLat, maxLon, maxLat] = area.bbox;
  let best: LonLat | undefined;
  let bestDistance = -1;
  const rows = 24;
  for (let r = 1; r < rows; r++) {
    const lat = minLat + ((maxLat - minLat) * r) / rows;
    const xs: number[] = [];
    for (const poly of area.polygons) {
      for (const ring of poly) {
        for (let i = 1; i < ring.length; i++) {
          const [ax, ay] = ring[i - 1] as readonly [number, number];
          const [bx, by] = ring[i] as readonly [number, number];
          if (ay > lat !== by > lat) xs.push(ax + ((lat - ay) * (bx - ax)) / (by - ay));
        }
      }
    }
    xs.sort((a, b) => a - b);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const candidate = { lon: ((xs[i] as number) + (xs[i + 1] as number)) / 2, lat };
      if (!inArea(candidate, area)) continue;
      const d = distanceToEdgeMetres(candidate, area);
      if (d > bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
  }
  if (!best) return { lon: (minLon + maxLon) / 2, lat: (minLat + maxLat) / 2 };
  return best;
}
