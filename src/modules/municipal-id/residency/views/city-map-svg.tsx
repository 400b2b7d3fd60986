/**
 * A map of the city drawn on the server as SVG: the city boundary, the precinct lines, a precinct highlighted
 * and a point marked. No map tiles, no script, nothing from another origin (CSP, DESIGN §3.9): the shapes come
 * from the repository's geodata. Staff use it when placing an address by hand.
 */
import type { CityMap } from '../city-map.ts';
import type { LonLat, PolygonRings } from '../geo.ts';

const WIDTH = 600;

interface Projection {
  width: number;
  height: number;
  project(p: LonLat): [number, number];
}

function projectionOf(map: CityMap): Projection {
  const [minLon, minLat, maxLon, maxLat] = map.bbox;
  // Equirectangular at the city's middle latitude: true shape at city scale.
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = WIDTH / ((maxLon - minLon) * kx || 1);
  const height = Math.ceil((maxLat - minLat) * scale);
  return {
    width: WIDTH,
    height,
    project: (p) => [(p.lon - minLon) * kx * scale, (maxLat - p.lat) * scale],
  };
}

/** SVG path data of polygons, dropping vertices closer than a pixel to the last one drawn. */
function pathOf(polygons: readonly PolygonRings[], projection: Projection): string {
  const parts: string[] = [];
  for (const poly of polygons) {
    for (const ring of poly) {
      let last: [number, number] | undefined;
      const points: string[] = [];
      for (const [lon, lat] of ring) {
        const xy = projection.project({ lon, lat });
        if (last && Math.abs(xy[0] - last[0]) < 0.8 && Math.abs(xy[1] - last[1]) < 0.8) continue;
        last = xy;
        points.push(`${xy[0].toFixed(1)} ${xy[1].toFixed(1)}`);
      }
      if (points.length >= 3) parts.push(`M${points.join('L')}Z`);
    }
  }
  return parts.join('');
}

interface Drawn {
  projection: Projection;
  boundary: string;
  precincts: Map<string, string>;
}

const drawn = new WeakMap<CityMap, Drawn>();

function draw(map: CityMap): Drawn {
  const cached = drawn.get(map);
  if (cached) return cached;
  const projection = projectionOf(map);
  const result: Drawn = {
    projection,
    boundary: pathOf(map.boundary.polygons, projection),
    precincts: new Map(map.precincts.map((p) => [p.id, pathOf(p.area.polygons, projection)])),
  };
  drawn.set(map, result);
  return result;
}

/** The map, with an accessible name and description (WCAG 1.1.1); the facts it shows are also written on the page. */
export function CityMapSvg(props: { map: CityMap; title: string; description: string; highlight?: string; point?: LonLat }) {
  const { projection, boundary, precincts } = draw(props.map);
  const marker = props.point ? projection.project(props.point) : undefined;
  return (
    <figure class="sanctuary-map">
      <svg
        class="sanctuary-map__svg"
        width="100%"
        viewBox={`0 0 ${projection.width} ${projection.height}`}
        role="img"
        aria-labelledby="city-map-title city-map-desc"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="city-map-title">{props.title}</title>
        <desc id="city-map-desc">{props.description}</desc>
        <g class="sanctuary-map__precincts">
          {[...precincts].map(([id, d]) => (
            <path
              d={d}
              class={id === props.highlight ? 'sanctuary-map__precinct sanctuary-map__precinct--on' : 'sanctuary-map__precinct'}
              fill={id === props.highlight ? '#97d4ea' : 'none'}
              stroke="#71767a"
              stroke-width="0.6"
            />
          ))}
        </g>
        <path d={boundary} class="sanctuary-map__boundary" fill="none" stroke="#1b1b1b" stroke-width="2" />
        {marker ? (
          <circle cx={marker[0].toFixed(1)} cy={marker[1].toFixed(1)} r="6" class="sanctuary-map__point" fill="#b50909" stroke="#ffffff" stroke-width="2" />
        ) : null}
      </svg>
    </figure>
  );
}
