import { describe, expect, it } from 'vitest';
import { loadJurisdiction } from '../../../core/jurisdiction/index.ts';
import { BORDER_REVIEW_METRES, GeodataError, cityMapFromGeoJson, loadCityMap } from './city-map.ts';
import { BadCoordinatesError, type Ring, areaFromGeometry, distanceToEdgeMetres, inArea, interiorPoint, isValidLonLat } from './geo.ts';
import { GridIndex } from './spatial-index.ts';

const square = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

describe('point in polygon', () => {
  const donut = areaFromGeometry({ type: 'Polygon', coordinates: [square(0, 0, 10, 10), square(4, 4, 6, 6)] });
  const two = areaFromGeometry({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [[...square(5, 5, 6, 6)].reverse()]] });

  it('finds points inside, outside, and in a hole', () => {
    expect(inArea({ lon: 1, lat: 1 }, donut)).toBe(true);
    expect(inArea({ lon: 5, lat: 5 }, donut)).toBe(false); // in the hole
    expect(inArea({ lon: 11, lat: 5 }, donut)).toBe(false);
    expect(inArea({ lon: -0.001, lat: 5 }, donut)).toBe(false);
  });

  it('handles multipolygons, whatever the ring orientation', () => {
    expect(inArea({ lon: 0.5, lat: 0.5 }, two)).toBe(true);
    expect(inArea({ lon: 5.5, lat: 5.5 }, two)).toBe(true);
    expect(inArea({ lon: 3, lat: 3 }, two)).toBe(false);
  });

  it('puts a point on an edge shared by two neighbours into exactly one of them', () => {
    const left = areaFromGeometry({ type: 'Polygon', coordinates: [square(0, 0, 1, 1)] });
    const right = areaFromGeometry({ type: 'Polygon', coordinates: [square(1, 0, 2, 1)] });
    for (const lat of [0.1, 0.25, 0.5, 0.999]) {
      const p = { lon: 1, lat };
      expect(Number(inArea(p, left)) + Number(inArea(p, right)), `lat ${lat}`).toBe(1);
    }
    // A shared horizontal edge too.
    const below = areaFromGeometry({ type: 'Polygon', coordinates: [square(0, -1, 1, 0)] });
    const p = { lon: 0.5, lat: 0 };
    expect(Number(inArea(p, left)) + Number(inArea(p, below))).toBe(1);
  });

  it('measures the distance to the edge in metres', () => {
    // 0.001° of latitude is about 110.6 m.
    const cell = areaFromGeometry({ type: 'Polygon', coordinates: [square(-93.3, 44.9, -93.2, 45.0)] });
    expect(distanceToEdgeMetres({ lon: -93.25, lat: 44.901 }, cell)).toBeCloseTo(110.6, 0);
    expect(distanceToEdgeMetres({ lon: -93.25, lat: 44.9 }, cell)).toBeCloseTo(0, 5);
  });

  it('refuses geometries and coordinates that are not polygons of WGS84 positions', () => {
    expect(() => areaFromGeometry({ type: 'Point', coordinates: [0, 0] })).toThrow(/unsupported/);
    expect(() => areaFromGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] })).toThrow(/four/);
    expect(() => areaFromGeometry({ type: 'Polygon', coordinates: [square(0, 0, 200, 1)] })).toThrow(/WGS84/);
    expect(() => areaFromGeometry({ type: 'Polygon', coordinates: [[[0, 0], ['a', 0], [1, 1], [0, 0]]] })).toThrow(/WGS84/);
    expect(() => areaFromGeometry(null)).toThrow();
    for (const bad of [
      { lon: Number.NaN, lat: 44 },
      { lon: -93, lat: Number.POSITIVE_INFINITY },
      { lon: -181, lat: 44 },
      { lon: -93, lat: 91 },
      { lon: '-93', lat: 44 },
    ]) {
      expect(isValidLonLat(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('finds an interior point even for a concave shape', () => {
    // A "U": its centroid-ish middle lies in the gap.
    const u = areaFromGeometry({
      type: 'Polygon',
      coordinates: [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]],
    });
    expect(inArea(interiorPoint(u), u)).toBe(true);
  });
});

describe('the grid index', () => {
  it('returns only shapes whose box covers the point, and nothing outside the extent', () => {
    const boxes = [
      { id: 'a', bbox: [0, 0, 1, 1] as const },
      { id: 'b', bbox: [5, 5, 6, 6] as const },
      { id: 'c', bbox: [0, 0, 6, 6] as const },
    ];
    const index = new GridIndex(boxes, (b) => b.bbox, 8);
    expect(index.candidates({ lon: 0.5, lat: 0.5 }).map((b) => b.id).sort()).toEqual(['a', 'c']);
    expect(index.candidates({ lon: 5.5, lat: 5.5 }).map((b) => b.id).sort()).toEqual(['b', 'c']);
    expect(index.candidates({ lon: 7, lat: 7 })).toEqual([]);
    expect(new GridIndex([], (b: { bbox: readonly [number, number, number, number] }) => b.bbox).candidates({ lon: 0, lat: 0 })).toEqual([]);
  });
});

