import { defineClassification } from '../../../core/privacy/classification.ts';

/**
 * Classification of the residency part's table. The county's address points are public government data
 * (Hennepin County releases them without licence fees): street addresses and their coordinates, with no
 * person attached. Nothing here says who lives where.
 */
export const residencyClassification = defineClassification([
  {
    table: 'address_points',
    class: 'public',
    purpose: "The county's public address points, to tell whether an address is inside the city and in which ward and precinct, without sending it to any outside service",
    retention: 'Until replaced by a newer import of the same source',
    columns: {
      id: 'Random row id',
      street_key: 'The normalised street address (house number and street), the lookup key',
      loose_key: 'The street address without directionals and street type, a looser lookup key',
      unit_key: 'The normalised unit (apartment, suite), or empty',
      zip: 'ZIP code of the address point, to tell the same street address in two cities apart',
      municipality: 'The city or township the county file names',
      lon_e6: 'Longitude of the address point in millionths of a degree (WGS84)',
      lat_e6: 'Latitude of the address point in millionths of a degree (WGS84)',
      source: 'Label of the imported file (a newer import of the same source replaces it)',
      import_id: 'The import run the row came from (a failed import removes its own rows)',
      imported_at: 'When the file was imported',
    },
  },
]);
