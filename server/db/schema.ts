// Every table of the app; drizzle-kit reads this file to generate migrations.
export * from '../organisers/organisers.table.ts';
export * from '../appeals/appeals.table.ts';
export * from '../signatories/signatories.table.ts';
export * from '../addressees/addressees.table.ts';
export * from '../signing/signing.table.ts';
export * from '../audit/audit.table.ts';
export * from '../mail/mail.table.ts';
export * from '../letters/letter-documents.table.ts';
export * from '../dispatch/dispatch.table.ts';
export * from './rate-limits.table.ts';
export * from '../supporters/supporters.table.ts';
export * from '../appeals/team-invitations.table.ts';
export * from '../mailbox/mailbox.table.ts';
export * from '../appeals/mail-texts.table.ts';
export * from '../replies/replies.table.ts';
