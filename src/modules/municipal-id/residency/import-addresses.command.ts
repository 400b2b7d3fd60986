/**
 * `sanctuary id import-addresses <file>`: loads the county's public address points (CSV, GeoJSON or
 * newline-delimited GeoJSON, WGS84 longitude/latitude) into `address_points`, with a progress bar. The
 * municipal ID's residency check looks addresses up there; no address ever leaves the server.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../../config.ts';
import { type CliIo, UsageError, progress } from '../../../cli/command.ts';
import { openDatabase } from '../../../core/db/database.ts';
import { migrationPlan } from '../../../core/db/migrator.ts';
import { applicationMigrations } from '../migrations/application.ts';
import { ADDRESS_FIELDS, AddressImportError, COLUMN_PRESETS, type ColumnMapping, type ImportFormat, importAddressPoints, parseColumnMapping } from './address-import.ts';
import { addressPointsRepo } from './address-points.repo.ts';

/** The lines `sanctuary id --help` shows for this subcommand. */
export const IMPORT_ADDRESSES_HELP = `  import-addresses <file>  Load the county's public address points (for the residency check): comma-separated
                       text with a header row, GeoJSON (.geojson) or one feature per line (.geojsonl);
                       coordinates in WGS84 lon/lat.
                       A new import of the same source replaces the old one only once the whole file
                       has been read; a failed import changes nothing.
                         --preset <name>     column layout: ${Object.keys(COLUMN_PRESETS).join(' (default), ')}
                         --columns <map>     override columns, e.g. number=ADDNUM,lon=LON,lat=LAT
                                             (fields: ${ADDRESS_FIELDS.join(', ')})
                         --source <label>    name of the data set (default: the file name)
                         --format <f>        text, geojson or geojsonl (default: from the file name)
  import-addresses --status  How many address points each source holds.`;

/** Runs `id import-addresses`. Exit 0 when imported, 1 on a file that cannot be imported, 2 on bad arguments. */
export async function importAddressesCommand(args: string[], config: Config, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      preset: { type: 'string', default: 'hennepin' },
      columns: { type: 'string' },
      source: { type: 'string' },
      format: { type: 'string' },
      status: { type: 'boolean', default: false },
    },
  });
  const preset = COLUMN_PRESETS[values.preset];
  if (!preset) throw new UsageError(`unknown --preset "${values.preset}" (known: ${Object.keys(COLUMN_PRESETS).join(', ')})`);
  let mapping: ColumnMapping = { ...preset };
  if (values.columns) {
    try {
      mapping = { ...mapping, ...parseColumnMapping(values.columns) };
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  }
  // `text` is comma-separated text with a header row.
  const formats: Record<string, ImportFormat> = { text: 'csv', csv: 'csv', geojson: 'geojson', geojsonl: 'geojsonl' };
  const format = values.format === undefined ? undefined : formats[values.format];
  if (values.format !== undefined && !format) throw new UsageError('--format is text, geojson or geojsonl');
  if (!values.status && positionals.length !== 1) throw new UsageError('import-addresses takes one <file> (or --status)');

  const db = openDatabase(config.database);
  try {
    // Only this part's own table matters here; `migrate` applies everything.
    const table = (await migrationPlan(db, applicationMigrations)).find((m) => m.name.endsWith('_municipal_id_address_points'));
    if (table?.status !== 'applied') {
      io.err('The address-point table does not exist yet; run "sanctuary migrate" first.');
      return 1;
    }
    if (values.status) {
      const counts = await addressPointsRepo.countsBySource(db.kysely);
      if (counts.length === 0) io.out('No address points imported yet.');
      for (const c of counts) io.out(`${c.source}: ${c.n.toLocaleString('en-US')} address points (imported ${c.imported_at})`);
      return 0;
    }
    const file = positionals[0] as string;
    let bar: ReturnType<typeof progress> | undefined;
    let shownTotal = 0;
    let currentKb = 0;
    try {
      const report = await importAddressPoints(db, {
        file,
        mapping,
        ...(values.source ? { source: values.source } : {}),
        ...(format ? { format } : {}),
        onProgress(done, total) {
          if (!bar) {
            // Progress in kilobytes read: the number of rows is not known before the end.
            shownTotal = Math.max(1, Math.ceil(total / 1024));
            bar = progress(io, 'Importing (KB)', shownTotal);
          }
          const kb = Math.min(shownTotal, Math.ceil(done / 1024));
          bar.tick(kb - currentKb);
          currentKb = kb;
        },
      });
      bar?.done();
      io.out(
        `${report.source}: ${report.imported.toLocaleString('en-US')} address points imported of ${report.read.toLocaleString('en-US')} rows read; ` +
          `skipped ${report.skippedNoAddress} without a street address and ${report.skippedBadCoordinates} without WGS84 coordinates; ` +
          `${report.replaced.toLocaleString('en-US')} older points of this source replaced.`,
      );
      if (report.read > 0 && report.imported === 0) {
        io.err('Nothing was imported: check the column mapping (--preset, --columns) and that coordinates are WGS84 longitude/latitude.');
        return 1;
      }
      return 0;
    } catch (err) {
      if (err instanceof AddressImportError) {
        io.err(`Import failed, nothing changed: ${err.message}`);
        return 1;
      }
      throw err;
    }
  } finally {
    await db.close();
  }
}
