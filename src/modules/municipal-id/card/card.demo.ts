/**
 * Demo data for the card desk: a few card holders with names in several scripts and cards in each state of
 * the print queue (queued, printed, issued, and a lost card replaced), made through the same services as a
 * real approval (sealed, signed, audited). The photos are drawn here: no picture of a real person.
 */
import { inTransaction } from '../../../core/db/transaction.ts';
import type { AppContext } from '../../../core/modules/context.ts';
import { duplicateIndex } from '../application/application.service.ts';
import { lazyRequire } from '../../../core/lazy.ts';
import { reencodePhoto } from '../enrolment/photo.ts';
import { type CardActor, createCard, createHolder, markHandedOver, markPrinted, replace } from './card.service.ts';

const jpegJs = lazyRequire<typeof import('jpeg-js')>('jpeg-js');

const SYSTEM: CardActor = { userId: null, role: 'system' };

const HOLDERS = [
  { name: 'Hodan Abdi Warsame', birthDate: '1988-04-17', gender: 'female', veteran: false, ward: 6, hue: 20, state: 'issued' },
  { name: 'Ntxhi Vaj', birthDate: '2009-11-02', gender: 'not-shown', veteran: false, ward: 4, hue: 120, state: 'printed' },
  { name: 'ዮሐንስ ገብረ መድኅን', birthDate: '1975-01-30', gender: 'male', veteran: true, ward: 9, hue: 200, state: 'queued' },
  { name: 'Nguyễn Thị Phương Thảo', birthDate: '1956-08-09', gender: 'x', veteran: false, ward: 2, hue: 280, state: 'replaced' },
] as const;

/** A drawn head-and-shoulders picture (no real person), run through the same pipeline as a camera photo. */
export function drawnPortrait(hue: number): Buffer {
  const width = 480;
  const height = 640;
  const data = new Uint8Array(width * height * 4);
  const bg = [150 + (hue % 60), 170, 190 + (hue % 40)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const face = ((x - 240) / 90) ** 2 + ((y - 260) / 118) ** 2 <= 1;
      const body = y > 430 && Math.abs(x - 240) < 190 - (height - y) * 0.25;
      const [r, g, b] = face ? [190, 145, 112] : body ? [40 + (hue % 80), 60, 110] : bg;
      data[i] = r as number;
      data[i + 1] = g as number;
      data[i + 2] = b as number;
      data[i + 3] = 255;
    }
  }
  return reencodePhoto(Buffer.from(jpegJs().encode({ width, height, data }, 90).data)).jpeg;
}

/** Seeds the demo card holders and cards. */
export async function seedCardDemo(ctx: AppContext): Promise<void> {
  for (const h of HOLDERS) {
    const cardId = await inTransaction(ctx.db, async (tx) => {
      const holderId = await createHolder(
        ctx,
        tx,
        { name: h.name, birthDate: h.birthDate, gender: h.gender, veteran: h.veteran, photoJpeg: drawnPortrait(h.hue), personIndex: duplicateIndex(ctx, h.name, h.birthDate), documentIndex: null },
        SYSTEM,
      );
      return createCard(ctx, tx, { holderId, facts: { name: h.name, birthDate: h.birthDate }, ward: h.ward }, SYSTEM);
    });
    if (h.state === 'queued') continue;
    await markPrinted(ctx, SYSTEM, cardId);
    if (h.state === 'printed') continue;
    await markHandedOver(ctx, SYSTEM, cardId);
    if (h.state === 'replaced') await replace(ctx, SYSTEM, cardId, 'lost');
  }
}
