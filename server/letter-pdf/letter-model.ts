// The plain, resolved letter the engine renders: every value final (dates as printed, images
// as bytes, the text as a tree). Who gets which letter and where the values come from is
// decided outside the engine (server/letters/).
import type { LetterText } from './letter-text.ts';

export type LetterOrganisation = {
  name: string;
  shortName: string;
  /** Re-encoded PNG (or JPEG) bytes; undefined = no logo or the file is missing. */
  logo?: Uint8Array;
  /** Set when a logo file is recorded but could not be read. */
  logoMissing?: boolean;
};

/** A first signatory of the letter (member organisation's representative). */
export type LetterSignatory = {
  name: string;
  function: string;
  organisation: string;
  /** Set when the signature counts for the text printed; image for drawn or uploaded signatures. */
  signature?: { signedAt: Date; image?: Uint8Array };
  /** The organisation declined (shown in a draft as "abgelehnt", never in a final letter). */
  declined?: boolean;
};

export type LetterSupporters = { organisations: string[]; citizens: number | null };

/** The shared part of a letter: the same for every recipient of a batch. */
export type LetterModel = {
  /** The appeal's readable address, written into the PDF's keywords. */
  slug: string;
  coalitionName: string;
  /** The coalition's postal address, one part per entry ("c/o …", street, town); may be empty. */
  senderAddress?: string[];
  /** The appeal's place, printed with the date ("Kleve, 25.11.2026"); may be empty. */
  place?: string;
  title: string;
  subtitleLines: string[];
  /** ISO calendar date printed in the letter. */
  letterDate: string;
  reference: string;
  text: LetterText;
  closing: string;
  contact: { name: string; function: string; email: string; phone: string };
  /** "Gleichlautende Schreiben an: …": who else receives the same letter; empty = not printed. */
  sameLetterTo?: string[];
  ccLines: string[];
  attachmentLines: string[];
  /** Kept for the documents' identity; no longer printed (the signature grid names every first signatory once). */
  listFirstSignatories: boolean;
  /** Visible "ENTWURF" mark and placeholders for unsigned signatories. */
  draft: boolean;
  organisations: LetterOrganisation[];
  signatories: LetterSignatory[];
  /**
   * The second tier, printed after the signatures as "Unterstützt von: A, B sowie 1.234
   * Bürgerinnen und Bürger". Absent when the letter names no supporters (then the letter is
   * exactly as without this feature); organisations empty or citizens null when not chosen.
   */
  supporters?: LetterSupporters;
  /** Base of the verification URL, without a trailing slash. */
  baseUrl: string;
};

/** One letter's personal part. */
export type RenderRecipient = {
  /** Short readable name, used in warnings ("Stadt Goch"). */
  label: string;
  addressLines: string[];
  salutation: string;
  /** A note in the Zusatz- und Vermerkzone above the address ("– zur Weiterleitung an … –"). */
  note?: string;
  /** Verification code printed in the footer and the QR code. */
  code: string;
  /** A delivery's reply link (/r/<token>), printed small on the last page; absent on every other letter. */
  replyUrl?: string;
};
