import { describe, expect, it } from 'vitest';
import { addressFromParts, normalizeAddress, normalizeUnit, normalizeZip } from './address-normalize.ts';

describe('address normalisation', () => {
  it.each([
    ['350 S 5th St', '350 S 5TH ST'],
    ['350 South Fifth Street', '350 S 5TH ST'],
    ['350 s. 5th st.', '350 S 5TH ST'],
    ['350 So 5 St', '350 SO 5 ST'],
    ['2400 Hennepin Avenue South', '2400 HENNEPIN AVE S'],
    ['1234 Central Ave. N.E.', '1234 CENTRAL AVE NE'],
    ['1234 central avenue northeast', '1234 CENTRAL AVE NE'],
    ['4135 West Lake Harriet Parkway', '4135 W LAKE HARRIET PKWY'],
    ['3000 Twenty-Sixth Ave S', '3000 26TH AVE S'],
    ['100 Saint Anthony Pkwy', '100 ST ANTHONY PKWY'],
    ['100 St. Anthony Parkway', '100 ST ANTHONY PKWY'],
    ['1500 E Lake St', '1500 E LAKE ST'],
    ['1500 A E Lake St', '1500A E LAKE ST'],
    ['1500a E Lake St', '1500A E LAKE ST'],
    ['１５００ Ｅ Ｌａｋｅ Ｓｔ', '1500 E LAKE ST'],
    ['55 Avenue of the Arts', '55 AVENUE OF THE ARTS'],
  ])('%s → %s', (input, key) => {
    expect(normalizeAddress(input)?.key).toBe(key);
  });

  it('splits the unit off, in any of its usual forms', () => {
    for (const line of ['2400 Hennepin Ave S Apt 101', '2400 Hennepin Ave S, #101', '2400 Hennepin Ave S Unit 101', '2400 Hennepin Ave S Apartment # 101']) {
      expect(normalizeAddress(line), line).toMatchObject({ key: '2400 HENNEPIN AVE S', unit: '101' });
    }
    expect(normalizeAddress('2400 Hennepin Ave S', 'apt. 4-b')).toMatchObject({ unit: '4B' });
    expect(normalizeUnit('Suite 200')).toBe('200');
    expect(normalizeUnit('#12')).toBe('12');
    expect(normalizeUnit('')).toBe('');
    expect(normalizeUnit(null)).toBe('');
  });

  it('gives a looser key without directionals and street type', () => {
    expect(normalizeAddress('2400 Hennepin Ave S')?.looseKey).toBe('2400 HENNEPIN');
    expect(normalizeAddress('2400 Hennepin')?.looseKey).toBe('2400 HENNEPIN');
    expect(normalizeAddress('350 S 5th St')?.looseKey).toBe('350 5TH');
  });

  it('refuses lines that cannot be looked up', () => {
    for (const line of ['', '   ', 'PO Box 123', 'P.O. Box 55', 'Hennepin Ave', 'Lake Street and Chicago', '12', '123 N St']) {
      expect(normalizeAddress(line), line).toBeNull();
    }
  });

  it('builds the same key from the county file’s separate fields', () => {
    const fromFile = addressFromParts({ number: '350', preDirection: 'S', name: '5th', postType: 'St' });
    expect(fromFile?.key).toBe(normalizeAddress('350 South Fifth Street')?.key);
    expect(addressFromParts({ number: '1500', suffix: 'A', preDirection: 'E', name: 'Lake', postType: 'St', unit: 'Apt 3' })).toMatchObject({
      key: '1500A E LAKE ST',
      unit: '3',
    });
    expect(addressFromParts({ number: '100', street: 'Main St SE' })?.key).toBe('100 MAIN ST SE');
    expect(addressFromParts({ number: '', name: 'Main' })).toBeNull();
    expect(addressFromParts({ number: '100' })).toBeNull();
  });

  it('reads ZIP codes with or without the +4', () => {
    expect(normalizeZip('55415')).toBe('55415');
    expect(normalizeZip(' 55415-1234 ')).toBe('55415');
    expect(normalizeZip('5541')).toBe('');
    expect(normalizeZip('ABCDE')).toBe('');
    expect(normalizeZip(undefined)).toBe('');
  });
});
