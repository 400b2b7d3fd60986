import { defineClassification } from '../privacy/classification.ts';

/**
 * Classification of the outbound message queue. Address and content are sealed under the recipient's data key
 * and erased seven days after the message was queued; what stays is metadata only.
 */
export const notifyClassification = defineClassification([
  {
    table: 'notify_messages',
    class: 'private',
    purpose: 'Emails and text messages waiting to be sent, and a short record of those sent',
    retention: 'Address and content erased 7 days after queuing; metadata kept with the record it is about',
    subjectColumn: 'subject_id',
    columns: {
      id: 'Random message id',
      channel: 'Email or SMS',
      template: 'Which message template (a catalog key prefix)',
      locale: 'Language the message was written in',
      subject_id: 'The recipient (vault subject): seals the message and lets forgetting delete it',
      related_type: 'Kind of record the message is about (a code)',
      related_id: 'Id of the record the message is about',
      recipient_sealed: { purpose: 'Email address or phone number of the recipient', protection: 'encrypted', retention: '7 days' },
      content_sealed: { purpose: 'Rendered subject, text and files of the message', protection: 'encrypted', retention: '7 days' },
      status: 'Queued, sending, sent, failed or expired',
      attempts: 'How many times sending was tried',
      next_attempt_at: 'When to try next',
      lease_until: 'Until when one worker holds the message while sending',
      last_error: 'Short error code of the last failed attempt (never a server message)',
      provider_id: 'Reference returned by the mail server or SMS gateway',
      created_at: 'When it was queued',
      sent_at: 'When it was sent',
      purged_at: 'When address and content were erased',
    },
  },
]);