describe('the Minneapolis map', () => {
  const map = loadCityMap(loadJurisdiction('minneapolis'));

  it('has the 137 precincts of the 13 wards', () => {
    expect(map.precincts).toHaveLength(137);
    expect(new Set(map.precincts.map((p) => p.ward))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]));
    expect(map.precinct('7-11')?.name).toBe('Minneapolis W-7 P-11');
  });

  it.each([
    ['City Hall, downtown', -93.2655, 44.9773, 7, '11'],
    ['Northrop, University of Minnesota', -93.2353, 44.9765, 2, '4'],
    ['Minnehaha Falls', -93.2111, 44.9153, 12, '10'],
    ['Lake Harriet bandshell', -93.3059, 44.9217, 13, '12'],
    ['Lyndale Ave N at 30th Ave N', -93.288, 45.0113, 5, '3'],
  ])('places %s in ward %i, precinct %s', (_name, lon, lat, ward, precinct) => {
    const at = map.locate({ lon, lat });
    expect(at).toMatchObject({ inCity: true, ward, precinct, needsReview: false });
    expect(at.edgeMetres).toBeGreaterThan(BORDER_REVIEW_METRES);
  });

  it.each([
    ['the State Capitol, Saint Paul', -93.1022, 44.9551],
    ['MSP airport terminal', -93.2218, 44.8848],
    ['Richfield city hall', -93.2683, 44.8787],
    ['Golden Valley', -93.379, 44.998],
    ['the middle of the ocean', -30, 0],
  ])('finds %s outside the city', (_name, lon, lat) => {
    expect(map.locate({ lon, lat })).toMatchObject({ inCity: false, ward: null, precinct: null, needsReview: false });
  });

  it('sends points within metres of the city edge, on either side, to review', () => {
    const ring = map.boundary.polygons[0]?.[0] ?? [];
    let inside = 0;
    let outside = 0;
    for (let i = 0; i < ring.length; i += 5) {
      const [lon, lat] = ring[i] as readonly [number, number];
      for (const p of [{ lon: lon + 0.00005, lat }, { lon: lon - 0.00005, lat }, { lon, lat: lat + 0.00005 }, { lon, lat: lat - 0.00005 }]) {
        const at = map.locate(p);
        if (at.edgeMetres > 10) continue;
        expect(at.needsReview).toBe(true);
        if (at.inCity) inside++;
        else outside++;
      }
    }
    expect(inside).toBeGreaterThan(10);
    expect(outside).toBeGreaterThan(10);
  });

  it('has an interior point for every precinct that falls in that precinct', () => {
    for (const p of map.precincts) {
      const point = map.pointInPrecinct(p.id);
      expect(point, p.id).toBeDefined();
      expect(map.precinctAt(point as { lon: number; lat: number })?.id, p.id).toBe(p.id);
    }
    expect(map.pointInPrecinct('99-1')).toBeUndefined();
  });

  it('refuses bad coordinates with a typed error', () => {
    for (const bad of [{ lon: Number.NaN, lat: 44.97 }, { lon: -93.26, lat: 144.97 }, { lon: -193.26, lat: 44.97 }]) {
      expect(() => map.locate(bad)).toThrow(BadCoordinatesError);
    }
  });

  it('caches the map per profile and reports missing geodata as a GeodataError', () => {
    expect(loadCityMap(loadJurisdiction('minneapolis'))).toBe(map);
    // The test profile points at files that do not exist, on purpose.
    expect(() => loadCityMap(loadJurisdiction('testville'))).toThrow(GeodataError);
  });

  it('builds from in-memory GeoJSON and rejects duplicate precincts', () => {
    const boundary = { features: [{ geometry: { type: 'Polygon', coordinates: [square(0, 0, 2, 1)] } }] };
    const precincts = {
      features: [
        { properties: { name: 'Town W-1 P-1' }, geometry: { type: 'Polygon', coordinates: [square(0, 0, 1, 1)] } },
        { properties: { name: 'Town W-2 P-1' }, geometry: { type: 'Polygon', coordinates: [square(1, 0, 2, 1)] } },
      ],
    };
    const small = cityMapFromGeoJson(boundary, precincts);
    expect(small.locate({ lon: 1.5, lat: 0.5 })).toMatchObject({ inCity: true, ward: 2, precinct: '1' });
    expect(() => cityMapFromGeoJson(boundary, { features: [precincts.features[0], precincts.features[0]] as typeof precincts.features })).toThrow(/twice/);
  });
});
