import type { RetentionPolicy } from '../../../core/privacy/retention.ts';
import { HOLDER_RECORD } from './card.service.ts';

/**
 * Card holders are forgotten once their last card has expired and the grace period has passed
 * (`forget_after`, computed when a card is made or revoked: the last expiry + `DEFAULT_CARD_GRACE_DAYS`, or the
 * jurisdiction's `retention["municipal-id.card-holder"].maxDays`). Forgetting destroys the holder's key and
 * deletes the holder and the cards; the revocation lists keep only random revocation ids. A recorded court
 * order can hold a holder (legal hold).
 */
export const cardRetention: RetentionPolicy[] = [
  {
    recordType: HOLDER_RECORD,
    table: 'id_card_holders',
    basis: 'forget_after',
    days: 0,
    descriptionKey: 'municipalId.retention.cardHolder',
    shredSubjects: { column: 'id' },
  },
];
