/**
 * The county address-point file: imported through `sanctuary id import-addresses` (CSV, GeoJSON, one feature
 * per line), looked up by a normalised key, and placed on the city map — on both databases, with a made-up
 * fixture of real Minneapolis street locations (test/fixtures/municipal-id/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AddressImportError, importAddressPoints } from '../../src/modules/municipal-id/residency/address-import.ts';
import { AddressPointGeocoder } from '../../src/modules/municipal-id/residency/geocoder.ts';
import { checkAddress } from '../../src/modules/municipal-id/residency/residency.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { describeEachDialect } from '../helpers/db.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/municipal-id/address-points.csv');

async function count(t: TestApp, source?: string): Promise<number> {
  let q = t.ctx.db.kysely.selectFrom('address_points').select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (source) q = q.where('source', '=', source);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** The fixture as GeoJSON features (properties = the CSV columns, geometry = the point). */
function fixtureFeatures(): Array<Record<string, unknown>> {
  const [header, ...lines] = fs.readFileSync(FIXTURE, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  return lines
    .filter((l) => !l.includes('"'))
    .map((line) => {
      const cells = line.split(',');
      const properties = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
      const { X, Y, ...rest } = properties;
      return { type: 'Feature', properties: rest, geometry: { type: 'Point', coordinates: [Number(X), Number(Y)] } };
    });
}

describeEachDialect('county address points', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('imports the CSV with the Hennepin layout through the CLI, skipping rows it cannot use', async () => {
    const res = await runCli(t.config, ['id', 'import-addresses', FIXTURE]);
    expect(res.err).toContain('Importing (KB): 100%');
    expect(res.code, res.err).toBe(0);
    expect(res.out).toContain('address-points.csv: 17 address points imported of 19 rows read');
    expect(res.out).toContain('skipped 1 without a street address and 1 without WGS84 coordinates');
    expect(await count(t)).toBe(17);
    const row = await t.ctx.db.kysely.selectFrom('address_points').selectAll().where('street_key', '=', '1234 CENTRAL AVE NE').executeTakeFirstOrThrow();
    // A quoted column with a comma inside is one column.
    expect(row).toMatchObject({ municipality: 'MINNEAPOLIS, CITY OF', zip: '55413', lon_e6: -93247400, lat_e6: 45003600, unit_key: '' });
    const status = await runCli(t.config, ['id', 'import-addresses', '--status']);
    expect(status.out).toContain('address-points.csv: 17 address points');
  });

  it('looks addresses up however they are typed, and places them in the city, its wards and precincts', async () => {
    const geocoder = new AddressPointGeocoder(t.ctx.db.kysely);
    expect(await geocoder.geocode({ line: '350 South Fifth Street', zip: '55415' })).toEqual({ point: { lon: -93.2655, lat: 44.9773 }, matchQuality: 'exact' });
    expect(await geocoder.geocode({ line: '2400 Hennepin Ave. S., Apt. #101' })).toMatchObject({ matchQuality: 'exact' });
    expect(await geocoder.geocode({ line: '2400 Hennepin Ave S', unit: '999' })).toMatchObject({ matchQuality: 'building' });
    expect(await geocoder.geocode({ line: '2400 Hennepin Avenue' })).toMatchObject({ matchQuality: 'approximate' });
    // Two "3000 Lyndale"s, kilometres apart: without the ZIP code, no answer; with it, the right one.
    expect(await geocoder.geocode({ line: '3000 Lyndale Ave' })).toBeNull();
    expect(await geocoder.geocode({ line: '3000 Lyndale Ave', zip: '55411' })).toMatchObject({ point: { lon: -93.288, lat: 45.0113 } });
    expect(await geocoder.geocode({ line: '123 Nowhere St' })).toBeNull();
    expect(await geocoder.geocode({ line: 'PO Box 123' })).toBeNull();

    const at = (line: string, zip?: string) => checkAddress(t.ctx, { line, zip });
    expect(await at('350 S 5th St', '55415')).toEqual({ kind: 'inside', ward: 7, precinct: '11', matchQuality: 'exact' });
    expect(await at('84 Church Street Southeast', '55455')).toMatchObject({ kind: 'inside', ward: 2, precinct: '4' });
    expect(await at('4135 West Lake Harriet Parkway', '55409')).toMatchObject({ kind: 'inside', ward: 13, precinct: '12' });
    expect(await at('3000 Lyndale Ave S', '55408')).toMatchObject({ kind: 'inside', ward: 10, precinct: '2' });
    expect(await at('100 Main St SE', '55414')).toMatchObject({ kind: 'inside', ward: 3, precinct: '7' });
    // Saint Paul, Richfield, Golden Valley, Osseo: outside.
    expect(await at('75 Rev Dr Martin Luther King Jr Blvd', '55155')).toEqual({ kind: 'outside', matchQuality: 'exact' });
    expect(await at('6700 Portland Ave S', '55423')).toMatchObject({ kind: 'outside' });
    expect(await at('7800 Golden Valley Road', '55427')).toMatchObject({ kind: 'outside' });
    expect(await at('100 Main St', '55369')).toMatchObject({ kind: 'outside' });
    // Metres from the city edge: staff decide.
    expect(await at('6001 34th Ave S', '55417')).toMatchObject({ kind: 'review', ward: 11, precinct: '12' });
    expect(await at('123 Nowhere St', '55415')).toEqual({ kind: 'unmatched' });
  });

  it('replaces a source only when a new import of it has been read completely', async () => {
    const again = await importAddressPoints(t.ctx.db, { file: FIXTURE });
    expect(again).toMatchObject({ imported: 17, replaced: 17 });
    expect(await count(t)).toBe(17);

    // A bigger file that fails half-way (the progress callback throws after some rows were written): nothing
    // of it stays, and the earlier import is untouched.
    const dir = fs.mkdtempSync(path.join(t.database.dir, 'import-'));
    const big = path.join(dir, 'address-points.csv');
    const header = fs.readFileSync(FIXTURE, 'utf8').split('\n')[0];
    const rows = Array.from({ length: 6000 }, (_, i) => `${1000 + i},,,,,Test,St,,,,55415,Minneapolis,-93.2655,44.9773`);
    fs.writeFileSync(big, `${header}\n${rows.join('\n')}\n`);
    let calls = 0;
    await expect(
      importAddressPoints(t.ctx.db, {
        file: big,
        batchSize: 100,
        onProgress: () => {
          calls++;
          if (calls === 3) throw new Error('disk unplugged');
        },
      }),
    ).rejects.toThrow('disk unplugged');
    expect(await count(t)).toBe(17);

    await expect(importAddressPoints(t.ctx.db, { file: FIXTURE, mapping: { number: 'NO_SUCH', name: '', street: '' } })).rejects.toThrow(AddressImportError);
    await expect(importAddressPoints(t.ctx.db, { file: path.join(dir, 'missing.csv') })).rejects.toThrow(AddressImportError);
    await expect(importAddressPoints(t.ctx.db, { file: path.join(dir, 'points.xlsx') })).rejects.toThrow(/cannot tell the format/);
    expect(await count(t)).toBe(17);
  });

  it('imports GeoJSON and one-feature-per-line GeoJSON, with a column mapping', async () => {
    const dir = fs.mkdtempSync(path.join(t.database.dir, 'geojson-'));
    const features = fixtureFeatures();
    const collection = path.join(dir, 'hennepin.geojson');
    fs.writeFileSync(collection, JSON.stringify({ type: 'FeatureCollection', features }));
    const report = await importAddressPoints(t.ctx.db, { file: collection, source: 'hennepin-geojson' });
    expect(report).toMatchObject({ read: features.length, skippedBadCoordinates: 1 });
    expect(await count(t, 'hennepin-geojson')).toBe(report.imported);

    // Other field names (OpenAddresses-like), lon/lat in properties, one feature per line.
    const lines = path.join(dir, 'other.geojsonl');
    fs.writeFileSync(
      lines,
      [
        { type: 'Feature', properties: { HOUSE: '350', ROAD: 'S 5th St', POST: '55415' }, geometry: { type: 'Point', coordinates: [-93.2655, 44.9773] } },
        { type: 'Feature', properties: { HOUSE: '1', ROAD: 'Nowhere Ln', POST: '55415' }, geometry: null },
        'not json',
      ]
        .map((f) => (typeof f === 'string' ? f : JSON.stringify(f)))
        .join('\n'),
    );
    const other = await importAddressPoints(t.ctx.db, { file: lines, source: 'other', mapping: { number: 'HOUSE', street: 'ROAD', zip: 'POST', name: undefined } });
    expect(other).toMatchObject({ read: 3, imported: 1, skippedNoAddress: 1, skippedBadCoordinates: 1 });

    const res = await runCli(t.config, ['id', 'import-addresses', lines, '--columns', 'nonsense=X']);
    expect(res.code).toBe(2);
    expect(res.err).toContain('unknown field "nonsense"');
  });
});
